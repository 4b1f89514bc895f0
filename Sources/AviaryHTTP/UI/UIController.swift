import AviaryArtifacts
import AviaryCodecs
import AviaryCore
import AviaryRegistry
import AviaryTracking
import Foundation
import Hummingbird

/// The server-rendered web UI: experiments and their runs, run pages with metric charts and an
/// artifact browser, run comparison, the model registry, and deployments with their monitors.
///
/// Every page is a swift-mustache template over values this controller prepares; user strings
/// reach the HTML only through escaping (`{{…}}` or `HTMLText.escape` in the chart code), and
/// a Content-Security-Policy allowing only Aviary's own script stops anything that slipped by.
public struct UIController<Context: RequestContext>: Sendable {
    let service: TrackingService
    let registry: RegistryService
    let artifacts: LocalArtifactStore
    /// The deployments this server hosts; nil shows none.
    let deployments: DeploymentHost?
    let fileIO = FileIO()

    public init(service: TrackingService, registry: RegistryService, artifacts: LocalArtifactStore, deployments: DeploymentHost? = nil) {
        self.service = service
        self.registry = registry
        self.artifacts = artifacts
        self.deployments = deployments
    }

    /// The pages and their static assets, at the server's root.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get { request, context in await Self.html(context) { try await experimentsPage(request) } }
        routes.get("experiments/:id") { request, context in
            await Self.html(context) { try await experimentPage(request, id: context.parameters.require("id")) }
        }
        routes.get("runs/:id") { request, context in
            await Self.html(context) { try await runPage(request, id: context.parameters.require("id")) }
        }
        routes.get("runs/:id/artifacts") { request, context in
            await Self.html(context) { try await artifactPage(request, runID: context.parameters.require("id")) }
        }
        routes.get("runs/:id/artifacts/raw") { request, context in
            await Self.html(context) { try await rawArtifact(request, runID: context.parameters.require("id"), context: context) }
        }
        routes.get("compare") { request, context in await Self.html(context) { try await comparePage(request) } }
        routes.get("models") { request, context in await Self.html(context) { try await modelsPage(request) } }
        routes.get("models/:name") { _, context in
            await Self.html(context) { try await modelPage(name: Self.decodedName(context)) }
        }
        routes.get("models/:name/versions/:version") { _, context in
            await Self.html(context) { try await versionPage(name: Self.decodedName(context), version: context.parameters.require("version")) }
        }
        routes.get("deployments") { _, context in await Self.html(context) { deploymentsPage() } }
        routes.get("deployments/:name") { _, context in
            await Self.html(context) { try deploymentPage(name: context.parameters.require("name")) }
        }
        routes.get("static/aviary.css") { _, _ in UIAssets.response(UIAssets.css, type: "text/css; charset=utf-8") }
        routes.get("static/aviary.js") { _, _ in UIAssets.response(UIAssets.javascript, type: "text/javascript; charset=utf-8") }
        return routes
    }

    /// The model name in the path, percent-decoded once (names cannot hold '/', so one segment holds it all).
    static func decodedName(_ context: Context) throws -> String {
        let raw = try context.parameters.require("name")
        guard let name = raw.removingPercentEncoding else { throw AviaryError.invalid("Invalid model name '\(raw)': malformed percent-encoding") }
        return name
    }

    // MARK: Rendering

    /// Only Aviary's own stylesheet and script run; inline scripts and handlers never do.
    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    /// Runs a page handler; a lookup that found nothing becomes a 404 page, a refused input a
    /// 400 page, anything else a 500 page that leaks no internals.
    static func html(_ context: Context, _ handler: () async throws -> Response) async -> Response {
        do {
            return try await handler()
        } catch let error as AviaryError {
            let heading = error.code == .resourceDoesNotExist ? "Not found" : "Cannot show this page"
            return page(title: heading, template: "message", view: ["heading": heading, "text": error.message], status: .init(code: error.code.httpStatus))
        } catch {
            context.logger.error("Unhandled error while rendering a page", metadata: ["error": "\(String(reflecting: error))"])
            return page(title: "Error", template: "message", view: ["heading": "Error", "text": "Internal error while rendering this page."], status: .internalServerError)
        }
    }

    static func page(title: String, template: String, view: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        page(title: title, content: render(template, view), status: status)
    }

    /// `content` (already rendered and escaped) inside the layout.
    static func page(title: String, content: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = render("layout", ["title": title, "content": content])
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy]
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Renders `template`; empty strings are dropped from the view first, because Mustache
    /// sections (`{{#description}}…{{/description}}`) treat any string, even "", as true.
    static func render(_ template: String, _ view: [String: Any]) -> String {
        UITemplates.library.render(withoutEmptyStrings(view), withTemplate: template) ?? ""
    }

    static func withoutEmptyStrings(_ view: [String: Any]) -> [String: Any] {
        view.compactMapValues { value -> Any? in
            switch value {
            case let text as String: text.isEmpty ? nil : text
            case let nested as [String: Any]: withoutEmptyStrings(nested)
            case let items as [[String: Any]]: items.map(withoutEmptyStrings)
            default: value
            }
        }
    }

    /// A key/value table; `rows` are (key, value, link).
    static func table(_ rows: [(key: String, value: String, href: String?)]) -> String {
        render("table", ["rows": rows.map { row -> [String: Any] in
            var item: [String: Any] = ["key": row.key, "value": row.value]
            if let href = row.href { item["href"] = href }
            return item
        }])
    }

    static func tagTable(_ tags: [Tag]) -> String {
        table(tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value, nil) })
    }

    // MARK: Formatting

    /// `2026-11-23 11:24:00` in UTC: sortable, and short enough not to wrap in a table.
    static func time(_ millis: Int64) -> String {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        // Defensive: any Int64 of milliseconds is within gmtime's years today, but a failure
        // would leave `parts` zero and print a date that was never stored.
        guard gmtime_r(&seconds, &parts) != nil else { return "out of range (\(millis) ms)" }
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Six significant digits: 0.87, not 0.8700000000000001; the full value is in the REST API.
    static func metric(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    /// The time from `start` to `end` (milliseconds), or "out of range" when stored times are
    /// so far apart that the difference does not fit in 64 bits.
    static func duration(from start: Int64, to end: Int64) -> String {
        let (millis, overflow) = end.subtractingReportingOverflow(start)
        guard !overflow else { return "out of range" }
        let seconds = Double(millis) / 1000
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }

    static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
        return String(format: "%.1f MiB", Double(count) / Double(1 << 20))
    }

    /// `text` safe inside a query value or a path segment.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// All values of a repeated query parameter (`runs=a&runs=b`), also split on commas.
    static func repeated(_ request: Request, _ name: String) -> [String] {
        request.uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",") }.map(String.init).filter { !$0.isEmpty }
    }
}
