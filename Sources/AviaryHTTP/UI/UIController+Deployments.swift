import AviaryCore
import AviaryMonitoring
import Foundation
import Hummingbird

extension UIController {
    /// `/deployments`: every hosted deployment with its variants and the versions they serve.
    func deploymentsPage() -> Response {
        let hosted = deployments?.all ?? []
        let view: [String: Any] = [
            "count": hosted.count,
            "deployments": hosted.map { deployment -> [String: Any] in
                ["name": deployment.spec.name, "variants": Self.variantRows(deployment), "monitored": deployment.monitor != nil]
            },
        ]
        return Self.page(title: "Deployments", template: "deployments", view: view)
    }

    /// `/deployments/{name}`: variants, live quality per variant, and the monitor time series
    /// (drift share and each live metric over time) with the thresholds crossed.
    func deploymentPage(name: String) throws -> Response {
        guard let deployment = deployments?.deployment(named: name) else { throw AviaryError.notFound("No deployment named '\(name)'") }
        var view: [String: Any] = ["name": name, "task": deployment.spec.task.rawValue, "variants": Self.variantRows(deployment)]
        if let log = deployment.log {
            let quality = try deployment.liveQuality(log: log, window: deployment.spec.monitor?.liveWindow ?? 1000)
            let metrics = deployment.spec.task.metrics.map(\.name)
            view["metricNames"] = metrics
            view["quality"] = quality.map { entry -> [String: Any] in
                ["variant": entry.variant.name, "version": entry.variant.version, "rows": entry.rows,
                 "values": metrics.map { entry.metrics[$0].map { String(format: "%.4f", $0) } ?? "–" }]
            }
            let passes = try log.store.monitorPasses(deployment: name, since: 0).suffix(2000)
            view["passCount"] = passes.count
            view["charts"] = Self.monitorCharts(Array(passes), metrics: metrics)
            view["incidents"] = passes.filter { !$0.violations.isEmpty }.suffix(20).reversed().map { pass -> [String: Any] in
                ["time": Self.time(pass.timestamp), "messages": pass.violations.map(\.message)]
            }
        }
        return Self.page(title: name, template: "deployment", view: view)
    }

    static func variantRows(_ deployment: Deployment) -> [[String: Any]] {
        deployment.spec.variants.map { variant in
            ["name": variant.name, "model": variant.model, "share": variant.shadow ? "shadow" : "\(variant.weight)%",
             "version": deployment.model(for: variant.name).version ?? ""]
        }
    }

    /// One SVG chart for the drift share and one per live metric (a line per variant), by minutes since the first pass.
    static func monitorCharts(_ passes: [MonitorPass], metrics: [String]) -> [[String: Any]] {
        guard let origin = passes.first?.timestamp else { return [] }
        func minutes(_ pass: MonitorPass) -> Double { Double(pass.timestamp - origin) / 60_000 }
        var charts: [[String: Any]] = []
        let drift = passes.filter { $0.driftShare != nil }
        if !drift.isEmpty {
            let series = LineChartSVG.Series(label: "drift share", runID: "drift", x: drift.map(minutes), y: drift.map { $0.driftShare! }, total: drift.count, color: 1)
            charts.append(["title": "Share of drifted features", "svg": LineChartSVG(metric: "drift share", xLabel: "minutes", xKind: "time", series: [series]).render()])
        }
        for metric in metrics {
            let variants = Set(passes.flatMap { $0.live.compactMap { $0.value[metric] != nil ? $0.key : nil } }).sorted()
            let lines = variants.enumerated().map { k, variant -> LineChartSVG.Series in
                let points = passes.compactMap { pass in pass.live[variant]?[metric].map { (minutes(pass), $0) } }
                return LineChartSVG.Series(label: variant, runID: variant, x: points.map(\.0), y: points.map(\.1), total: points.count, color: k)
            }
            guard !lines.isEmpty else { continue }
            charts.append(["title": "Live \(metric) by variant", "svg": LineChartSVG(metric: metric, xLabel: "minutes", xKind: "time", series: lines).render()])
        }
        return charts
    }
}
