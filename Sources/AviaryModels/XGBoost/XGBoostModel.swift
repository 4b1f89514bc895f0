import AviaryCodecs
import AviaryCore
import Foundation

/// An XGBoost model read from its JSON (`.json`) or UBJSON (`.ubj`) file: gbtree or dart
/// boosters, every objective in `XGBoostObjective`, categorical splits.
///
/// Predictions equal `Booster.predict` / `inplace_predict`: features are rounded to `Float`,
/// margins start from `base_score` and add each tree's leaf in tree order in `Float`.
public struct XGBoostModel: Predictor {
    public let featureCount: Int
    public let featureNames: [String]?
    public let categoricalFeatures: Set<Int>
    public let outputWidth: Int
    public let summary: String

    let forest: XGBoostForest
    let objective: XGBoostObjective
    /// Number of margins per row (classes for multiclass, else 1).
    let groupCount: Int
    /// Starting margin of each group.
    let baseMargins: [Float]

    /// Reads a model file, choosing JSON or UBJSON from its first byte.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        try self.init(data: data)
    }

    /// Parses a model from the bytes of a `.json` or `.ubj` file.
    public init(data: Data) throws {
        let parsed: Any
        if data.first == UInt8(ascii: "{"), data.dropFirst().first.map({ $0 != UInt8(ascii: "$") && $0 != UInt8(ascii: "#") }) ?? false,
           let json = try? JSONSerialization.jsonObject(with: data) {
            parsed = json
        } else {
            do {
                parsed = try UBJSONReader.parse(data)
            } catch let error as AviaryError {
                throw AviaryError.invalid("XGBoost model: \(error.message)")
            }
        }
        try self.init(document: ModelDocument(parsed))
    }

    init(document: ModelDocument) throws {
        let learner = try document.child("learner")
        let parameters = try learner.child("learner_model_param")
        featureCount = try parameters.child("num_feature").int()
        let classes = try parameters.child("num_class").int()
        // Checked before anything is sized by them: a model file is input like any other.
        guard (1...ModelLimits.features).contains(featureCount) else {
            throw parameters.malformed("num_feature from 1 to \(ModelLimits.features), got \(featureCount)")
        }
        guard (0...ModelLimits.classes).contains(classes) else {
            throw parameters.malformed("num_class from 0 to \(ModelLimits.classes), got \(classes)")
        }
        if let targets = try parameters.optionalChild("num_target")?.int(), targets > 1 {
            throw AviaryError.invalid("XGBoost models with \(targets) targets (multi-output trees) are not supported yet")
        }
        let groupCount = max(1, classes)
        self.groupCount = groupCount
        let objectiveName = try learner.child("objective").child("name").string()
        let objective = try XGBoostObjective(name: objectiveName)
        self.objective = objective
        outputWidth = objective.outputWidth(groups: groupCount)

        let scores = try Self.baseScores(try parameters.child("base_score").string(), field: parameters.path)
        guard scores.count == 1 || scores.count == groupCount else {
            throw AviaryError.invalid("XGBoost base_score has \(scores.count) values for \(groupCount) output groups")
        }
        let margins = scores.map { objective.margin(fromBaseScore: $0) }
        baseMargins = margins.count == 1 ? Array(repeating: margins[0], count: groupCount) : margins

        let booster = try learner.child("gradient_booster")
        let boosterName = try booster.child("name").string()
        let treesModel: ModelDocument
        var weights: [Float]?
        switch boosterName {
        case "gbtree": treesModel = try booster.child("model")
        case "dart":
            treesModel = try booster.child("gbtree").child("model")
            weights = try booster.child("weight_drop").numbers().map { Float($0) }
        default:
            throw AviaryError.invalid("XGBoost booster '\(boosterName)' is not supported; use gbtree or dart")
        }
        let trees = try treesModel.child("trees").array()
        let treeGroups = try treesModel.child("tree_info").ints()
        guard treeGroups.count == trees.count, treeGroups.allSatisfy({ (0..<groupCount).contains($0) }) else {
            throw treesModel.malformed("a tree_info entry below num_class for every tree")
        }
        guard weights.map({ $0.count == trees.count }) ?? true else {
            throw booster.malformed("a weight_drop entry for every tree")
        }
        var forest = XGBoostForest()
        for (t, tree) in trees.enumerated() {
            try forest.append(tree: tree, group: treeGroups[t], weight: weights?[t] ?? 1, featureCount: featureCount)
        }
        self.forest = forest

        let names = try learner.optionalChild("feature_names")?.array().map { try $0.string() } ?? []
        featureNames = names.count == featureCount ? names : nil
        let types = try learner.optionalChild("feature_types")?.array().map { try $0.string() } ?? []
        categoricalFeatures = Set(types.indices.filter { types[$0] == "c" })
        summary = "xgboost \(boosterName) \(objectiveName), \(trees.count) trees, \(featureCount) features"
    }

    /// `base_score` is `"5E-1"` before XGBoost 3.1 and `"[5E-1]"` or `"[2.8E-1,3.6E-1,3.6E-1]"` since.
    static func baseScores(_ text: String, field: String) throws -> [Float] {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        let parts = trimmed.split(separator: ",")
        let values = parts.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count == parts.count else {
            throw AviaryError.invalid("\(field).base_score must be a number or a list of numbers, got '\(text)'")
        }
        return values
    }

    /// Rows processed together: each tree is walked for the whole block while its nodes are in cache.
    static let blockSize = 64

    public func predict(_ batch: FeatureBatch, threads: Int?) -> Predictions {
        precondition(batch.featureCount == featureCount, "batch has \(batch.featureCount) features, model expects \(featureCount)")
        let rowCount = batch.rowCount
        var output = [Double](repeating: 0, count: rowCount * outputWidth)
        output.withUnsafeMutableBufferPointer { out in
            let outBase = out.baseAddress!
            RowChunks.forEach(rowCount: rowCount, threads: threads) { chunk in
                predictChunk(batch, rows: chunk, output: outBase)
            }
        }
        return Predictions(values: output, width: outputWidth, precision: .float32)
    }

    private func predictChunk(_ batch: FeatureBatch, rows: Range<Int>, output: UnsafeMutablePointer<Double>) {
        let block = Self.blockSize
        let groups = groupCount
        let rowBuffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * max(1, featureCount))
        let margins = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * groups)
        let positions = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        defer {
            rowBuffer.deallocate()
            margins.deallocate()
            positions.deallocate()
        }
        forest.nodes.withUnsafeBufferPointer { nodes in
            var start = rows.lowerBound
            while start < rows.upperBound {
                let end = min(rows.upperBound, start + block)
                let count = end - start
                batch.gatherRows(start..<end, into: rowBuffer) { Float($0) }
                for r in 0..<count {
                    for g in 0..<groups { margins[r * groups + g] = baseMargins[g] }
                }
                let rowsStart = rowBuffer.baseAddress!
                for t in 0..<forest.treeCount {
                    let root = forest.roots[t]
                    let group = Int(forest.groups[t])
                    let weight = forest.weights[t]
                    if forest.hasCategoricalSplit[t] {
                        for r in 0..<count {
                            let leaf = forest.leafValue(root: root, row: rowsStart + r * featureCount, nodes: nodes)
                            margins[r * groups + group] += leaf * weight
                        }
                    } else {
                        forest.walkLevels(root: root, depth: forest.depths[t], rows: rowsStart, stride: featureCount,
                                          count: count, positions: positions, nodes: nodes)
                        for r in 0..<count { margins[r * groups + group] += nodes[Int(positions[r])].value * weight }
                    }
                }
                for r in 0..<count {
                    let rowMargins = UnsafeMutableBufferPointer(rebasing: margins[(r * groups)..<((r + 1) * groups)])
                    objective.transform(rowMargins, into: output + (start + r) * outputWidth)
                }
                start = end
            }
        }
    }
}
