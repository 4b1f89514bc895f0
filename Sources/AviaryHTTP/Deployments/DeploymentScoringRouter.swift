import Hummingbird
import Logging

/// A router with a fast path for the deployments' scoring requests: `POST
/// /deployments/{name}/invocations` and `POST /v2/models/{name}/infer` for a deployment this
/// server hosts are answered before the router is asked. Everything else, including those
/// paths for names this server does not host, goes to the router, whose routes for the same
/// paths give the errors.
///
/// Why: Hummingbird's router resolves a path with a `{name}` parameter in generic code that
/// looks type metadata up at run time on every request. On 1-row requests that was about 2% of
/// the server's CPU, a quarter of what a deployment cost over plain `aviary serve`. Errors get
/// MLflow's error JSON (Open Inference errors their own shape) and are logged at
/// `requestLogLevel`, as through the router.
public struct DeploymentScoringRouter<Router: HTTPResponderBuilder>: HTTPResponderBuilder
where Router.Responder.Context: RequestContext {
    /// The request context of the wrapped router.
    public typealias Context = Router.Responder.Context
    let router: Router
    let host: DeploymentHost?
    let requestLogLevel: Logger.Level

    /// - Parameters:
    ///   - host: the deployments to answer for; nil leaves every request to `router`.
    ///   - requestLogLevel: the level `router` logs requests at, for the requests answered here.
    public init(_ router: Router, host: DeploymentHost?, requestLogLevel: Logger.Level) {
        self.router = router
        self.host = host
        self.requestLogLevel = requestLogLevel
    }

    /// The fast path in front of `router`'s own responder.
    public func buildResponder() -> Responder {
        Responder(router: router.buildResponder(), host: host, requestLog: LogRequestsMiddleware(requestLogLevel))
    }

    /// The responder: the fast path, then the router's.
    public struct Responder: HTTPResponder {
        let router: Router.Responder
        let host: DeploymentHost?
        let requestLog: LogRequestsMiddleware<Context>

        /// Scores a hosted deployment's request; hands anything else to the router.
        public func respond(to request: Request, context: Context) async throws -> Response {
            guard request.method == .post, let host, let route = DeploymentScoring.Route(path: request.uri.path),
                  let deployment = host.deployment(named: String(route.name)) else {
                return try await router.respond(to: request, context: context)
            }
            return try await requestLog.handle(request, context: context) { request, context in
                try await MLflowErrorMiddleware<Context>().handle(request, context: context) { request, _ in
                    try await DeploymentScoring.answer(request, deployment, route.wire)
                }
            }
        }
    }
}
