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
            let responder = MethodNotAllowedResponder<Context>(allowed: methods.map(\.rawValue).joined(separator: ", "))
            for method in all where !methods.contains(method) {
                _ = routes.on(RouterPath(path), method: method, responder: responder)
            }
        }
        return routes
    }
}

/// `RouteTable`'s answer to a method its path does not serve: 405 with `Allow`. A type of its
/// own so that `RouteRecorder` can tell these from the routes a path serves.
struct MethodNotAllowedResponder<Context: RequestContext>: HTTPResponder {
    /// The methods the path serves, as `Allow` lists them.
    let allowed: String

    func respond(to request: Request, context: Context) async throws -> Response {
        var response = MLflowErrorMiddleware<Context>.response(
            for: AviaryError(.badRequest, "Method \(request.method) is not allowed on \(request.uri.path); use \(allowed)")
        )
        response.status = .methodNotAllowed
        response.headers[.allow] = allowed
        return response
    }
}
