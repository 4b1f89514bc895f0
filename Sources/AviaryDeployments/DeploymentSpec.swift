import AviaryCore
import AviaryMonitoring
import AviaryModels
import Foundation

/// A deployment as its YAML file defines it: named variants of one model, the traffic share
/// each gets, and which requests stay with which variant.
///
/// ```yaml
/// name: churn
/// sticky_header: X-Aviary-Key     # optional; requests with the same value keep one variant
/// refresh_seconds: 5              # how often aliases are looked up again (0: never)
/// variants:
///   - {name: champion, model: "models:/churn@champion", weight: 80}
///   - {name: challenger, model: "models:/churn@challenger", weight: 20}
///   - {name: shadow, model: "models:/churn/1", shadow: true}
/// prediction_log:                # optional
///   path: predictions.db          # relative to the spec file
///   flush_seconds: 1
///   retention_days: 30
/// ```
///
/// Serving variants' weights are whole percentages summing to 100. A shadow variant scores
/// every request as well, off the response path; its output is never returned.
public struct DeploymentSpec: Sendable, Equatable {
    /// One model the deployment runs, and its share of the traffic.
    public struct Variant: Sendable, Equatable {
        /// Named in `X-Aviary-Variant` and the `variant` metric label.
        public var name: String
        /// Anything `aviary serve` accepts: a path, `runs:/…`, `models:/NAME/VERSION`, `models:/NAME@ALIAS`.
        public var model: String
        /// Percent of the traffic; 0 for a shadow.
        public var weight: Int
        /// Scores every request off the response path; never answers.
        public var shadow: Bool
    }

    /// Where and how requests are logged.
    public struct PredictionLog: Sendable, Equatable {
        /// The SQLite file, relative to the spec file unless absolute.
        public var path: String
        /// Seconds between batched writes: the window a killed process can lose.
        public var flushSeconds: Double
        /// nil keeps records forever.
        public var retentionDays: Double?
    }

    /// The name in `/deployments/{name}/invocations`.
    public var name: String
    public var variants: [Variant]
    /// Where requests are logged; nil logs nothing.
    public var predictionLog: PredictionLog?
    /// The header whose value pins a caller to one variant; `X-Aviary-Key` unless set.
    public var stickyHeader: String
    /// Seconds between alias lookups; 0 never looks again.
    public var refreshSeconds: Double
    /// What the model predicts: picks the live-quality metrics for feedback.
    public var task: ModelTask
    /// Scheduled drift, data-quality and live-quality checks; nil runs none.
    public var monitor: Monitor?
    /// Where crossed thresholds are reported; nil only logs them.
    public var alerts: Alerts?
    /// What promoting a challenger requires; nil uses accuracy (or MAE), α = 0.05, 100 rows.
    public var gate: Gate?

    /// The variants that answer requests, in file order.
    public var serving: [Variant] { variants.filter { !$0.shadow } }

