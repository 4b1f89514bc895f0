import AviaryCodecs
import AviaryCore
import AviaryDeployments
import AviaryHTTP
import AviaryModels
import AviaryMonitoring
import Foundation

/// The parsers libFuzzer drives (`fuzz/`, `make fuzz`), one entry point each, over the same
/// functions a request, a model file or a spec reaches. Whatever the bytes, a target returns
/// (an error thrown for bad input is the right answer); a trap, a hang or a failed check is a
/// finding. `FuzzCorpusTests` replays every seed and every past finding through these.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `POST /invocations` JSON: `JSONValue.parse`, then each input format into a batch.
    case scoringJSON = "scoring-json"
    /// `POST /v2/models/NAME/infer`: the Open Inference request into a batch.
    case openInference = "open-inference"
    /// `POST /invocations` with `text/csv`, and CSV files read as tables, then drift on them.
    case csv
    /// `POST /runs/log-batch`: the fast parser, held to `JSONDecoder` where both accept.
    case logBatch = "log-batch"
    /// MLmodel YAML (aliases allowed, bounded) and its signature.
    case mlmodel
    /// Deployment spec YAML (or JSON).
    case deploymentSpec = "deployment-spec"
    /// Data-quality suite YAML, checked against a small table.
    case qualitySuite = "quality-suite"
    /// XGBoost JSON or UBJSON (by the first bytes), then a prediction.
    case xgboost
    /// LightGBM text, then a prediction.
    case lightgbm

    /// Runs the target on one input.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        let data = Data(bytes)
        switch self {
        case .scoringJSON:
            guard let body = try? JSONValue.parse(bytes) else { return }
            for schema in Self.schemas { _ = try? ScoringInput.batch(fromJSON: body, schema: schema) }
        case .openInference:
            guard let body = try? JSONValue.parse(bytes) else { return }
            for schema in Self.schemas { _ = try? InferenceRequest(body, schema: schema) }
        case .csv:
            for schema in Self.schemas { _ = try? ScoringInput.batch(fromCSV: data, schema: schema) }
            guard let table = try? CSVTableReader().read(data: data, name: "input.csv") else { return }
            _ = try? DriftDetector.compare(reference: table, current: table)
        case .logBatch:
            Self.checkLogBatch(Array(bytes))
        case .mlmodel:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let document = (try? BoundedYAML.load(text, field: "MLmodel", limits: .mlmodel)) as? [String: Any] else { return }
            if let signature = document["signature"] as? [String: Any], let inputs = signature["inputs"] as? String {
                _ = try? ModelSignature.inputSchema(fromJSON: inputs, featureCount: 3)
            }
        case .deploymentSpec:
            // A webhook's host is resolved while the spec is read: no DNS lookups from a fuzzer.
            guard !data.contains(Array("webhook".utf8)) else { return }
            _ = try? DeploymentSpec(yaml: String(decoding: bytes, as: UTF8.self))
        case .qualitySuite:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let suite = try? QualitySuite(yaml: text, field: "the suite") else { return }
            _ = try? QualityChecker.check(suite, on: Self.qualityTable)
        case .xgboost:
            guard let model = try? XGBoostModel(data: data) else { return }
            Self.predict(model)
        case .lightgbm:
            guard let model = try? LightGBMModel(text: String(decoding: bytes, as: UTF8.self)) else { return }
            Self.predict(model)
        }
    }

    /// Named and positional schemas of three features, the second optional.
    static let schemas: [InputSchema] = [
        InputSchema(columns: [
            .init(name: "a", type: .double, required: true), .init(name: "b", type: .long, required: false),
            .init(name: "c", type: .boolean, required: true),
        ], isNamed: true),
        .positional(width: 3),
    ]

    /// What quality suites are checked against: a number, a category and a text column.
    static let qualityTable: DataTable = {
        let csv = "a,b,c\n1,x,2020-01-01\n-5.5,y,\n,x,2021-06-30\n"
        return (try? CSVTableReader().read(data: Data(csv.utf8), name: "fuzz.csv")) ?? DataTable(columns: [], rowCount: 0)
    }()

    /// Rows that take every branch a split can: ordinary values, zero, NaN, huge and negative.
    static func predict(_ model: any Predictor) {
        // A model may declare up to 2^20 features; a few rows of that many are enough to walk it.
        guard model.featureCount <= 4096 else { return }
        let values: [Double] = [0, 1, -1, .nan, 1e30, -0.5, 3, 1e-300]
        let rows = values.indices.map { r in (0..<model.featureCount).map { values[($0 + r) % values.count] } }
        _ = model.predict(FeatureBatch(rows: rows, featureCount: model.featureCount))
    }

    /// The fast log-batch parser and `JSONDecoder` must read alike whatever both accept.
    static func checkLogBatch(_ bytes: [UInt8]) {
        guard let fast = LogBatchParser.parse(bytes), let generic = try? LogBatchParser.decodeGenerically(bytes) else { return }
        let same = fast.runID == generic.runID && fast.params == generic.params && fast.tags == generic.tags
            && fast.metrics.count == generic.metrics.count
            && zip(fast.metrics, generic.metrics).allSatisfy { a, b in
                a.key == b.key && (a.value.bitPattern == b.value.bitPattern || a.value.isNaN && b.value.isNaN) && a.timestamp == b.timestamp && a.step == b.step
            }
        precondition(same, "the fast log-batch parser read the body differently from JSONDecoder")
    }
}
