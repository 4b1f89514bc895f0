import AviaryHTTP
import AviaryModels
import Hummingbird
import Logging
import Prometheus

/// Everything `aviary serve` needs: the model and where to listen.
public struct ScoringConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var model: ServedModel
    public var logLevel: Logger.Level
    /// The registry `GET /metrics` exposes; the model's `ScoringMetrics` should report into it.
    public var metricsRegistry: PrometheusCollectorRegistry?
    /// The Host and Origin checks (`--allowed-hosts`).
    public var requestGuard: RequestGuard

    /// Default largest request body: 10 MiB, about 50,000 rows of 20 features as JSON.
    public static let defaultMaximumBodySize = 10 << 20

    public init(
        host: String = "127.0.0.1", port: Int = 8080, model: ServedModel, logLevel: Logger.Level = .info,
        metricsRegistry: PrometheusCollectorRegistry? = nil, requestGuard: RequestGuard = .loopback
    ) {
        self.host = host
        self.port = port
        self.model = model
        self.logLevel = logLevel
        self.metricsRegistry = metricsRegistry
        self.requestGuard = requestGuard
    }
}

/// Builds the scoring server of `aviary serve`: MLflow's scoring protocol at the root and the
/// Open Inference Protocol under `/v2`.
public func buildScoringApplication(_ configuration: ScoringConfiguration) -> some ApplicationProtocol {
    var logger = Logger(label: "aviary.serve")
    logger.logLevel = configuration.logLevel
    return Application(
        router: ScoringRouter(
            buildScoringRouter(model: configuration.model, metricsRegistry: configuration.metricsRegistry), model: configuration.model, requestLogLevel: .debug,
            requestGuard: configuration.requestGuard
        ),
        server: HTTPServerSettings.server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "aviary"),
        logger: logger
    )
}

/// The scoring routes, separate from the application so tests can drive them without a port;
/// with a registry, also `GET /metrics`. The application puts `ScoringRouter`'s fast path for
/// `POST /invocations` ahead of them.
public func buildScoringRouter(model: ServedModel, metricsRegistry: PrometheusCollectorRegistry? = nil) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Per-request lines at debug: at thousands of requests a second, info would flood the log.
    router.add(middleware: LogRequestsMiddleware(.debug))
    // Outside the error middleware, so failed requests are counted with the status they got.
    router.add(middleware: ScoringMetricsMiddleware(metrics: model.metrics))
    router.add(middleware: MLflowErrorMiddleware())
    if let metricsRegistry { router.addRoutes(MetricsController<BasicRequestContext>(registry: metricsRegistry).routes) }
    router.addRoutes(ScoringController<BasicRequestContext>(model: model, version: ServerConfiguration.version).routes)
    router.addRoutes(InferenceController<BasicRequestContext>(model: model, serverVersion: ServerConfiguration.version).routes, atPath: "v2")
    return router
}

/// The routes of `aviary serve --deployment`: health, `/metrics`, each deployment's
/// `/deployments/{name}/…` and `/v2/models/{name}/infer` (scoring ahead of the router), and the
/// deployments API.
public func buildDeploymentRouter(
    host: DeploymentHost, manager: any DeploymentManaging, metricsRegistry: PrometheusCollectorRegistry, requestGuard: RequestGuard = .loopback
) -> ScoringRouter<Router<BasicRequestContext>> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: MLflowErrorMiddleware())
    router.get("ping") { _, _ in Response(status: .ok) }
    router.get("health") { _, _ in Response(status: .ok) }
    router.addRoutes(MetricsController<BasicRequestContext>(registry: metricsRegistry).routes)
    router.addRoutes(DeploymentController<BasicRequestContext>(host: host).routes)
    router.addRoutes(DeploymentAdminController<BasicRequestContext>(host: host, manager: manager).routes, atPath: RouterPath(DeploymentAdminController<BasicRequestContext>.path))
    return ScoringRouter(router, host: host, requestLogLevel: .debug, requestGuard: requestGuard)
}
