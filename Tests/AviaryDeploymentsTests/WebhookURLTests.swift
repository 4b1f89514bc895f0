import AviaryCore
import AviaryDeployments
import Synchronization
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

    @Test("loopback and private receivers are allowed; the address to connect to is the one checked", arguments: [
        ("http://127.0.0.1:9000/hook", "127.0.0.1"), ("http://[::1]:8080/", "::1"), ("https://10.1.2.3/alerts", "10.1.2.3"),
        ("http://192.168.0.10/", "192.168.0.10"), ("http://2130706433/", "127.0.0.1"),
    ])
    func allowed(url: String, address: String) throws {
        #expect(try WebhookURL(url, field: "alerts.webhook").checkedAddress() == address)
    }

    @Test("a name is checked through the resolver given, and a re-pointed name is refused at the next send")
    func rebinding() throws {
        let answers = Answers(["10.0.0.7"], ["169.254.169.254"])
        let target = try WebhookURL("http://receiver.aviary.invalid/hook", field: "alerts.webhook", resolve: answers.next)
        #expect {
            try target.checkedAddress(resolve: answers.next)
        } throws: { ($0 as? AviaryError)?.message.contains("resolves to 169.254.169.254") ?? false }
        #expect(throws: AviaryError.self) { try WebhookURL("http://receiver.aviary.invalid/", field: "alerts.webhook") }
    }
}

/// A resolver that gives each of its answers once, in turn.
final class Answers: Sendable {
    private let answers: Mutex<[[String]]>
    init(_ answers: [String]...) { self.answers = Mutex(answers) }
    var next: WebhookURL.Resolver { { _ in self.answers.withLock { $0.removeFirst() } } }
}
