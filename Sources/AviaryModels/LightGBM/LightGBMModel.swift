import AviaryCore
import Foundation

/// A LightGBM model read from its text format (`booster.save_model("model.txt")`, the `model.lgb`
/// that `mlflow.lightgbm.log_model` writes for a `Booster`): regression, binary and multiclass
/// objectives, numeric and categorical splits, missing values by `decision_type`.
///
/// Predictions equal `Booster.predict`: trees are summed per class in `Double` in file order.
public struct LightGBMModel: Predictor {
    public let featureCount: Int
    public let featureNames: [String]?
    public let categoricalFeatures: Set<Int>
    public let outputWidth: Int
    public let summary: String

    let forest: LightGBMForest
    let objective: LightGBMObjective
    /// Trees per boosting iteration (the class count for multiclass); tree `t` adds to class `t % treesPerIteration`.
    let treesPerIteration: Int
    /// Random-forest mode: the sum is divided by the number of iterations.
    let averageOutput: Bool

    public init(contentsOf url: URL) throws {
        try self.init(text: try String(contentsOf: url, encoding: .utf8))
    }

    /// Parses the text format.
    public init(text: String) throws {
        var header = LightGBMTextBlock(name: "header")
        var trees: [LightGBMTextBlock] = []
        var current: LightGBMTextBlock?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("Tree=") {
                if let tree = current { trees.append(tree) }
                current = LightGBMTextBlock(name: String(line))
            } else if line == "end of trees" {
                break
            } else if line.isEmpty {
                continue
            } else if current != nil {
                current!.add(line: line)
            } else {
                header.add(line: line)
            }
        }
        if let tree = current { trees.append(tree) }
        guard text.hasPrefix("tree") else {
            throw AviaryError.invalid("not a LightGBM text model: it must start with a 'tree' line")
        }

        // Checked before anything is sized by them: a model file is input like any other.
        let maximumFeatureIndex = try header.int("max_feature_idx")
        guard (0..<ModelLimits.features).contains(maximumFeatureIndex) else {
            throw header.malformed("max_feature_idx from 0 to \(ModelLimits.features - 1), got \(maximumFeatureIndex)")
        }
        featureCount = maximumFeatureIndex + 1
        treesPerIteration = try header.optionalInt("num_tree_per_iteration") ?? 1
        let classes = try header.optionalInt("num_class") ?? 1
        guard (1...ModelLimits.classes).contains(treesPerIteration), (1...ModelLimits.classes).contains(classes), trees.count % treesPerIteration == 0 else {
            throw header.malformed("num_tree_per_iteration and num_class from 1 to \(ModelLimits.classes), and a tree count divisible by num_tree_per_iteration")
        }
        let objectiveLine = String(try header.string("objective"))
        objective = try LightGBMObjective(line: objectiveLine)
        outputWidth = treesPerIteration
        averageOutput = header.flags.contains("average_output")

        var forest = LightGBMForest()
        for tree in trees { try forest.append(tree: tree, featureCount: featureCount) }
        self.forest = forest

        let names = (try? header.string("feature_names"))?.split(separator: " ").map(String.init) ?? []
        // LightGBM writes Column_0, Column_1, … when it was given no names.
        let placeholders = names.enumerated().allSatisfy { $1 == "Column_\($0)" }
        featureNames = names.count == featureCount && !placeholders ? names : nil
        let infos = (try? header.string("feature_infos"))?.split(separator: " ") ?? []
        // Numeric features are described as [min:max] (or none); categorical ones list their codes.
        categoricalFeatures = Set(infos.indices.filter { !infos[$0].hasPrefix("[") && infos[$0] != "none" })
        summary = "lightgbm \(objectiveLine.split(separator: " ").first ?? ""), \(trees.count) trees, \(featureCount) features"
            + (classes > 1 ? ", \(classes) classes" : "")
    }

    /// Rows processed together: each tree is walked for the whole block while its nodes are in cache.
    static let blockSize = 64

    public func predict(_ batch: FeatureBatch, threads: Int?) -> Predictions {
        precondition(batch.featureCount == featureCount, "batch has \(batch.featureCount) features, model expects \(featureCount)")
        var output = [Double](repeating: 0, count: batch.rowCount * outputWidth)
        output.withUnsafeMutableBufferPointer { out in
            let outBase = out.baseAddress!
            RowChunks.forEach(rowCount: batch.rowCount, threads: threads) { chunk in
                predictChunk(batch, rows: chunk, output: outBase)
            }
        }
        return Predictions(values: output, width: outputWidth, precision: .float64)
    }

    private func predictChunk(_ batch: FeatureBatch, rows: Range<Int>, output: UnsafeMutablePointer<Double>) {
        let block = Self.blockSize
        let width = outputWidth
        let iterations = Double(max(1, forest.treeCount / treesPerIteration))
        let rowBuffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: block * featureCount)
        let positions = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        defer {
            rowBuffer.deallocate()
            positions.deallocate()
        }
        forest.nodes.withUnsafeBufferPointer { nodes in
            var start = rows.lowerBound
            while start < rows.upperBound {
                let end = min(rows.upperBound, start + block)
                batch.gatherRows(start..<end, into: rowBuffer) { $0 }
                let scores = output + start * width
                let rowsStart = rowBuffer.baseAddress!
                for t in 0..<forest.treeCount {
                    let root = forest.roots[t]
                    let k = t % treesPerIteration
                    if forest.hasCategoricalSplit[t] {
                        for r in 0..<(end - start) {
                            scores[r * width + k] += forest.leafValue(root: root, row: rowsStart + r * featureCount, nodes: nodes)
                        }
                    } else {
                        forest.walkLevels(root: root, depth: forest.depths[t], rows: rowsStart, stride: featureCount,
                                          count: end - start, positions: positions, nodes: nodes)
                        for r in 0..<(end - start) { scores[r * width + k] += nodes[Int(positions[r])].value }
                    }
                }
                for r in 0..<(end - start) {
                    if averageOutput {
                        for k in 0..<width { scores[r * width + k] /= iterations }
                    }
                    objective.transform(scores + r * width, count: width)
                }
                start = end
            }
        }
    }
}
