import ArgumentParser
import AviaryCore
import AviaryHTTP
import AviaryModels
import AviaryServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// `aviary serve`: a scoring server for one model, with no Python at serving time.
struct ServeCommand: AsyncParsableCommand, ListeningCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an XGBoost or LightGBM model over HTTP, natively (MLflow scoring protocol and Open Inference Protocol).",
        discussion: """
            MODEL is a model directory (with an MLmodel file), a bare model file (XGBoost .json/.ubj, LightGBM .txt), runs:/RUN_ID/PATH, models:/NAME/VERSION or models:/NAME@ALIAS; the last three are fetched from the tracking server once, at start.

            Endpoints:
              GET  /ping, /health, /version
              POST /invocations            dataframe_split, dataframe_records, instances, inputs (JSON) or text/csv
              GET  /v2/health/live, /v2/health/ready, /v2/models/NAME, /v2/models/NAME/ready
              POST /v2/models/NAME/infer   Open Inference Protocol v2

            Requests are checked against the model's signature: a missing or unknown column, or a value of the wrong type, is a 400 that names the column.

            GET /metrics reports requests, errors, latency and rows scored to Prometheus.

            Binds loopback only; pass --host 0.0.0.0 to accept connections from other machines (there is no authentication yet: see the README's Security section). Requests whose Host is not allowed get 403 (--allowed-hosts); a POST of text/plain, a form or multipart from a web page gets 415, and one from another site's page 403.

            With --deployment FILE instead of MODEL, serves a deployment: variants of a model with traffic weights (champion/challenger, A/B, canary) and shadows, at POST /deployments/NAME/invocations. The answering variant is named in the X-Aviary-Variant header; callers sending the same X-Aviary-Key (or the spec's sticky_header) always get the same variant. Variants that follow an alias switch to the version it points at within refresh_seconds, without a restart. With prediction_log, POST /deployments/NAME/feedback takes ground truth by request id and GET /deployments/NAME/quality reports live quality per variant; monitor runs drift, data-quality and live-quality checks on a schedule (GET /deployments/NAME/monitors) and alerts sends a signed webhook once per incident. See the README for the YAML.

            Examples:
              aviary serve models:/fraud@champion --port 8080
              aviary serve --deployment fraud.yaml --port 8080
              curl -X POST localhost:8080/invocations -H 'Content-Type: application/json' \\
                   -d '{"dataframe_split": {"columns": ["f0", "f1"], "data": [[0.5, 1.2]]}}'
            """
    )

    @Argument(help: "The model: a directory, a model file, runs:/… or models:/…. Leave out with --deployment.")
    var model: String?

    @Option(help: ArgumentHelp("Serve the deployment this YAML file defines instead of one MODEL.", valueName: "file"))
    var deployment: String?

    static let defaultPort = 8080
    static let requestLogging = "Each request is logged at debug."

    @OptionGroup var connection: ConnectionOptions<ServeCommand>

    @Option(help: "The name the model is served under at /v2/models/NAME. Defaults to the registered model's name, else the directory or file name.")
    var name: String?

    @Option(help: ArgumentHelp("Largest request body accepted, in bytes; larger requests get 413.", valueName: "bytes"))
    var maxRequestSize = ScoringConfiguration.defaultMaximumBodySize

    @OptionGroup var tracking: TrackingServerOptions

    func validate() throws {
        guard (model == nil) != (deployment == nil) else {
            throw ValidationError(model == nil ? "Give a MODEL to serve, or --deployment FILE" : "Give either a MODEL or --deployment FILE, not both")
        }
        guard maxRequestSize > 0 else { throw ValidationError("--max-request-size must be positive, got \(maxRequestSize)") }
    }

    func run() async throws {
        if let deployment { return try await serveDeployment(file: deployment) }
        guard let model else { return }
        let locator = ModelLocator(argument: model, tracking: tracking)
        let package = try await locator.load()
        let servedName = name ?? locator.registeredName ?? package.name
        let version = try await locator.registeredVersion()
        let registry = PrometheusCollectorRegistry()
        let served = ServedModel(
            package: package, name: servedName, version: version, maximumBodySize: maxRequestSize,
            metrics: ScoringMetrics(registry: registry, model: servedName, version: version)
        )
        checkInputExample(served)
        let app = buildScoringApplication(ScoringConfiguration(
            host: connection.host, port: connection.port, model: served, logLevel: connection.logLevel, metricsRegistry: registry,
            requestGuard: try connection.requestGuard(), requestTimeout: connection.requestTimeoutDuration
        ))
        FileHandle.standardError.write(Data("Serving \(model) (\(package.predictor.summary)) as '\(servedName)' on http://\(connection.host):\(connection.port)\n".utf8))
        try await run(app)
    }

    private func serveDeployment(file: String) async throws {
        var logger = Logger(label: "aviary.serve")
        logger.logLevel = connection.logLevel
        let deployments = DeploymentHost()
        let registry = PrometheusCollectorRegistry()
        let supervisor = DeploymentSupervisor(
            host: deployments, registry: registry, tracking: tracking, maximumBodySize: maxRequestSize, logger: logger, specDirectory: nil
        )
        try await supervisor.start(file: URL(fileURLWithPath: file))
        let app = Application(
            router: buildDeploymentRouter(host: deployments, manager: supervisor, metricsRegistry: registry, requestGuard: try connection.requestGuard()),
            server: HTTPServerSettings.server(requestTimeout: connection.requestTimeoutDuration, logger: logger),
            configuration: .init(address: .hostname(connection.host, port: connection.port), serverName: "aviary"),
            logger: logger
        )
        let name = deployments.all.first?.spec.name ?? ""
        FileHandle.standardError.write(Data("Serving deployment '\(name)' on http://\(connection.host):\(connection.port)/deployments/\(name)/invocations\n".utf8))
        try await run(app)
        // Stopped by a signal: the last queued records are written before the process exits.
        await supervisor.stopAll()
    }

    private func run(_ app: some ApplicationProtocol) async throws {
        connection.warnIfExposed()
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure("\(connection.host):\(connection.port) is already in use: stop the other server or pick another --port")
        }
    }

    /// Scores the input example mlflow saved with the model, as a request would be, so a
    /// mismatch between the model and what its callers send shows at start.
    private func checkInputExample(_ model: ServedModel) {
        do {
            if let rows = try model.scoreInputExample() {
                FileHandle.standardError.write(Data("The model's input example scores (\(rows) rows).\n".utf8))
            }
        } catch {
            let reason = (error as? AviaryError)?.message ?? "\(error)"
            FileHandle.standardError.write(Data("Warning: the model's own input example (serving_input_example.json) does not score: \(reason). Requests shaped like it will get 400.\n".utf8))
        }
    }
}
