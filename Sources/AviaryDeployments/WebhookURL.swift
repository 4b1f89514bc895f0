import AviaryCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An http(s) URL that alerts may be POSTed to: never one that reaches a cloud metadata
/// service or another link-local address (server-side request forgery, as in MLflow's
/// CVE-2026-2393).
///
/// The host is resolved and every address it has is checked, so numeric spellings
/// (`2852039166`, `0xa9fea9fe`, `[::ffff:169.254.169.254]`) and names that point at a refused
/// address are caught. `checkedAddress()` resolves again before each send, because a name may
/// be re-pointed after the spec was accepted, and returns the address the sender must connect
/// to: the one just checked, so that no second lookup can answer differently (DNS rebinding).
/// Loopback and private networks are allowed: a receiver next to the server is the common case.
public struct WebhookURL: Sendable, Equatable, CustomStringConvertible {
    public let url: URL

    /// Turns a host name into its addresses, as text; `system` asks the operating system.
    public typealias Resolver = @Sendable (_ host: String) throws -> [String]

    /// Parses and checks `text`; the error names `field`.
    public init(_ text: String, field: String, resolve: Resolver = system) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else {
            throw AviaryError.invalid("\(field): an http:// or https:// URL with a host, got '\(text)'")
        }
        self.url = url
        _ = try Self.checkedAddress(host: host, field: field, resolve: resolve)
    }

    public var description: String { url.absoluteString }

    /// Resolves the host again, refuses it if it now points somewhere forbidden, and returns
    /// the address to connect to (the first the resolver gave; all of them passed).
    public func checkedAddress(resolve: Resolver = system) throws -> String {
        try Self.checkedAddress(host: url.host ?? "", field: "webhook", resolve: resolve)
    }

    static let metadataNames: Set<String> = ["metadata.google.internal", "metadata", "metadata.goog", "instance-data"]

    static func checkedAddress(host rawHost: String, field: String, resolve: Resolver) throws -> String {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let bareName = host.hasSuffix(".") ? String(host.dropLast()) : host
        if metadataNames.contains(bareName) {
            throw AviaryError.invalid("\(field): '\(rawHost)' is a cloud metadata service; webhooks may not target it")
        }
        let addresses: [String]
        do {
            addresses = try resolve(bareName)
        } catch let error as AviaryError {
            throw AviaryError.invalid("\(field): \(error.message)")
        }
        if let refused = addresses.first(where: isForbidden) {
            throw AviaryError.invalid(
                "\(field): '\(rawHost)' resolves to \(refused), a link-local or cloud-metadata address; webhooks may not target it"
            )
        }
        guard let first = addresses.first else {
            throw AviaryError.invalid("\(field): '\(rawHost)' resolves to no address; give a host that resolves")
        }
        return first
    }

    /// Every address `host` resolves to, as text, from `getaddrinfo`.
    public static let system: Resolver = { host in try resolve(host) }

    static func resolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw AviaryError.invalid("cannot resolve '\(host)' (\(String(cString: gai_strerror(status)))); give a host that resolves")
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// Link-local (which holds 169.254.169.254, the AWS, Azure, GCP and OpenStack metadata
    /// address), unspecified, multicast and broadcast addresses, IPv4 ones also in IPv6 form,
    /// and the IPv6 and Alibaba metadata addresses.
    static func isForbidden(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return isForbidden(ipv4: UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return true }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && (bytes[10..<12].allSatisfy({ $0 == 0xff }) || bytes[10..<12].allSatisfy({ $0 == 0 })) {
            let ipv4 = bytes[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            // `::` and `::1` are not IPv4 in disguise.
            if bytes[10] == 0xff || ipv4 > 1 { return isForbidden(ipv4: ipv4) }
        }
        if bytes.allSatisfy({ $0 == 0 }) { return true }
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        if bytes[0] == 0xff { return true }  // multicast
        // fd00:ec2::254, AWS's IPv6 metadata address.
        return bytes == [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
    }

    static func isForbidden(ipv4 address: UInt32) -> Bool {
        address >> 16 == 0xA9FE                // 169.254.0.0/16 link-local and metadata
            || address >> 24 == 0              // 0.0.0.0/8 "this network"
            || address >> 28 == 0xE            // 224.0.0.0/4 multicast
            || address == 0xFFFF_FFFF          // broadcast
            || address == 0x6464_64C8          // 100.100.100.200, Alibaba Cloud metadata
    }
}
