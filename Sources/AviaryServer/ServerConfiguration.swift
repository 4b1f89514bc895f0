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
    /// `--allowed-hosts`: the Host patterns answered; nil for the default (see `RequestGuard`).
    public var allowedHosts: [String]?
    /// `--durability`: what an acknowledged write survives.
    public var durability: Durability
    /// `--max-artifact-size`: the largest artifact one upload may store, in bytes.
    public var maximumArtifactSize: Int64
    /// `--request-timeout`: how long one request may take; nil for no limit.
    public var requestTimeout: Duration?

    /// What an acknowledged write survives.
    public enum Durability: String, Sendable, CaseIterable {
        /// The process being killed (SQLite `synchronous=NORMAL` in WAL mode): the default.
        case normal
        /// Power loss or an OS crash too (`synchronous=FULL`, an fsync per commit).
        case full
    }

    /// Default `--max-artifact-size`: 5 GiB.
    public static let defaultMaximumArtifactSize: Int64 = 5 << 30

    /// The version `/version` reports.
    public static let version = "0.1.0"
    /// The data directory used when no store or artifact location is given.
    public static let defaultDataDirectory = "aviary-data"

    public init(
        host: String = "127.0.0.1",
        port: Int = 5000,
        backendStoreURI: String = "sqlite:///\(defaultDataDirectory)/aviary.db",
        artifactsDestination: String = "\(defaultDataDirectory)/artifacts",
        logLevel: Logger.Level = .info,
        allowedHosts: [String]? = nil,
        durability: Durability = .normal,
        maximumArtifactSize: Int64 = defaultMaximumArtifactSize,
        requestTimeout: Duration? = HTTPServerSettings.defaultRequestTimeout
    ) {
        self.host = host
        self.port = port
        self.backendStoreURI = backendStoreURI
        self.artifactsDestination = artifactsDestination
        self.logLevel = logLevel
        self.allowedHosts = allowedHosts
        self.durability = durability
        self.maximumArtifactSize = maximumArtifactSize
        self.requestTimeout = requestTimeout
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
