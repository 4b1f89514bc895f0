import AviaryArtifacts
import AviaryCore
import AviaryTracking
import Foundation
import Hummingbird

extension UIController {
    /// `/runs/{id}`: info, params, latest metrics, a history chart per metric (`?x=step` or
    /// `?x=time`), dataset inputs, tags and the top of the artifact tree.
    func runPage(_ request: Request, id: String) async throws -> Response {
        let run = try await service.run(id: id)
        let experiment = try await service.experiment(id: run.info.experimentID)
        let byTime = request.uri.queryParameters["x"] == "time"
        let info = run.info
        let tags = Dictionary(run.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        var infoRows: [(key: String, value: String, href: String?)] = [
            ("Run ID", info.runID, nil),
            ("Experiment", experiment.name, "/experiments/\(experiment.id)"),
            ("Status", info.status.rawValue, nil),
            ("Started", info.startTime.map(Self.time) ?? "", nil),
            ("Ended", info.endTime.map(Self.time) ?? "", nil),
        ]
        if let start = info.startTime, let end = info.endTime { infoRows.append(("Duration", Self.duration(from: start, to: end), nil)) }
        infoRows.append(("User", info.userID, nil))
        if let source = tags["mlflow.source.name"] { infoRows.append(("Source", source, nil)) }
        infoRows.append(("Artifact URI", info.artifactURI, nil))
        if info.lifecycleStage != .active { infoRows.append(("Lifecycle", info.lifecycleStage.rawValue, nil)) }

        let metrics = run.metrics.sorted { $0.key < $1.key }
        var charts: [[String: Any]] = []
        for (index, metric) in metrics.enumerated() {
            let svg = try await historyChart(key: metric.key, runs: [(info.runID, info.runName)], byTime: byTime)
            charts.append(["index": index, "key": metric.key, "svg": svg])
        }
        let view: [String: Any] = [
            "name": info.runName, "experimentID": experiment.id, "experimentName": experiment.name,
            "info": Self.table(infoRows),
            "params": Self.table(run.params.sorted { $0.key < $1.key }.map { ($0.key, $0.value, nil) }),
            "metrics": metrics.enumerated().map { index, metric in
                ["index": index, "key": metric.key, "value": Self.metric(metric.value), "step": metric.step, "time": Self.time(metric.timestamp)]
            },
            "byStep": !byTime,
            "charts": charts,
            "inputs": run.inputs.map(Self.inputRow),
            "tags": Self.tagTable(run.tags),
            "artifacts": try artifactListing(run: run, path: try ArtifactPath(""), standalone: false),
        ]
        return Self.page(title: info.runName, template: "run", view: view)
    }

    /// One chart of metric `key` with a line per run that logged it; the time axis counts from
    /// each run's first value, so runs started on different days overlay.
    func historyChart(key: String, runs: [(id: String, name: String)], byTime: Bool) async throws -> String {
        var histories: [(id: String, name: String, color: Int, series: MetricSeries)] = []
        for (k, run) in runs.enumerated() {
            let series = try await service.metricSeries(runID: run.id, key: key, axis: byTime ? .time : .step, columns: LineChartSVG.columns)
            if series.total > 0 { histories.append((run.id, run.name, k, series)) }
        }
        // Points come in x order, so the first and last timestamps bound each run's time.
        let span = histories.map { Double(($0.series.timestamps.last ?? 0) - ($0.series.timestamps.first ?? 0)) / 1000 }.max() ?? 0
        let (unit, divisor): (String, Double) = span > 7200 ? ("hours", 3600) : span > 120 ? ("minutes", 60) : ("seconds", 1)
        let lines = histories.map { history -> LineChartSVG.Series in
            let series = history.series
            let x: [Double]
            if byTime {
                let origin = series.timestamps.first ?? 0
                x = series.timestamps.map { Double($0 - origin) / 1000 / divisor }
            } else {
                x = series.steps.map(Double.init)
            }
            return LineChartSVG.Series(label: history.name, runID: history.id, x: x, y: series.values, total: series.total, color: history.color)
        }
        let chart = LineChartSVG(metric: key, xLabel: byTime ? "\(unit) since the first value" : "step", xKind: byTime ? "time" : "step", series: lines)
        return chart.render()
    }

    /// MLflow stores a dataset's source as JSON (`{"uri": "s3://…"}`); its URI is what people read.
    static func sourceDescription(_ source: String) -> String {
        guard let data = source.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let uri = object["uri"] as? String ?? object["url"] as? String else { return source }
        return uri
    }

    static func inputRow(_ input: DatasetInput) -> [String: Any] {
        let dataset = input.dataset
        return [
            "name": dataset.name, "digest": dataset.digest, "sourceType": dataset.sourceType, "source": sourceDescription(dataset.source),
            "profile": dataset.profile ?? "",
            "context": input.tags.first { $0.key == "mlflow.data.context" }?.value ?? "",
        ]
    }
}
