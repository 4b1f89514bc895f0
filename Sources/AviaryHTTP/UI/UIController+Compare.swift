import AviaryCore
import AviaryTracking
import Hummingbird

extension UIController {
    /// Most runs one comparison shows; more would not fit a screen anyway.
    static var maxComparedRuns: Int { 50 }
    /// Most metrics drawn as overlaid histories.
    static var maxComparedCharts: Int { 24 }

    /// `/compare?runs=A&runs=B…`: params and latest metrics side by side (rows that differ are
    /// marked), a scatter of one param or metric against a metric, and overlaid histories.
    func comparePage(_ request: Request) async throws -> Response {
        let ids = Self.repeated(request, "runs")
        guard !ids.isEmpty else {
            throw AviaryError.invalid("Select runs to compare: tick them on an experiment page, or pass ?runs=ID&runs=ID.")
        }
        guard ids.count <= Self.maxComparedRuns else {
            throw AviaryError.invalid("Too many runs to compare: \(ids.count); the limit is \(Self.maxComparedRuns).")
        }
        var runs: [Run] = []
        for id in ids { runs.append(try await service.run(id: id)) }
        let params = runs.map { Dictionary($0.params.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }) }
        let metrics = runs.map { Dictionary($0.metrics.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }) }
        let paramKeys = Set(params.flatMap(\.keys)).sorted()
        let metricKeys = Set(metrics.flatMap(\.keys)).sorted()

        func rows(_ keys: [String], _ values: (String) -> [String?]) -> [[String: Any]] {
            keys.map { key in
                let row = values(key)
                return ["key": key, "values": row.map { $0 ?? "—" }, "differs": Set(row).count > 1]
            }
        }
        // By default the first numeric param that differs between the runs, across.
        let varied = paramKeys.first { key in
            params.contains { Double($0[key] ?? "") != nil } && Set(params.map { $0[key] }).count > 1
        }
        let x = request.uri.queryParameters["x"].map(String.init) ?? varied.map { "params.\($0)" } ?? metricKeys.first.map { "metrics.\($0)" } ?? ""
        let y = request.uri.queryParameters["y"].map(String.init) ?? metricKeys.first.map { "metrics.\($0)" } ?? ""
        func number(_ column: String, _ k: Int) -> Double? {
            if column.hasPrefix("params.") { return params[k][String(column.dropFirst(7))].flatMap(Double.init) }
            if column.hasPrefix("metrics.") { return metrics[k][String(column.dropFirst(8))] }
            return nil
        }
        let points = runs.indices.compactMap { k -> ScatterChartSVG.Point? in
            guard let px = number(x, k), let py = number(y, k), px.isFinite, py.isFinite else { return nil }
            return ScatterChartSVG.Point(runID: runs[k].info.runID, label: runs[k].info.runName, x: px, y: py, color: k)
        }
        let xChoices = paramKeys.map { "params.\($0)" } + metricKeys.map { "metrics.\($0)" }
        let yChoices = metricKeys.map { "metrics.\($0)" }
        var charts: [[String: Any]] = []
        let named = runs.map { ($0.info.runID, $0.info.runName) }
        for key in metricKeys.prefix(Self.maxComparedCharts) {
            charts.append(["key": key, "svg": try await historyChart(key: key, runs: named, byTime: false)])
        }
        let view: [String: Any] = [
            "count": runs.count,
            "runs": runs.enumerated().map { k, run in ["id": run.info.runID, "name": run.info.runName, "color": LineChartSVG.color(k)] },
            "params": rows(paramKeys) { key in params.map { $0[key] } },
            "metrics": rows(metricKeys) { key in metrics.map { $0[key].map(Self.metric) } },
            "xChoices": xChoices.map { ["value": $0, "selected": $0 == x] },
            "yChoices": yChoices.map { ["value": $0, "selected": $0 == y] },
            "scatter": points.isEmpty ? "" : ScatterChartSVG(xLabel: x, yLabel: y, points: points).render(),
            "charts": charts,
        ]
        return Self.page(title: "Compare runs", template: "compare", view: view)
    }
}
