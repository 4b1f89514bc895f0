import AviaryCore
import Foundation
import Hummingbird

/// The checks every request passes before any route sees it: its `Host` must be one this
/// server answers to, and a state-changing request a web page could send from anywhere must
/// come from an allowed origin.
///
/// - **Host** (DNS rebinding, as in MLflow's CVE-2025-14279): a page on `evil.example` can
///   point its own name at 127.0.0.1 and then read the local server as same-origin. The
///   browser still sends `Host: evil.example`, which is refused with 403.
/// - **Cross-site writes** (CSRF): a browser sends a POST whose body is `text/plain`, a form or
///   multipart, or a request with an `Origin` it was not allowed, without asking first. A
///   state-changing request whose `Origin` is not this server itself (the request's own Host)
///   is refused with 403; a POST of those content types without an `Origin` with 415. JSON,
///   CSV or YAML bodies, and PUT, PATCH and DELETE, make a browser ask first (a CORS preflight),
///   which this server never grants.
///
/// The loopback names are always allowed: the server's own deployments fetch their models
/// through `127.0.0.1`, and a rebinding page cannot make a browser send them (it sends its own
/// name).
public struct RequestGuard: Sendable {
    /// The host patterns allowed; see `HostPattern`.
    public let allowedHosts: [HostPattern]
    /// Private-network IP literals (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed too.
    public let allowsPrivateAddresses: Bool
    /// The patterns that are a plain name on any port, compared without allocating: on the
    /// scoring path this check runs for every request.
    private let exactHosts: [String]

    /// Loopback names on any port: `localhost`, `127.0.0.1` and `[::1]`.
    public static let loopbackHosts = ["localhost", "127.0.0.1", "[::1]"]

    /// What a server bound to `bindHost` allows: the loopback names on any port, and
    /// `allowedHosts` (`--allowed-hosts`) when given; without them, when bound beyond loopback,
    /// private-network addresses and the bound name as well, as `mlflow server` does.
    public init(bindHost: String, allowedHosts: [String]?) throws {
        var patterns = try Self.loopbackHosts.map { try HostPattern($0, field: "--allowed-hosts") }
        if let allowedHosts {
            guard !allowedHosts.isEmpty else { throw AviaryError.invalid("--allowed-hosts: give at least one host, or leave the flag out") }
            patterns += try allowedHosts.map { try HostPattern($0, field: "--allowed-hosts") }
            allowsPrivateAddresses = false
        } else {
            allowsPrivateAddresses = !Self.isLoopback(bindHost)
            if allowsPrivateAddresses, !["0.0.0.0", "::", "[::]"].contains(bindHost) {
                patterns.append(try HostPattern(bindHost.contains(":") && !bindHost.hasPrefix("[") ? "[\(bindHost)]" : bindHost, field: "--host"))
            }
        }
        self.allowedHosts = patterns
        exactHosts = patterns.filter { $0.port == nil && !$0.host.contains("*") }.map(\.host)
    }

    /// The loopback default, for servers that never bind elsewhere (tests, tools).
    public static let loopback = try! RequestGuard(bindHost: "127.0.0.1", allowedHosts: nil)

    /// Whether `host` (an interface to bind) is a loopback address or name.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// The response refusing `request`, or nil to let it through; `reason` says why, for the log.
    public func refusal(for request: Request) -> (response: Response, reason: String)? {
        // HTTP/1.0 may omit Host; only a browser can be rebound, and browsers always send it.
        let authority = request.head.authority
        if let authority, !allows(authority: authority) {
            return Self.refuse(.permissionDenied, 403, "Host '\(authority)' is not allowed: this server answers to \(described); start it with --allowed-hosts to add the name clients use", reason: "host")
        }
        switch request.method {
        case .post, .put, .patch, .delete: break
        default: return nil
        }
        if let origin = ServedModel.firstValue(request.headers, .origin) {
            // Same origin only: another page on this machine (localhost:3000) is another site.
            if let host = Self.host(ofOrigin: origin), let authority, host.lowercased() == authority.lowercased() { return nil }
            return Self.refuse(.permissionDenied, 403, "Origin '\(origin)' is not allowed to change anything here; only pages this server serves may", reason: "origin")
        }
        guard request.method == .post, let contentType = ServedModel.firstValue(request.headers, .contentType),
              !contentType.utf8.starts(with: "application/json".utf8)
        else { return nil }
        let media = ServedModel.mediaType(contentType)
        guard Self.browserSendable.contains(media), !Self.checksItsOwnContentType(request.uri.path) else { return nil }
        return Self.refuse(.badRequest, 415, "content type \(media) is refused for POST: any web page can send it; send application/json", reason: "content type")
    }

