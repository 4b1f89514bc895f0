import AviaryCore
import AviaryTracking
import Foundation
import Hummingbird

/// The server-rendered web UI: the experiments list at `/` and each experiment's runs table,
/// paged, sorted and filtered on the server with the search grammar of `runs/search`.
public struct UIController<Context: RequestContext>: Sendable {
    let service: TrackingService
    /// Runs per page of the experiment view.
    static var pageSize: Int64 { 50 }

    public init(service: TrackingService) {
        self.service = service
    }

    /// The pages, at the server's root: `/` and `/experiments/{id}`.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get { request, _ in try await experimentsPage(request) }
        routes.get("experiments/:id") { request, context in
            try await experimentPage(request, id: context.parameters.require("id"))
        }
        return routes
    }

    private func experimentsPage(_ request: Request) async throws -> Response {
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

    private func experimentPage(_ request: Request, id: String) async throws -> Response {
        let experiment = try await service.experiment(id: id)
        let parameters = request.uri.queryParameters
        let filter = parameters["filter"].map(String.init) ?? ""
        let orderBy = parameters["order_by"].map(String.init) ?? ""
        var view: [String: Any] = ["id": experiment.id, "name": experiment.name, "filter": filter, "orderBy": orderBy,
                                   "filterQuery": Self.percentEncoded(filter), "orderQuery": Self.percentEncoded(orderBy)]
        var status = HTTPResponse.Status.ok
        do {
            let page = try await service.searchRuns(
                experimentIDs: [experiment.id], filter: filter, orderBy: orderBy.isEmpty ? [] : [orderBy],
                viewType: .activeOnly, maxResults: Self.pageSize, pageToken: parameters["page_token"].map(String.init)
            )
            let metricKeys = Array(Set(page.items.flatMap { $0.metrics.map(\.key) })).sorted()
            let paramKeys = Array(Set(page.items.flatMap { $0.params.map(\.key) })).sorted()
            view["metricKeys"] = metricKeys
            view["paramKeys"] = paramKeys
            view["runCount"] = page.items.count
            view["runs"] = page.items.map { run -> [String: Any] in
                let metrics = Dictionary(run.metrics.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
                let params = Dictionary(run.params.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
                return [
                    "id": run.info.runID, "name": run.info.runName, "status": run.info.status.rawValue,
                    "started": run.info.startTime.map(Self.time) ?? "",
                    // Six significant digits: 0.87, not 0.8700000000000001; the full value is in the REST API.
                    "metrics": metricKeys.map { metrics[$0].map { String(format: "%.6g", $0) } ?? "" },
                    "params": paramKeys.map { params[$0] ?? "" },
                ]
            }
            if let next = page.nextPageToken { view["nextPage"] = Self.percentEncoded(next) }
        } catch let error as AviaryError {
            // A filter or order the grammar refuses is shown above the (empty) table.
            view["error"] = error.message
            view["runCount"] = 0
            status = .badRequest
        }
        return Self.page(title: experiment.name, template: "experiment", view: view, status: status)
    }

    static func page(title: String, template: String, view: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let content = UITemplates.library.render(view, withTemplate: template) ?? ""
        let html = UITemplates.library.render(["title": title, "content": content], withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func time(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
