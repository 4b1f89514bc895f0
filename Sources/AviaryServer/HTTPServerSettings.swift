import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// How every Aviary server speaks HTTP/1.1.
public enum HTTPServerSettings {
    /// How long a connection may send nothing before it is closed. Hummingbird counts activity
    /// per request part, so a request head or body that stalls for this long is closed, but one
    /// dribbled a byte at a time is not: that is the request timeout's job.
    public static let idleTimeout: TimeAmount = .seconds(60)

    /// Default `--request-timeout`: five minutes, from a request's head to its last body byte
    /// read and its response head written (see `RequestDeadlineHandler`).
    public static let defaultRequestTimeout: Duration = .seconds(300)

    /// The server to pass to `Application(router:server:…)`.
    /// - Parameters:
    ///   - requestTimeout: how long one request may take before its connection is closed; nil for no limit.
    ///   - logger: where timed-out requests are reported.
    public static func server(requestTimeout: Duration?, logger: Logger) -> HTTPServerBuilder {
        guard let requestTimeout else { return .http1(configuration: .init(idleTimeout: idleTimeout)) }
        let timeout = TimeAmount(requestTimeout)
        return .http1(configuration: .init(
            additionalChannelHandlers: [RequestDeadlineHandler(timeout: timeout, logger: logger)], idleTimeout: idleTimeout
        ))
    }
}