    /// Content types a browser sends cross-site without a CORS preflight.
    static let browserSendable: Set<String> = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]

    /// Routes that refuse every body but JSON (and CSV) themselves, with their protocol's own
    /// error: the MLflow API's 400 INVALID_PARAMETER_VALUE, the scoring protocol's 400. The guard
    /// leaves them their answer; it is the routes that would read any body it refuses.
    static func checksItsOwnContentType(_ path: String) -> Bool {
        path.hasPrefix("/api/2.0/mlflow/") || path.hasPrefix("/ajax-api/2.0/mlflow/") || path == "/invocations"
            || (path.hasPrefix("/deployments/") && path.hasSuffix("/invocations"))
    }

    /// Whether an authority (`host`, `host:port`, `[v6]:port`) is allowed.
    func allows(authority: String) -> Bool {
        let host = HostPattern.hostPart(of: authority)
        for exact in exactHosts where host == exact { return true }
        let (lowercased, port) = HostPattern.split(authority.lowercased())
        return allows(host: lowercased, port: port)
    }

    private func allows(host: String, port: String?) -> Bool {
        if allowedHosts.contains(where: { $0.matches(host: host, port: port) }) { return true }
        return allowsPrivateAddresses && Self.isPrivateAddress(host)
    }

    /// `scheme://host[:port]` of an Origin header; nil for `null` or anything else.
    static func host(ofOrigin origin: String) -> String? {
        guard let range = origin.range(of: "://") else { return nil }
        let rest = origin[range.upperBound...]
        return rest.isEmpty || rest.contains("/") ? nil : String(rest)
    }

    /// The four octets of a dotted IPv4 literal, nil for anything else.
    static func ipv4Octets(_ host: String) -> [Int]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        let octets = parts.compactMap { part in part.allSatisfy(\.isNumber) ? Int(part).flatMap { (0...255).contains($0) ? $0 : nil } : nil }
        return parts.count == 4 && octets.count == 4 ? octets : nil
    }

    static func isIPv4(_ host: String) -> Bool {
        ipv4Octets(host) != nil
    }

    /// 10/8, 172.16/12, 192.168/16 and IPv6 unique-local fc00::/7 literals.
    static func isPrivateAddress(_ host: String) -> Bool {
        if host.hasPrefix("[") { return host.hasPrefix("[fc") || host.hasPrefix("[fd") }
        guard let octets = ipv4Octets(host) else { return false }
        let (a, b) = (octets[0], octets[1])
        return a == 10 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168)
    }

    private var described: String {
        allowedHosts.map(\.text).joined(separator: ", ") + (allowsPrivateAddresses ? " and private-network addresses" : "")
    }

    private static func refuse(_ code: AviaryError.Code, _ status: Int, _ message: String, reason: String) -> (response: Response, reason: String) {
        var response = MLflowErrorMiddleware<BasicRequestContext>.response(for: AviaryError(code, message))
        response.status = .init(code: status)
        return (response, reason)
    }
}

/// One entry of `--allowed-hosts`: a host name or address, optionally with `:port`, where `*`
/// stands for any run of characters (`*.example.com`, `192.168.*`); `*` alone allows every
/// host. Without a port it matches any port; IPv6 addresses go in brackets (`[::1]`).
public struct HostPattern: Sendable, Equatable {
    /// As written (lowercased).
    public let text: String
    let host: String
    let port: String?

    /// Parses one entry; the error names `field` (the flag it came from).
    public init(_ text: String, field: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty, !trimmed.contains("/"), trimmed.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw AviaryError.invalid("\(field): '\(text)' is not a host pattern; give names or addresses such as mlflow.example.com, 10.0.0.5:5000 or *.example.com")
        }
        self.text = trimmed
        (host, port) = Self.split(trimmed)
        // `192.168.*` must not match `192.168.attacker.example`, a name its owner can point here.
        matchesAddressesOnly = host.contains("*") && host.allSatisfy { $0.isNumber || $0 == "." || $0 == "*" }
    }

    /// A pattern of digits, dots and `*` matches IPv4 addresses, never names.
    let matchesAddressesOnly: Bool

    /// The host of an authority, without its port, as it was written.
    static func hostPart(of authority: String) -> Substring {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { return authority[...close] }
        return authority.lastIndex(of: ":").map { authority[..<$0] } ?? authority[...]
    }

    /// `host` and `port` of an authority; brackets stay on an IPv6 host.
    static func split(_ authority: String) -> (host: String, port: String?) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[...close])
            let rest = authority[authority.index(after: close)...]
            return (host, rest.hasPrefix(":") ? String(rest.dropFirst()) : nil)
        }
        guard let colon = authority.lastIndex(of: ":") else { return (authority, nil) }
        return (String(authority[..<colon]), String(authority[authority.index(after: colon)...]))
    }

    func matches(host: String, port: String?) -> Bool {
        if let own = self.port, own != "*", own != port { return false }
        if matchesAddressesOnly, !RequestGuard.isIPv4(host) { return false }
        return Self.glob(self.host, matches: host)
    }

    /// `*` matches any run of characters, everything else itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        guard pattern.contains("*") else { return pattern == text }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() {
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }
}
