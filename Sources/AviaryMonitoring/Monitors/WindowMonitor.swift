import AviaryCore
import Foundation

/// One monitor pass over a deployment's prediction log: drift of the newest answered requests
/// against the reference data, the data-quality suite on the same window, and live quality
/// per variant on its newest labelled requests, each checked against its threshold.
public struct WindowMonitor: Sendable {
    /// What a variant serves now: live quality counts only that version's rows.
    public struct Variant: Sendable {
        public var name: String
        public var version: String
        /// Shadows get live quality too, but no thresholds: they answer nobody.
        public var shadow: Bool

        public init(name: String, version: String, shadow: Bool) {
            self.name = name
            self.version = version
            self.shadow = shadow
        }
    }

    public var task: ModelTask
    /// Newest answered requests read by the drift and quality checks.
    public var window: Int
    /// The training-time data drift is measured against; nil skips drift.
    public var reference: DataTable?
    public var driftShare: Double
    public var suite: QualitySuite?
    /// Newest labelled requests per variant for live quality.
    public var liveWindow: Int
    /// Live-quality bounds by metric.
    public var thresholds: [String: (min: Double?, max: Double?)]

    /// Labelled rows a serving variant needs before its live-quality thresholds are judged, so
    /// the first few labels cannot raise an alert by chance.
    public static let minimumLabelledRows = 50

    public init(
        task: ModelTask, window: Int, reference: DataTable?, driftShare: Double, suite: QualitySuite?, liveWindow: Int,
        thresholds: [String: (min: Double?, max: Double?)]
    ) {
        self.task = task
        self.window = window
        self.reference = reference.map(Self.sortedNumbers)
        self.driftShare = driftShare
        self.suite = suite
        self.liveWindow = liveWindow
        self.thresholds = thresholds
    }

    /// Runs every configured check once.
    public func pass(store: any PredictionLogStore, deployment: String, variants: [Variant], now: Int64) throws -> MonitorPass {
        let start = ContinuousClock.now
        var pass = try checks(store: store, deployment: deployment, variants: variants, now: now)
        let elapsed = ContinuousClock.now - start
        pass.durationSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return pass
    }

    private func checks(store: any PredictionLogStore, deployment: String, variants: [Variant], now: Int64) throws -> MonitorPass {
        let records = try store.latest(deployment: deployment, count: window)
        var pass = MonitorPass(timestamp: now, windowRows: 0)
        if !records.isEmpty, reference != nil || suite != nil {
            let current = try LoggedValues.table(records)
            pass.windowRows = current.rowCount
            if let reference {
                // Each name once: a log written before duplicate feature names were refused may repeat one.
                var seen = Set<String>()
                let shared = current.columnNames.filter { reference[$0] != nil && seen.insert($0).inserted }
                guard !shared.isEmpty else {
                    throw AviaryError.invalid("monitor.reference: shares no column with the model's inputs \(current.columnNames)")
                }
                let report = try DriftDetector.compare(reference: reference, current: current, options: DriftOptions(columns: shared, shareThreshold: driftShare))
                pass.driftShare = report.driftShare
                pass.driftDetected = report.datasetDrift
                pass.driftScores = Dictionary(report.columns.map { ($0.column, $0.score) }) { first, _ in first }
                if report.datasetDrift {
                    let columns = report.columns.filter(\.drifted).map(\.column).joined(separator: ", ")
                    pass.violations.append(.init(key: "drift", message: String(
                        format: "data drift: %d of %d columns drifted (share %.2f ≥ %.2f) over the newest %d requests: %@",
                        report.driftedColumns, report.columns.count, report.driftShare, driftShare, current.rowCount, columns
                    )))
                }
            }
            if let suite {
                let failed = try QualityChecker.check(suite, on: current).results.filter { !$0.passed }.map(\.summary)
                pass.qualityFailures = failed
                if !failed.isEmpty {
                    pass.violations.append(.init(key: "quality", message: "data quality: \(failed.count) rule(s) failed: \(failed.joined(separator: "; "))"))
                }
            }
        }
        let labeled = try store.labeled(deployment: deployment, since: 0)
        for variant in variants {
            let rows = labeled.filter { $0.variant == variant.name && $0.modelVersion == variant.version }.suffix(liveWindow)
            guard !rows.isEmpty else { continue }
            let metrics = try Self.quality(task: task, Array(rows))
            let count = metrics["rows"] ?? 0
            guard !variant.shadow, count >= Double(min(Self.minimumLabelledRows, liveWindow)) else {
                pass.live[variant.name] = metrics
                continue
            }
            for (metric, bound) in thresholds.sorted(by: { $0.key < $1.key }) {
                guard let value = metrics[metric] else { continue }
                if let low = bound.min, value < low {
                    pass.violations.append(.init(key: "live:\(variant.name):\(metric)", message: String(
                        format: "live quality: %@ (version %@) %@ %.4g < min %.4g over %d labelled rows", variant.name, variant.version, metric, value, low, Int(count))))
                }
                if let high = bound.max, value > high {
                    pass.violations.append(.init(key: "live:\(variant.name):\(metric)", message: String(
                        format: "live quality: %@ (version %@) %@ %.4g > max %.4g over %d labelled rows", variant.name, variant.version, metric, value, high, Int(count))))
                }
            }
            pass.live[variant.name] = metrics
        }
        return pass
    }

    /// `table` with each numeric column's finite values sorted (missing values after them): the
    /// drift tests read the reference as a distribution, so its order does not matter, and
    /// sorting it once here saves sorting it again on every pass.
    static func sortedNumbers(_ table: DataTable) -> DataTable {
        var sorted = table
        for k in sorted.columns.indices where sorted.columns[k].kind == .numeric {
            let values = sorted.columns[k].numbers
            sorted.columns[k].numbers = RadixSort.sorted(values.filter(\.isFinite)) + values.filter { !$0.isFinite }
        }
        return sorted
    }

    /// Live-quality metrics over labelled predictions, with their row count under `rows`.
    public static func quality(task: ModelTask, _ labeled: [LabeledPrediction]) throws -> [String: Double] {
        var outputs: [Double] = []
        var truth: [Double] = []
        var width = 0
        for prediction in labeled {
            let (values, rowWidth) = (prediction.outputs, prediction.outputWidth)
            guard width == 0 || rowWidth == width else {
                throw AviaryError.invalid("live quality: outputs of \(rowWidth) and \(width) numbers per row in one window")
            }
            width = rowWidth
            outputs += values
            truth += prediction.truth
        }
        var metrics = try LiveQuality.compute(task: task, outputs: outputs, width: max(width, 1), truth: truth)
        metrics["rows"] = Double(truth.count)
        return metrics
    }
}
