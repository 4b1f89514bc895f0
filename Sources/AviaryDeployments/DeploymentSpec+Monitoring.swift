import AviaryCore
import AviaryMonitoring
import Foundation

/// The production-loop sections of a deployment spec: what its model predicts, the scheduled
/// monitors, where alerts go and what the promotion gate requires.
///
/// ```yaml
/// task: classification           # or regression: picks the live-quality metrics
/// monitor:
///   every_seconds: 60            # a pass this often…
///   every_predictions: 1000      # …and after this many answered requests (either may be left out)
///   window: 1000                 # newest answered requests the drift and quality checks read
///   reference: training          # the champion's logged training dataset, or a CSV path
///   drift_share: 0.5             # dataset drift when this share of columns drift
///   quality_suite: suite.yaml    # optional, from `aviary monitor suggest`
///   live_window: 1000            # newest labelled requests per variant for live quality
///   thresholds: {accuracy: {min: 0.8}, log_loss: {max: 0.5}}
/// alerts:
///   webhook: https://hooks.example.com/aviary   # POSTed JSON, signed in X-Aviary-Signature
///   secret_env: AVIARY_WEBHOOK_SECRET           # the HMAC-SHA256 key's environment variable
///   command: ["./retrain.sh", "--model", "churn"]   # run with the alert JSON on stdin; spec files only, not the API
///   cooldown_seconds: 600
/// gate:
///   metric: accuracy             # accuracy, log_loss (classification); mae, rmse, mape (regression)
///   alpha: 0.05
///   min_samples: 200
/// ```
extension DeploymentSpec {
    /// The scheduled checks of a deployment.
    public struct Monitor: Sendable, Equatable {
        public var everySeconds: Double?
        public var everyPredictions: Int?
        public var window: Int
        /// `training`, or a CSV path relative to the spec file.
        public var reference: String?
        public var driftShare: Double
        /// A quality suite YAML, relative to the spec file.
        public var qualitySuite: String?
        public var liveWindow: Int
        /// Live-quality bounds by metric name.
        public var thresholds: [String: Bound]
    }

    /// A live-quality bound: the metric must stay at or above `min` and at or below `max`.
    public struct Bound: Sendable, Equatable {
        public var min: Double?
        public var max: Double?
    }

    /// Where a crossed threshold is reported.
    public struct Alerts: Sendable, Equatable {
        public var webhook: WebhookURL?
        /// The environment variable holding the webhook's HMAC key.
        public var secretEnvironment: String?
        /// A program and its arguments, run without a shell.
        public var command: [String]?
        public var cooldownSeconds: Double

        public init(webhook: WebhookURL? = nil, secretEnvironment: String? = nil, command: [String]? = nil, cooldownSeconds: Double = 600) {
            self.webhook = webhook
            self.secretEnvironment = secretEnvironment
            self.command = command
            self.cooldownSeconds = cooldownSeconds
        }
    }

    /// What `aviary models promote` requires of a challenger.
    public struct Gate: Sendable, Equatable {
        public var metric: String
        public var alpha: Double
        public var minSamples: Int
    }

    static func task(_ value: Any?) throws -> ModelTask {
        guard let value else { return .classification }
        guard let text = value as? String, let task = ModelTask(rawValue: text) else {
            throw AviaryError.invalid("task: classification or regression")
        }
        return task
    }

    static func monitor(_ value: Any, task: ModelTask) throws -> Monitor {
        guard let mapping = value as? [String: Any] else { throw AviaryError.invalid("monitor: must be a mapping") }
        try refuseUnknownKeys(mapping, allowed: [
            "every_seconds", "every_predictions", "window", "reference", "drift_share", "quality_suite", "live_window", "thresholds",
        ], at: "monitor.")
        let everySeconds = try number(mapping["every_seconds"], "monitor.every_seconds", positive: true, atMost: Limits.seconds)
        let everyPredictions = try count(mapping["every_predictions"], "monitor.every_predictions")
        guard everySeconds != nil || everyPredictions != nil else {
            throw AviaryError.invalid("monitor: give every_seconds, every_predictions or both, to say when a pass runs")
        }
        let share = try number(mapping["drift_share"], "monitor.drift_share", positive: true) ?? 0.5
        guard share <= 1 else { throw AviaryError.invalid("monitor.drift_share: a share of columns from 0 to 1, got \(share)") }
        var thresholds: [String: Bound] = [:]
        if let raw = mapping["thresholds"] {
            guard let entries = raw as? [String: Any] else { throw AviaryError.invalid("monitor.thresholds: a mapping of metric to {min, max}") }
            let metrics = task.metrics.map(\.name)
            for (metric, rawBound) in entries {
                let field = "monitor.thresholds.\(metric)"
                guard metrics.contains(metric) else {
                    throw AviaryError.invalid("\(field): not a \(task.rawValue) metric; use \(metrics.joined(separator: ", "))")
                }
                guard let bound = rawBound as? [String: Any] else { throw AviaryError.invalid("\(field): a mapping with min, max or both") }
                try refuseUnknownKeys(bound, allowed: ["min", "max"], at: "\(field).")
                let parsed = Bound(min: try number(bound["min"], "\(field).min"), max: try number(bound["max"], "\(field).max"))
                guard parsed.min != nil || parsed.max != nil else { throw AviaryError.invalid("\(field): give min, max or both") }
                thresholds[metric] = parsed
            }
        }
        return Monitor(
            everySeconds: everySeconds, everyPredictions: everyPredictions, window: try count(mapping["window"], "monitor.window") ?? 1000,
            reference: try text(mapping["reference"], "monitor.reference"), driftShare: share,
            qualitySuite: try text(mapping["quality_suite"], "monitor.quality_suite"),
            liveWindow: try count(mapping["live_window"], "monitor.live_window") ?? 1000, thresholds: thresholds
        )
    }

