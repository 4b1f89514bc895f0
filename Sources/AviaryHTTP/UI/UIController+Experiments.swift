import AviaryCore
import AviaryTracking
import Hummingbird

extension UIController {
    /// Runs per page of the experiment view.
    static var pageSize: Int64 { 50 }

    /// `/`: every active experiment by name, narrowed by `?q=` (a case-insensitive substring).
    func experimentsPage(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        var experiments: [Experiment] = []
        var token: String?
        repeat {
            let page = try await service.searchExperiments(filter: nil, orderBy: ["name ASC"], viewType: .activeOnly, maxResults: 1000, pageToken: token)
            experiments += page.items
            token = page.nextPageToken
        } while token != nil
        if !query.isEmpty { experiments = experiments.filter { $0.name.localizedCaseInsensitiveContains(query) } }
        let view: [String: Any] = [
            "query": query,
            "count": experiments.count,
            "experiments": experiments.map { ["id": $0.id, "name": $0.name, "created": Self.time($0.creationTime)] },
        ]
        return Self.page(title: "Experiments", template: "experiments", view: view)
    }

    /// `/experiments/{id}`: one page of runs, searched, ordered and paged by the store with the
    /// `runs/search` grammar; `columns` picks the metric, param and tag columns.
    func experimentPage(_ request: Request, id: String) async throws -> Response {
        let experiment = try await service.experiment(id: id)
        let parameters = request.uri.queryParameters
        let filter = parameters["filter"].map(String.init) ?? ""
        let orderBy = parameters["order_by"].map(String.init) ?? ""
        let chosen = Self.repeated(request, "columns")
        var view: [String: Any] = ["id": experiment.id, "name": experiment.name, "filter": filter, "orderBy": orderBy]
        var status = HTTPResponse.Status.ok
        do {
            let page = try await service.searchRuns(
                experimentIDs: [experiment.id], filter: filter, orderBy: orderBy.isEmpty ? [] : [orderBy],
                viewType: .activeOnly, maxResults: Self.pageSize, pageToken: parameters["page_token"].map(String.init)
            )
            let runs = page.items
            let available = Self.columnNames(Set(runs.flatMap { $0.metrics.map(\.key) }), prefix: "metrics")
                + Self.columnNames(Set(runs.flatMap { $0.params.map(\.key) }), prefix: "params")
                + Self.columnNames(Set(runs.flatMap { $0.tags.map(\.key) }.filter { !$0.hasPrefix("mlflow.") }), prefix: "tags")
            // By default every metric and param on the page; tags only when asked for.
            let columns = chosen.isEmpty ? available.filter { !$0.hasPrefix("tags.") } : chosen
            view["choices"] = (available + chosen.filter { !available.contains($0) }).map { ["value": $0, "checked": columns.contains($0)] }
            view["columns"] = columns
            view["runCount"] = runs.count
            view["runs"] = runs.map { run -> [String: Any] in
                let values = Self.columnValues(run)
                return [
                    "id": run.info.runID, "name": run.info.runName, "status": run.info.status.rawValue,
                    "started": run.info.startTime.map(Self.time) ?? "",
                    "cells": columns.map { ["column": $0, "value": values[$0] ?? "", "num": $0.hasPrefix("metrics.")] },
                ]
            }
            if let next = page.nextPageToken {
                view["nextPage"] = Self.percentEncoded(next)
                var query = "&filter=\(Self.percentEncoded(filter))&order_by=\(Self.percentEncoded(orderBy))"
                for column in chosen { query += "&columns=\(Self.percentEncoded(column))" }
                view["pageQuery"] = query
            }
        } catch let error as AviaryError where error.code == .invalidParameterValue {
            // A filter or order the grammar refuses is shown above the (empty) table.
            view["error"] = error.message
            view["runCount"] = 0
            status = .badRequest
        }
        return Self.page(title: experiment.name, template: "experiment", view: view, status: status)
    }

    static func columnNames(_ keys: Set<String>, prefix: String) -> [String] {
        keys.sorted().map { "\(prefix).\($0)" }
    }

    /// A run's latest metrics, params and tags by column name (`metrics.loss`, `params.lr`, `tags.team`).
    static func columnValues(_ run: Run) -> [String: String] {
        var values: [String: String] = [:]
        for metric in run.metrics { values["metrics.\(metric.key)"] = Self.metric(metric.value) }
        for param in run.params { values["params.\(param.key)"] = param.value }
        for tag in run.tags { values["tags.\(tag.key)"] = tag.value }
        return values
    }
}
