import Hummingbird
import HummingbirdCore
import NIOCore

/// How every Aviary server speaks HTTP/1.1.
public enum HTTPServerSettings {
    /// How long a connection may send nothing before it is closed. Hummingbird counts activity
    /// per request part, so a request head dribbled a byte at a time (slowloris) is closed after
    /// this as well, and so is a body that stalls for as long.
    public static let idleTimeout: TimeAmount = .seconds(60)

    /// The server to pass to `Application(router:server:…)`.
    public static var server: HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: idleTimeout))
    }
}
