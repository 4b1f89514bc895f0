import AviaryCore
import Foundation
import Logging

/// Everything `aviary server` needs to start, with `mlflow server`'s defaults.
public struct ServerConfiguration: Sendable {
    /// Interface to bind; loopback unless the user asks otherwise.
    public var host: String
    public var port: Int
    /// `sqlite:///PATH` (SQLAlchemy style: `sqlite:////abs/path.db` is absolute) or a bare path.
    public var backendStoreURI: String
    /// Directory that holds artifacts served through the artifact proxy.
    public var artifactsDestination: String
    public var logLevel: Logger.Level

    /// The version `/version` reports.
    public static let version = "0.1.0"
    /// The data directory used when no store or artifact location is given.
    public static let defaultDataDirectory = "aviary-data"

    public init(
        host: String = "127.0.0.1",
        port: Int = 5000,
        backendStoreURI: String = "sqlite:///\(defaultDataDirectory)/aviary.db",
        artifactsDestination: String = "\(defaultDataDirectory)/artifacts",
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.backendStoreURI = backendStoreURI
        self.artifactsDestination = artifactsDestination
        self.logLevel = logLevel
    }

    /// The SQLite file named by `backendStoreURI`.
    public func sqlitePath() throws -> String {
        let uri = backendStoreURI
        if uri.hasPrefix("sqlite:///") { return String(uri.dropFirst("sqlite:///".count)) }
        if uri.hasPrefix("sqlite://") || uri.contains("://") {
            throw AviaryError.invalid(
                "Unsupported --backend-store-uri '\(uri)': use sqlite:///relative/path.db, sqlite:////absolute/path.db or a file path"
            )
        }
        return uri
    }
}
