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
    /// `--request-timeout`: how long one request may take; nil for no limit.
    public var requestTimeout: Duration?

    /// Default largest request body: 10 MiB, about 50,000 rows of 20 features as JSON.
    public static let defaultMaximumBodySize = 10 << 20

    public init(
        host: String = "127.0.0.1", port: Int = 8080, model: ServedModel, logLevel: Logger.Level = .info,
        metricsRegistry: PrometheusCollectorRegistry? = nil, requestGuard: RequestGuard = .loopback,
        requestTimeout: Duration? = HTTPServerSettings.defaultRequestTimeout
    ) {
        self.host = host
        self.port = port
        self.model = model
        self.logLevel = logLevel
        self.metricsRegistry = metricsRegistry
        self.requestGuard = requestGuard
        self.requestTimeout = requestTimeout
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
        server: HTTPServerSettings.server(requestTimeout: configuration.requestTimeout, logger: logger),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "aviary"),
        logger: logger
    )
}

/// The scoring routes, separate from the application so tests can drive them without a port;
/// with a registry, also `GET /metrics`. The application puts `ScoringRouter`'s fast path for
/// `POST /invocations` ahead of them.
public func buildScoringRouter(model: ServedModel, metricsRegistry: PrometheusCollectorRegistry? = nil) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    addScoringRoutes(to: router, model: model, metricsRegistry: metricsRegistry)
    return router
}

/// Adds the routes of `aviary serve MODEL` to `router`, last their OpenAPI document. Generic so
/// that a test can pass a `RouteRecorder` and compare the routes with the document.
public func addScoringRoutes(to router: some RouterMethods<BasicRequestContext>, model: ServedModel, metricsRegistry: PrometheusCollectorRegistry? = nil) {
    // Per-request lines at debug: at thousands of requests a second, info would flood the log.
    _ = router.add(middleware: LogRequestsMiddleware(.debug))
    // Outside the error middleware, so failed requests are counted with the status they got.
    _ = router.add(middleware: ScoringMetricsMiddleware(metrics: model.metrics))
    _ = router.add(middleware: MLflowErrorMiddleware())
    var surfaces: [OpenAPIDocument.Surface] = []
    if let metricsRegistry {
        router.addRoutes(MetricsController<BasicRequestContext>(registry: metricsRegistry).routes)
        surfaces.append(.metrics)
    }
    router.addRoutes(ScoringController<BasicRequestContext>(model: model, version: ServerConfiguration.version).routes)
    router.addRoutes(InferenceController<BasicRequestContext>(model: model, serverVersion: ServerConfiguration.version).routes, atPath: "v2")
    surfaces += [.scoring(model.package.inputSchema), .openInference(name: model.name, inputs: model.package.inputSchema)]
    router.addRoutes(OpenAPIController<BasicRequestContext>(title: "Aviary scoring server (aviary serve)", version: ServerConfiguration.version, surfaces: surfaces).routes)
}

/// The routes of `aviary serve --deployment`: health, `/metrics`, each deployment's
/// `/deployments/{name}/…` and `/v2/models/{name}/infer` (scoring ahead of the router), and the
/// deployments API.
public func buildDeploymentRouter(
    host: DeploymentHost, manager: any DeploymentManaging, metricsRegistry: PrometheusCollectorRegistry, requestGuard: RequestGuard = .loopback
) -> ScoringRouter<Router<BasicRequestContext>> {
    let router = Router(context: BasicRequestContext.self)
    addDeploymentRoutes(to: router, host: host, manager: manager, metricsRegistry: metricsRegistry)
    return ScoringRouter(router, host: host, requestLogLevel: .debug, requestGuard: requestGuard)
}

/// Adds the routes of `aviary serve --deployment` to `router`, last their OpenAPI document.
/// Generic so that a test can pass a `RouteRecorder` and compare the routes with the document.
public func addDeploymentRoutes(
    to router: some RouterMethods<BasicRequestContext>, host: DeploymentHost, manager: any DeploymentManaging, metricsRegistry: PrometheusCollectorRegistry
) {
    _ = router.add(middleware: LogRequestsMiddleware(.debug))
    _ = router.add(middleware: MLflowErrorMiddleware())
    router.get("ping") { _, _ in Response(status: .ok) }
    router.get("health") { _, _ in Response(status: .ok) }
    router.addRoutes(MetricsController<BasicRequestContext>(registry: metricsRegistry).routes)
    router.addRoutes(DeploymentController<BasicRequestContext>(host: host).routes)
    router.addRoutes(DeploymentAdminController<BasicRequestContext>(host: host, manager: manager).routes, atPath: RouterPath(DeploymentAdminController<BasicRequestContext>.path))
    let surfaces: [OpenAPIDocument.Surface] = [.probes, .metrics, .deployments, .deploymentAdmin]
    router.addRoutes(
        OpenAPIController<BasicRequestContext>(title: "Aviary deployment server (aviary serve --deployment)", version: ServerConfiguration.version, surfaces: surfaces).routes
    )
}
