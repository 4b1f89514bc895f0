import AviaryHTTP
import AviaryMonitoring
import Foundation
import Logging

/// Runs a deployment's monitor on its schedule: every `every_seconds`, and whenever
/// `every_predictions` more requests have been answered. Each pass is appended to the
/// prediction log's time series, published as gauges and handed to the alert dispatcher.
public struct DeploymentMonitorService: Sendable {
    let deployment: Deployment
    let alerts: AlertDispatcher
    let metrics: MonitorMetrics
    let logger: Logger

    public init(deployment: Deployment, alerts: AlertDispatcher, metrics: MonitorMetrics, logger: Logger) {
        self.deployment = deployment
        self.alerts = alerts
        self.metrics = metrics
        self.logger = logger
    }

    /// Checks the schedule a few times a second until cancelled.
    public func run() async {
        guard let monitor = deployment.monitor, let settings = deployment.spec.monitor, let log = deployment.log else { return }
        var lastPass = ContinuousClock.now
        var answeredAtLastPass = deployment.answered.load(ordering: .relaxed)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            let answered = deployment.answered.load(ordering: .relaxed)
            let timeDue = settings.everySeconds.map { ContinuousClock.now - lastPass >= .milliseconds(Int($0 * 1000)) } ?? false
            let countDue = settings.everyPredictions.map { answered - answeredAtLastPass >= $0 } ?? false
            guard timeDue || countDue else { continue }
            lastPass = .now
            answeredAtLastPass = answered
            do {
                try log.flush()
                let pass = try monitor.pass(
                    store: log.store, deployment: deployment.spec.name, variants: deployment.servingVersions,
                    now: Int64(Date().timeIntervalSince1970 * 1000)
                )
                try log.store.appendMonitorPass(pass, deployment: deployment.spec.name)
                metrics.update(pass)
                await alerts.handle(pass)
            } catch {
                logger.error("monitor pass failed: \(error)", metadata: ["deployment": "\(deployment.spec.name)"])
            }
        }
    }
}
