import ArgumentParser
import AviaryCore
import AviaryHTTP
import AviaryServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// `aviary server`: the tracking server, with `mlflow server`'s flags and defaults.
struct ServerCommand: AsyncParsableCommand, ListeningCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the tracking server (MLflow REST API, artifact proxy, /health).",
        discussion: """
            Data lives in ./aviary-data/ unless told otherwise: the SQLite database and the artifact directory are created on first start.

            The server binds loopback only; pass --host 0.0.0.0 to accept connections from other machines (there is no authentication yet: see the README's Security section). Requests whose Host is not allowed get 403 (--allowed-hosts). Stop it with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish first.

            Deployments (champion/challenger/shadow variants with a prediction log, monitors and alerts; see `aviary serve --help`) are served at /deployments/NAME/invocations and /v2/models/NAME/infer: from --deployment FILE at start, and through the API, PUT /api/2.0/aviary/deployments/NAME with the spec. Specs put through the API are kept in --deployments-dir and come back after a restart. Their models are fetched from this server itself.

            Examples:
              aviary server
              aviary server --deployment churn.yaml
              aviary server --port 5001 --backend-store-uri sqlite:///runs.db --artifacts-destination ./artifacts
              MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py
            """
    )

    static let defaultPort = 5000
    static let requestLogging = "Requests are logged at info."

    @OptionGroup var connection: ConnectionOptions<ServerCommand>

    @Option(help: ArgumentHelp("Where runs and experiments are stored: sqlite:///relative.db, sqlite:////absolute.db or a file path.", valueName: "uri"))
    var backendStoreURI = "sqlite:///\(ServerConfiguration.defaultDataDirectory)/aviary.db"

    @Option(help: ArgumentHelp("Directory for artifacts uploaded through the artifact proxy.", valueName: "dir"))
    var artifactsDestination = "\(ServerConfiguration.defaultDataDirectory)/artifacts"

    @Option(help: ArgumentHelp("Serve the deployment this YAML file defines (repeatable).", valueName: "file"))
    var deployment: [String] = []

    @Option(help: ArgumentHelp("Where deployment specs put through the API are kept.", valueName: "dir"))
    var deploymentsDir = "\(ServerConfiguration.defaultDataDirectory)/deployments"

    @Option(help: ArgumentHelp("What an acknowledged write survives: normal (the process being killed) or full (power loss too, an fsync per commit).", valueName: "level"))
    var durability = ServerConfiguration.Durability.normal.rawValue

    @Option(help: ArgumentHelp("Largest artifact one upload may store, in bytes; larger uploads get 413.", valueName: "bytes"))
    var maxArtifactSize = ServerConfiguration.defaultMaximumArtifactSize

    func validate() throws {
        guard ServerConfiguration.Durability(rawValue: durability) != nil else {
            throw ValidationError("--durability must be normal or full, got '\(durability)'")
        }
        guard maxArtifactSize > 0 else { throw ValidationError("--max-artifact-size must be positive, got \(maxArtifactSize)") }
    }

    func run() async throws {
        let (host, port) = (connection.host, connection.port)
        let configuration = ServerConfiguration(
            host: host, port: port, backendStoreURI: backendStoreURI, artifactsDestination: artifactsDestination,
            logLevel: connection.logLevel, allowedHosts: connection.patterns,
            durability: ServerConfiguration.Durability(rawValue: durability) ?? .normal, maximumArtifactSize: maxArtifactSize,
            requestTimeout: connection.requestTimeoutDuration
        )
        connection.warnIfExposed()
        var logger = Logger(label: "aviary.deployments")
        logger.logLevel = configuration.logLevel
        let deployments = DeploymentHost()
        let registry = PrometheusCollectorRegistry()
        // Models are fetched through this server's own API, as `aviary serve` fetches them.
        var tracking = TrackingServerOptions()
        tracking.trackingURI = "http://\(host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host):\(port)"
        let supervisor = DeploymentSupervisor(
            host: deployments, registry: registry, tracking: tracking, maximumBodySize: ScoringConfiguration.defaultMaximumBodySize,
            logger: logger, specDirectory: URL(fileURLWithPath: deploymentsDir)
        )
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration, deployments: DeploymentServices(host: deployments, manager: supervisor, metricsRegistry: registry))
        } catch let error as AviaryError {
            throw CommandFailure(error.message)
        }
        // Deployments load once the server answers, since their models come through it.
        let files = deployment
        let starting = Task {
            for _ in 0..<300 where (try? await tracking.client.get("health")) == nil {
                try? await Task.sleep(for: .milliseconds(100))
            }
            await supervisor.restoreKept()
            for file in files {
                do {
                    try await supervisor.start(file: URL(fileURLWithPath: file))
                } catch {
                    DeploymentLoader.say("Error: deployment \(file) not started: \(error)")
                }
            }
        }
        defer { starting.cancel() }
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure("\(host):\(port) is already in use: stop the other server or pick another --port")
        }
        await supervisor.stopAll()
    }
}