    /// Parses and checks a spec; every refusal names the field and the rule.
    public init(yaml text: String) throws {
        let document = try BoundedYAML.load(text, field: "The deployment spec", limits: .handWritten)
        guard let root = document as? [String: Any] else {
            throw AviaryError.invalid("The deployment spec must be a mapping with name and variants")
        }
        try Self.refuseUnknownKeys(root, allowed: [
            "name", "variants", "sticky_header", "refresh_seconds", "prediction_log", "task", "monitor", "alerts", "gate",
        ], at: "")
        guard let name = root["name"] as? String, Self.isName(name) else {
            throw AviaryError.invalid("name: required, letters, digits, '-' and '_' only (it becomes part of URLs)")
        }
        guard let entries = root["variants"] as? [Any], !entries.isEmpty else {
            throw AviaryError.invalid("variants: required, a list of at least one variant")
        }
        var variants: [Variant] = []
        for (k, entry) in entries.enumerated() {
            let field = "variants[\(k)]"
            guard let entry = entry as? [String: Any] else { throw AviaryError.invalid("\(field): must be a mapping with name, model and weight") }
            try Self.refuseUnknownKeys(entry, allowed: ["name", "model", "weight", "shadow"], at: "\(field).")
            guard let variantName = entry["name"] as? String, Self.isName(variantName) else {
                throw AviaryError.invalid("\(field).name: required, letters, digits, '-' and '_' only")
            }
            guard !variants.contains(where: { $0.name == variantName }) else {
                throw AviaryError.invalid("\(field).name: '\(variantName)' is used by two variants; names must be unique")
            }
            guard let model = entry["model"] as? String, !model.isEmpty else {
                throw AviaryError.invalid("\(field).model: required, e.g. models:/NAME@champion")
            }
            let shadow = entry["shadow"] as? Bool ?? false
            if entry["shadow"] != nil, !(entry["shadow"] is Bool) { throw AviaryError.invalid("\(field).shadow: must be true or false") }
            let weight: Int
            if shadow {
                guard entry["weight"] == nil else { throw AviaryError.invalid("\(field).weight: a shadow variant takes no traffic share; remove weight") }
                weight = 0
            } else {
                guard let value = entry["weight"] as? Int, (0...100).contains(value) else {
                    throw AviaryError.invalid("\(field).weight: required for a serving variant, a whole percentage from 0 to 100")
                }
                weight = value
            }
            variants.append(Variant(name: variantName, model: model, weight: weight, shadow: shadow))
        }
        let total = variants.reduce(0) { $0 + $1.weight }
        guard total == 100 else {
            throw AviaryError.invalid("variants: the serving variants' weights must sum to 100, got \(total)")
        }
        let header = root["sticky_header"] ?? "X-Aviary-Key"
        guard let stickyHeader = header as? String, !stickyHeader.isEmpty, stickyHeader.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw AviaryError.invalid("sticky_header: an HTTP header name (letters, digits and '-')")
        }
        let refreshSeconds = try Self.number(root["refresh_seconds"], "refresh_seconds", atLeast: 0, atMost: Limits.seconds) ?? 5
        self.predictionLog = try root["prediction_log"].map(Self.predictionLog)
        let task = try Self.task(root["task"])
        self.task = task
        self.monitor = try root["monitor"].map { try Self.monitor($0, task: task) }
        self.alerts = try root["alerts"].map(Self.alerts)
        self.gate = try root["gate"].map { try Self.gate($0, task: task) }
        if predictionLog == nil, let section = ["monitor", "gate"].first(where: { root[$0] != nil }) {
            throw AviaryError.invalid("\(section): needs prediction_log, which it reads")
        }
        self.name = name
        self.variants = variants
        self.stickyHeader = stickyHeader
        self.refreshSeconds = refreshSeconds
    }

    static func predictionLog(_ value: Any) throws -> PredictionLog {
        guard let mapping = value as? [String: Any] else { throw AviaryError.invalid("prediction_log: must be a mapping with path") }
        try refuseUnknownKeys(mapping, allowed: ["path", "flush_seconds", "retention_days"], at: "prediction_log.")
        guard let path = mapping["path"] as? String, !path.isEmpty else { throw AviaryError.invalid("prediction_log.path: required, the SQLite file to log to") }
        let flush = try number(
            mapping["flush_seconds"], "prediction_log.flush_seconds", atLeast: Limits.flushSeconds.lowerBound, atMost: Limits.flushSeconds.upperBound
        ) ?? 1
        let retention = try number(mapping["retention_days"], "prediction_log.retention_days", positive: true, atMost: Limits.days)
        return PredictionLog(path: path, flushSeconds: flush, retentionDays: retention)
    }

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }

    static func refuseUnknownKeys(_ mapping: [String: Any], allowed: Set<String>, at prefix: String) throws {
        if let unknown = mapping.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw AviaryError.invalid("\(prefix)\(unknown): unknown field; expected \(allowed.sorted().joined(separator: ", "))")
        }
    }
}