    static func alerts(_ value: Any) throws -> Alerts {
        guard let mapping = value as? [String: Any] else { throw AviaryError.invalid("alerts: must be a mapping") }
        try refuseUnknownKeys(mapping, allowed: ["webhook", "secret_env", "command", "cooldown_seconds"], at: "alerts.")
        let webhook = try text(mapping["webhook"], "alerts.webhook").map { try WebhookURL($0, field: "alerts.webhook") }
        var command: [String]?
        if let raw = mapping["command"] {
            guard let parts = raw as? [String], !parts.isEmpty, !parts[0].isEmpty else {
                throw AviaryError.invalid("alerts.command: a list, the program then its arguments (no shell), e.g. [\"./retrain.sh\", \"churn\"]")
            }
            command = parts
        }
        let secret = try text(mapping["secret_env"], "alerts.secret_env")
        if secret != nil, webhook == nil { throw AviaryError.invalid("alerts.secret_env: only used with alerts.webhook") }
        return Alerts(
            webhook: webhook, secretEnvironment: secret, command: command,
            cooldownSeconds: try number(mapping["cooldown_seconds"], "alerts.cooldown_seconds", atLeast: 0, atMost: Limits.seconds) ?? 600
        )
    }

    static func gate(_ value: Any, task: ModelTask) throws -> Gate {
        guard let mapping = value as? [String: Any] else { throw AviaryError.invalid("gate: must be a mapping with metric") }
        try refuseUnknownKeys(mapping, allowed: ["metric", "alpha", "min_samples"], at: "gate.")
        let testable = PromotionGate.testableMetrics(task)
        guard let metric = mapping["metric"] as? String, testable.contains(metric) else {
            throw AviaryError.invalid("gate.metric: one of \(testable.joined(separator: ", ")) for task \(task.rawValue)")
        }
        let alpha = try number(mapping["alpha"], "gate.alpha", positive: true) ?? 0.05
        guard alpha < 1 else { throw AviaryError.invalid("gate.alpha: a significance level between 0 and 1, got \(alpha)") }
        return Gate(metric: metric, alpha: alpha, minSamples: try count(mapping["min_samples"], "gate.min_samples") ?? 100)
    }

    /// Upper bounds on a spec's numbers: far beyond any sensible setting, and low enough that
    /// what they feed (durations in milliseconds or nanoseconds, a window times the variants)
    /// stays inside 64-bit integers.
    package enum Limits {
        /// 30 days, for every interval and cool-down.
        package static let seconds = 30 * 86_400.0
        /// A century of retention.
        package static let days = 36_500.0
        /// Requests in a window, per pass or as a gate's minimum.
        package static let count = 10_000_000
        /// Seconds between prediction-log flushes: shorter rounds to a zero-length sleep (a busy
        /// loop); longer keeps every request of the interval in memory.
        package static let flushSeconds = 0.01...3600
    }

    /// A finite number within the bounds; nil when absent. The error names the field and the rule.
    static func number(_ value: Any?, _ field: String, positive: Bool = false, atLeast minimum: Double? = nil, atMost maximum: Double? = nil) throws -> Double? {
        guard let value else { return nil }
        let number = (value as? Double) ?? (value as? Int).map(Double.init)
        guard let number, number.isFinite, !positive || number > 0, number >= minimum ?? -.infinity, number <= maximum ?? .infinity else {
            var rule = positive ? "a positive number" : "a number"
            // Bounds are whole numbers or simple fractions: 86400, not 86400.0.
            func shown(_ bound: Double) -> String { bound == bound.rounded() ? String(Int(bound)) : "\(bound)" }
            if let minimum { rule += " from \(shown(minimum))" }
            if let maximum { rule += " up to \(shown(maximum))" }
            throw AviaryError.invalid("\(field): \(rule), got \(number.map { "\($0)" } ?? "\(value)")")
        }
        return number
    }

    static func count(_ value: Any?, _ field: String) throws -> Int? {
        guard let value else { return nil }
        guard let number = value as? Int, number > 0, number <= Limits.count else {
            throw AviaryError.invalid("\(field): a whole number from 1 to \(Limits.count)")
        }
        return number
    }

    static func text(_ value: Any?, _ field: String) throws -> String? {
        guard let value else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw AviaryError.invalid("\(field): a non-empty string") }
        return text
    }
}
