import ArgumentParser
import AviaryCore
import AviaryHTTP
import Foundation

/// `--allowed-hosts`, shared by the commands that listen: which `Host` headers are answered.
struct HostCheckOptions: ParsableArguments {
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

    /// The entries of `--allowed-hosts`, nil when not given.
    var patterns: [String]? {
        allowedHosts.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// The Host and Origin checks for a server bound to `host`, or the flag's error.
    func requestGuard(host: String) throws -> RequestGuard {
        do {
            return try RequestGuard(bindHost: host, allowedHosts: patterns)
        } catch let error as AviaryError {
            throw ValidationError(error.message)
        }
    }

    /// Says loudly that binding beyond loopback exposes everything to the network.
    static func warnIfExposed(host: String) {
        guard !RequestGuard.isLoopback(host) else { return }
        FileHandle.standardError.write(Data("""
            WARNING: listening on \(host), not loopback. Aviary has no authentication yet: anyone who can reach this port \
            can read and change every experiment, model and deployment. Put it behind an authenticating proxy or a firewall, \
            and set --allowed-hosts to the names clients use.

            """.utf8))
    }
}
