import Hummingbird
import Synchronization

/// Takes routes like a router and only lists them, telling the routes a path serves from the
/// 405 answers `RouteTable` adds for its other methods.
///
/// A router's own route list cannot tell the two apart: both are handlers for a method and a
/// path. The server compositions add their routes to any `RouterMethods`, so a test can hand
/// them a recorder and compare what is served with the OpenAPI document.
public final class RouteRecorder<Context: RequestContext>: RouterMethods, Sendable {
    /// A method on a path, as Hummingbird's `RouterPath` prints it (`/logged-models/{model_id}`).
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public let method: HTTPRequest.Method
        public let path: String
        /// Whether a handler serves it; false for a 405 answer.
        public let served: Bool

        public var description: String { "\(method) \(path)" }
    }

    private let recorded = Mutex<[Route]>([])

    public init(context: Context.Type = Context.self) {}

    /// Every route added, in order.
    public var routes: [Route] {
        recorded.withLock { $0 }
    }

    public func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        let route = Route(method: method, path: path.description, served: !(responder is MethodNotAllowedResponder<Context>))
        recorded.withLock { $0.append(route) }
        return self
    }

    /// Middleware changes no route; nothing to record.
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        self
    }
}
