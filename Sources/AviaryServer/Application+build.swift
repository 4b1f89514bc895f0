import AviaryArtifacts
import AviaryHTTP
import AviaryRegistry
import AviaryStoreSQLite
import AviaryTracking
import Hummingbird
import Logging
import Prometheus

/// Artifact URIs handed to clients point at the server's own artifact proxy.
let proxiedArtifactRoot = "mlflow-artifacts:"

/// What a server needs to host deployments: the live set, who loads new ones, and the
/// registry `/metrics` exposes.
public struct DeploymentServices: Sendable {
    public var host: DeploymentHost
    public var manager: any DeploymentManaging
    public var metricsRegistry: PrometheusCollectorRegistry

    public init(host: DeploymentHost, manager: any DeploymentManaging, metricsRegistry: PrometheusCollectorRegistry) {
        self.host = host
        self.manager = manager
        self.metricsRegistry = metricsRegistry
    }
}

/// Builds the Aviary server: opens the stores named by `configuration` and mounts every API;
/// with `deployments`, also the deployment routes, their API and `/metrics`.
public func buildApplication(_ configuration: ServerConfiguration, deployments: DeploymentServices? = nil) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "aviary")
    logger.logLevel = configuration.logLevel
    let database = try AviaryDatabase.open(
        path: try configuration.sqlitePath(), defaultArtifactRoot: proxiedArtifactRoot, fullSync: configuration.durability == .full
    )
    let artifacts = try LocalArtifactStore(root: configuration.artifactsDestination)
    let router = buildRouter(database: database, artifacts: artifacts, deployments: deployments, maximumArtifactSize: configuration.maximumArtifactSize)
    return Application(
        router: ScoringRouter(
            router, host: deployments?.host, requestLogLevel: requestLogLevel,
            requestGuard: try RequestGuard(bindHost: configuration.host, allowedHosts: configuration.allowedHosts)
        ),
        server: HTTPServerSettings.server(requestTimeout: configuration.requestTimeout, logger: logger),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "aviary"),
        logger: logger
    )
}

/// The level the tracking server logs each request at.
private let requestLogLevel = Logger.Level.info

/// The router with every Aviary API; separate from the application so tests can drive it
/// without a port.
public func buildRouter(
    database: AviaryDatabase, artifacts: LocalArtifactStore, deployments: DeploymentServices? = nil,
    maximumArtifactSize: Int64 = ServerConfiguration.defaultMaximumArtifactSize
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    addServerRoutes(to: router, database: database, artifacts: artifacts, deployments: deployments, maximumArtifactSize: maximumArtifactSize)
    return router
}

/// Adds every route of `aviary server` to `router`, last the OpenAPI document of them all.
/// Generic so that a test can pass a `RouteRecorder` and compare the routes with the document.
public func addServerRoutes(
    to router: some RouterMethods<BasicRequestContext>, database: AviaryDatabase, artifacts: LocalArtifactStore,
    deployments: DeploymentServices? = nil, maximumArtifactSize: Int64 = ServerConfiguration.defaultMaximumArtifactSize
) {
    _ = router.add(middleware: LogRequestsMiddleware(requestLogLevel))
    _ = router.add(middleware: MLflowErrorMiddleware())
    let service = TrackingService(store: SQLiteTrackingStore(database: database, defaultArtifactRoot: proxiedArtifactRoot))
    let registry = RegistryService(store: SQLiteRegistryStore(database: database), tracking: service, artifactRoot: artifacts.root)
    let tracking = TrackingController<BasicRequestContext>(service: service).routes
    let loggedModelRoutes = LoggedModelController<BasicRequestContext>(service: service).routes
    let registryRoutes = RegistryController<BasicRequestContext>(service: registry).routes
    let artifactRoutes = ArtifactController<BasicRequestContext>(store: artifacts, maximumUploadSize: maximumArtifactSize).routes
    // What is mounted, for the OpenAPI document: each `addRoutes` with its surface.
    var surfaces: [OpenAPIDocument.Surface] = []
    for prefix in MLflowPrefix.allCases {
        router.addRoutes(tracking, atPath: RouterPath(prefix.mlflow))
        router.addRoutes(registryRoutes, atPath: RouterPath(prefix.mlflow))
        router.addRoutes(loggedModelRoutes, atPath: RouterPath(prefix.mlflow))
        router.addRoutes(artifactRoutes, atPath: RouterPath(prefix.artifacts))
        surfaces += [.tracking(prefix), .registry(prefix), .loggedModels(prefix), .artifacts(prefix)]
    }
    router.addRoutes(LineageController<BasicRequestContext>(service: registry).routes, atPath: "api/aviary/v1")
    router.addRoutes(HealthController<BasicRequestContext>(version: ServerConfiguration.version).routes)
    surfaces += [.lineage, .serverHealth]
    if let deployments {
        router.addRoutes(MetricsController<BasicRequestContext>(registry: deployments.metricsRegistry).routes)
        router.addRoutes(DeploymentController<BasicRequestContext>(host: deployments.host).routes)
        router.addRoutes(
            DeploymentAdminController<BasicRequestContext>(host: deployments.host, manager: deployments.manager).routes,
            atPath: RouterPath(DeploymentAdminController<BasicRequestContext>.path)
        )
        surfaces += [.metrics, .deployments, .deploymentAdmin]
    }
    router.addRoutes(UIController<BasicRequestContext>(service: service, registry: registry, artifacts: artifacts, deployments: deployments?.host).routes)
    surfaces.append(.ui)
    router.addRoutes(OpenAPIController<BasicRequestContext>(title: "Aviary server", version: ServerConfiguration.version, surfaces: surfaces).routes)
}
