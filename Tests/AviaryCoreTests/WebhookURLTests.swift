import AviaryCore
import Testing

/// Webhook targets: every spelling of a link-local or metadata address is refused, whatever
/// form the host takes; loopback and private receivers are allowed.
@Suite("Webhook URLs")
struct WebhookURLTests {
    @Test("metadata and link-local targets are refused", arguments: [
        "http://169.254.169.254/latest/meta-data/",
        "http://2852039166/",                       // 169.254.169.254 as one decimal number
        "http://0xa9fea9fe/",                       // ...in hexadecimal
        "http://169.254.169.254./",                 // trailing dot
        "http://[::ffff:169.254.169.254]/",         // IPv4-mapped IPv6
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",                  // AWS IPv6 metadata
        "http://100.100.100.200/",                  // Alibaba Cloud metadata
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://0.0.0.0:8080/",
        "http://224.0.0.1/",
    ])
    func refused(url: String) {
        #expect(throws: AviaryError.self) { try WebhookURL(url, field: "alerts.webhook") }
    }

    @Test("malformed URLs are refused naming the field", arguments: ["ftp://example.com/", "http:///path", "not a url", "file:///etc/passwd"])
    func malformed(url: String) {
        #expect {
            try WebhookURL(url, field: "alerts.webhook")
        } throws: { ($0 as? AviaryError)?.message.hasPrefix("alerts.webhook:") ?? false }
    }

    @Test("loopback and private receivers are allowed", arguments: [
        "http://127.0.0.1:9000/hook", "http://localhost/hook", "http://[::1]:8080/", "https://10.1.2.3/alerts", "http://192.168.0.10/",
    ])
    func allowed(url: String) throws {
        let target = try WebhookURL(url, field: "alerts.webhook")
        try target.check()
    }
}
