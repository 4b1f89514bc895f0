import ArgumentParser
import AviaryCore
import AviaryHTTP
import AviaryServer
import Foundation
import Logging

/// What differs between the commands that listen.
protocol ListeningCommand {
    /// The port bound without `--port`.
    static var defaultPort: Int { get }
    /// At which level requests are logged, for `--log-level`'s help.
    static var requestLogging: String { get }
}

/// The options of the commands that listen: where they bind (`--host`, `--port`), how much
/// they log (`--log-level`), which `Host` headers are answered (`--allowed-hosts`) and how long
/// one request may take (`--request-timeout`).
struct ConnectionOptions<Command: ListeningCommand>: ParsableArguments {
    @Option(help: "Interface to bind. Use 0.0.0.0 to listen on every interface.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on.")
    var port = Command.defaultPort

    @Option(help: ArgumentHelp("How much to log. \(Command.requestLogging)", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(
        help: ArgumentHelp(
            """
            Comma-separated Host names the server answers to besides localhost, 127.0.0.1 and [::1] (always allowed, on any \
            port), as in `mlflow server`: NAME, NAME:PORT or patterns such as *.example.com and 192.168.* (which matches \
            addresses only); '*' allows any. Without it, a server bound beyond loopback also answers private-network \
            addresses and the --host name. Other Hosts get 403 (DNS rebinding protection).
            """,
            valueName: "hosts"
        )
    )
    var allowedHosts: String?

    @Option(
        help: ArgumentHelp(
            """
            Seconds a request may take from its first byte to its last body byte read and its response started; the \
            connection is closed after that (slowly sent requests, runaway handlers). 0 turns it off. Raise it for \
            artifact uploads that take longer over a slow link.
            """,
            valueName: "seconds"
        )
    )
    var requestTimeout: Double = Double(HTTPServerSettings.defaultRequestTimeout.components.seconds)

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535, got \(port)") }
        _ = try requestGuard()
        guard requestTimeout.isFinite, requestTimeout >= 0, requestTimeout <= 86_400 else {
            throw ValidationError("--request-timeout must be between 0 (off) and 86400 seconds, got \(requestTimeout)")
        }
    }

    /// `--request-timeout` as a duration, nil for none.
    var requestTimeoutDuration: Duration? {
        requestTimeout == 0 ? nil : .milliseconds(Int64((requestTimeout * 1000).rounded()))
    }

    /// The entries of `--allowed-hosts`, nil when not given.
    var patterns: [String]? {
        allowedHosts.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// The Host and Origin checks for a server bound to `--host`, or the flag's error.
    func requestGuard() throws -> RequestGuard {
        do {
            return try RequestGuard(bindHost: host, allowedHosts: patterns)
        } catch let error as AviaryError {
            throw ValidationError(error.message)
        }
    }

    /// Says loudly that binding beyond loopback exposes everything to the network.
    func warnIfExposed() {
        guard !RequestGuard.isLoopback(host) else { return }
        FileHandle.standardError.write(Data("""
            WARNING: listening on \(host), not loopback. Aviary has no authentication yet: anyone who can reach this port \
            can read and change every experiment, model and deployment. Put it behind an authenticating proxy or a firewall, \
            and set --allowed-hosts to the names clients use.

            """.utf8))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
