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
struct ServeCommand: AsyncParsableCommand {
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

            Examples:
              aviary serve models:/fraud@champion --port 8080
              curl -X POST localhost:8080/invocations -H 'Content-Type: application/json' \\
                   -d '{"dataframe_split": {"columns": ["f0", "f1"], "data": [[0.5, 1.2]]}}'
            """
    )

    @Argument(help: "The model: a directory, a model file, runs:/… or models:/….")
    var model: String

    @Option(help: "Interface to bind. Use 0.0.0.0 to listen on every interface.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on.")
    var port = 8080

    @Option(help: "The name the model is served under at /v2/models/NAME. Defaults to the registered model's name, else the directory or file name.")
    var name: String?

    @Option(help: ArgumentHelp("Largest request body accepted, in bytes; larger requests get 413.", valueName: "bytes"))
    var maxRequestSize = ScoringConfiguration.defaultMaximumBodySize

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical. Each request is logged at debug.")
    var logLevel = "info"

    @OptionGroup var tracking: TrackingServerOptions

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535, got \(port)") }
        guard maxRequestSize > 0 else { throw ValidationError("--max-request-size must be positive, got \(maxRequestSize)") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    func run() async throws {
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
            host: host, port: port, model: served, logLevel: Logger.Level(rawValue: logLevel) ?? .info, metricsRegistry: registry
        ))
        FileHandle.standardError.write(Data("Serving \(model) (\(package.predictor.summary)) as '\(servedName)' on http://\(host):\(port)\n".utf8))
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure("\(host):\(port) is already in use: stop the other server or pick another --port")
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
