import ArgumentParser
import AviaryCore
import AviaryServer
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `aviary server`: the tracking server, with `mlflow server`'s flags and defaults.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the tracking server (MLflow REST API, artifact proxy, /health).",
        discussion: """
            Data lives in ./aviary-data/ unless told otherwise: the SQLite database and the artifact directory are created on first start.

            The server binds loopback only; pass --host 0.0.0.0 to accept connections from other machines. Stop it with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish first.

            Examples:
              aviary server
              aviary server --port 5001 --backend-store-uri sqlite:///runs.db --artifacts-destination ./artifacts
              MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py
            """
    )

    @Option(help: "Interface to bind. Use 0.0.0.0 to listen on every interface.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on.")
    var port = 5000

    @Option(help: ArgumentHelp("Where runs and experiments are stored: sqlite:///relative.db, sqlite:////absolute.db or a file path.", valueName: "uri"))
    var backendStoreURI = "sqlite:///\(ServerConfiguration.defaultDataDirectory)/aviary.db"

    @Option(help: ArgumentHelp("Directory for artifacts uploaded through the artifact proxy.", valueName: "dir"))
    var artifactsDestination = "\(ServerConfiguration.defaultDataDirectory)/artifacts"

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical. Requests are logged at info.")
    var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) else {
            throw ValidationError("--port must be between 1 and 65535, got \(port)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    func run() async throws {
        let configuration = ServerConfiguration(
            host: host, port: port, backendStoreURI: backendStoreURI, artifactsDestination: artifactsDestination,
            logLevel: Logger.Level(rawValue: logLevel) ?? .info
        )
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration)
        } catch let error as AviaryError {
            throw CommandFailure(error.message)
        }
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure("\(host):\(port) is already in use: stop the other server or pick another --port")
        }
    }
}
