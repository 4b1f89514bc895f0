import Hummingbird
import Logging

/// A router with a fast path for scoring requests, answered before the router is asked, behind
/// the `RequestGuard` every request passes first:
/// `POST /invocations` of `aviary serve`'s model, and `POST /deployments/{name}/invocations` and
/// `POST /v2/models/{name}/infer` of a hosted deployment. Everything else, including those
/// paths for names this server does not host, goes to the router, whose routes for the same
/// paths give the errors.
///
/// Why: Hummingbird's router resolves a path in generic code that looks type metadata up at
/// run time on every request, and its per-route middleware chain does the same per
/// middleware. On 1-row requests that was about 10% of plain `aviary serve`'s CPU. Requests
/// answered here get the same request log (at `requestLogLevel`), error JSON (Open Inference
/// errors their own shape) and metrics as through the router.
public struct ScoringRouter<Router: HTTPResponderBuilder>: HTTPResponderBuilder
where Router.Responder.Context: RequestContext {
    /// The request context of the wrapped router.
    public typealias Context = Router.Responder.Context
    /// The router every request the fast path does not answer goes to.
    package let router: Router
    let model: ServedModel?
    let host: DeploymentHost?
    let requestLogLevel: Logger.Level
    let requestGuard: RequestGuard

    /// `aviary serve`'s router with `model`'s `POST /invocations` ahead of it.
    /// - Parameters:
    ///   - requestLogLevel: the level `router` logs requests at, for the requests answered here.
    ///   - requestGuard: the Host and Origin checks every request passes first, routed or not.
    public init(_ router: Router, model: ServedModel, requestLogLevel: Logger.Level, requestGuard: RequestGuard = .loopback) {
        self.router = router
        self.model = model
        self.host = nil
        self.requestLogLevel = requestLogLevel
        self.requestGuard = requestGuard
    }

    /// A router with the scoring requests of `host`'s deployments ahead of it.
    /// - Parameters:
    ///   - host: the deployments to answer for; nil leaves every request to `router`.
    ///   - requestLogLevel: the level `router` logs requests at, for the requests answered here.
    ///   - requestGuard: the Host and Origin checks every request passes first, routed or not.
    public init(_ router: Router, host: DeploymentHost?, requestLogLevel: Logger.Level, requestGuard: RequestGuard = .loopback) {
        self.router = router
        self.model = nil
        self.host = host
        self.requestLogLevel = requestLogLevel
        self.requestGuard = requestGuard
    }

    /// The fast path in front of `router`'s own responder.
    public func buildResponder() -> Responder {
        Responder(
            router: router.buildResponder(), model: model, host: host, requestLog: LogRequestsMiddleware(requestLogLevel),
            invocationMetrics: model.map { ScoringMetricsMiddleware(metrics: $0.metrics, endpoint: ServedModel.invocationsPath) },
            requestGuard: requestGuard
        )
    }

    /// The responder: the guard, the fast path, then the router's.
    public struct Responder: HTTPResponder {
        let router: Router.Responder
        let model: ServedModel?
        let host: DeploymentHost?
        let requestLog: LogRequestsMiddleware<Context>
        /// `model`'s metrics for `/invocations`, as the router's middleware counts them.
        let invocationMetrics: ScoringMetricsMiddleware<Context>?
        let requestGuard: RequestGuard

        /// Scores a request for the model or a hosted deployment; hands anything else to the router.
        public func respond(to request: Request, context: Context) async throws -> Response {
            if let refused = requestGuard.refusal(for: request) {
                // A rebinding attempt or cross-site POST leaves a trace, not only a status.
                context.logger.notice("request refused", metadata: [
                    "reason": "\(refused.reason)", "host": "\(request.head.authority ?? "")", "origin": "\(ServedModel.firstValue(request.headers, .origin) ?? "")",
                    "path": "\(request.uri.path)",
                ])
                return refused.response
            }
            guard request.method == .post else { return try await router.respond(to: request, context: context) }
            if let model, let invocationMetrics, request.uri.path == ServedModel.invocationsPath {
                return try await requestLog.handle(request, context: context) { request, context in
                    try await invocationMetrics.handle(request, context: context) { request, context in
                        try await MLflowErrorMiddleware<Context>().handle(request, context: context) { request, _ in
                            try await model.answerInvocations(request)
                        }
                    }
                }
            }
            guard let host, let route = DeploymentScoring.Route(path: request.uri.path), let deployment = host.deployment(named: route.name) else {
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
