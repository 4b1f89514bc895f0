import AviaryMonitoring
import CoreMetrics
import Prometheus
import Synchronization

/// A deployment's latest monitor pass as Prometheus gauges, for dashboards and alert rules:
///
/// - `aviary_drift_share{deployment}` and `aviary_drift_detected{deployment}` (0 or 1)
/// - `aviary_drift_score{deployment,feature}`: the column's test score (p-value or distance)
/// - `aviary_quality_failed_rules{deployment}`
/// - `aviary_live_quality{deployment,variant,metric}` and `aviary_live_labelled_rows{deployment,variant}`
/// - `aviary_monitor_violations{deployment}`: thresholds crossed in the latest pass
/// - `aviary_monitor_pass_seconds{deployment}`: how long the latest pass took
/// - `aviary_alerts_total{deployment,key}`: alerts raised
public final class MonitorMetrics: Sendable {
    private let factory: PrometheusMetricsFactory
    private let deployment: String
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init(registry: PrometheusCollectorRegistry, deployment: String) {
        self.factory = PrometheusMetricsFactory(registry: registry)
        self.deployment = deployment
    }

    /// Sets every gauge from `pass`.
    public func update(_ pass: MonitorPass) {
        if let share = pass.driftShare { gauge("aviary_drift_share").record(share) }
        if let detected = pass.driftDetected { gauge("aviary_drift_detected").record(detected ? 1 : 0) }
        for (feature, score) in pass.driftScores ?? [:] where score.isFinite {
            gauge("aviary_drift_score", [("feature", feature)]).record(score)
        }
        if let failures = pass.qualityFailures { gauge("aviary_quality_failed_rules").record(Double(failures.count)) }
        for (variant, metrics) in pass.live {
            for (metric, value) in metrics where value.isFinite {
                if metric == "rows" {
                    gauge("aviary_live_labelled_rows", [("variant", variant)]).record(value)
                } else {
                    gauge("aviary_live_quality", [("variant", variant), ("metric", metric)]).record(value)
                }
            }
        }
        gauge("aviary_monitor_violations").record(Double(pass.violations.count))
        if let seconds = pass.durationSeconds { gauge("aviary_monitor_pass_seconds").record(seconds) }
    }

    /// Counts one raised alert.
    public func alertRaised(key: String) {
        CoreMetrics.Counter(label: "aviary_alerts_total", dimensions: [("deployment", deployment), ("key", key)], factory: factory).increment()
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        let all = [("deployment", deployment)] + dimensions
        let key = label + all.map { "|\($0.0)=\($0.1)" }.joined()
        return gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = CoreMetrics.Gauge(label: label, dimensions: all, factory: factory)
            gauges[key] = gauge
            return gauge
        }
    }
}
