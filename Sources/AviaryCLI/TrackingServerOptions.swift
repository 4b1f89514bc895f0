import ArgumentParser
import Foundation

/// `--tracking-uri`, shared by every command that talks to a running server.
struct TrackingServerOptions: ParsableArguments {
    @Option(
        name: .customLong("tracking-uri"),
        help: ArgumentHelp("Tracking server URL. Defaults to $MLFLOW_TRACKING_URI, then http://127.0.0.1:5000.", valueName: "url")
    )
    var trackingURI: String?

    /// The server to talk to.
    var client: TrackingClient {
        get throws {
            let uri = trackingURI ?? ProcessInfo.processInfo.environment["MLFLOW_TRACKING_URI"] ?? "http://127.0.0.1:5000"
            guard let url = URL(string: uri), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--tracking-uri must be an http(s) URL such as http://127.0.0.1:5000, got '\(uri)'")
            }
            return TrackingClient(baseURL: url)
        }
    }
}
