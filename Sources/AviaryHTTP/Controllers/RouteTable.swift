import AviaryCore
import Hummingbird

/// Builds a `RouteCollection` while remembering which methods each path serves, so that any
/// other method gets 405 Method Not Allowed, as from `mlflow server`, rather than a 404.
final class RouteTable<Context: RequestContext> {
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    private let routes = RouteCollection(context: Context.self)
    private var methodsByPath: [(path: String, methods: [HTTPRequest.Method])] = []

    func get(_ path: String, use handler: @escaping Handler) { on(path, .get, handler) }
    func post(_ path: String, use handler: @escaping Handler) { on(path, .post, handler) }
    func put(_ path: String, use handler: @escaping Handler) { on(path, .put, handler) }
    func delete(_ path: String, use handler: @escaping Handler) { on(path, .delete, handler) }
    func patch(_ path: String, use handler: @escaping Handler) { on(path, .patch, handler) }

    private func on(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping Handler) {
        routes.on(RouterPath(path), method: method, use: handler)
        if let index = methodsByPath.firstIndex(where: { $0.path == path }) {
            methodsByPath[index].methods.append(method)
        } else {
            methodsByPath.append((path, [method]))
        }
    }

    /// The finished collection, with 405 answers for every method a path does not serve.
    func collection() -> RouteCollection<Context> {
        let all: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head]
        for (path, methods) in methodsByPath {
            let allowed = methods.map(\.rawValue).joined(separator: ", ")
            for method in all where !methods.contains(method) {
                routes.on(RouterPath(path), method: method) { request, _ -> Response in
                    var response = MLflowErrorMiddleware<Context>.response(
                        for: AviaryError(.badRequest, "Method \(request.method) is not allowed on \(request.uri.path); use \(allowed)")
                    )
                    response.status = .methodNotAllowed
                    response.headers[.allow] = allowed
                    return response
                }
            }
        }
        return routes
    }
}
