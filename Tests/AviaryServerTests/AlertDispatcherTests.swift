import AviaryCore
import AviaryDeployments
import AviaryHTTP
import AviaryMonitoring
@testable import AviaryServer
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// One alert per incident: a violation that lasts stays one alert, and one that comes back
/// within the cool-down is not sent again.
@Suite("Alert dispatcher")
struct AlertDispatcherTests {
    static func pass(_ keys: [String]) -> MonitorPass {
        MonitorPass(timestamp: 0, windowRows: 500, violations: keys.map { .init(key: $0, message: "\($0) crossed") })
    }

    @Test("incidents alert once, and not again within the cool-down")
    func deduplication() async throws {
        let settings = try DeploymentSpec(yaml: """
            name: churn
            variants: [{name: a, model: m, weight: 100}]
            alerts: {cooldown_seconds: 60}
            """).alerts
        let dispatcher = try AlertDispatcher(deployment: "churn", settings: settings, metrics: nil, logger: Logger(label: "test"))
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(await dispatcher.handle(Self.pass(["drift"]), now: start).map(\.key) == ["drift"])
        #expect(await dispatcher.handle(Self.pass(["drift"]), now: start + 10).isEmpty, "the same incident goes on")
        #expect(await dispatcher.handle(Self.pass(["drift", "quality"]), now: start + 20).map(\.key) == ["quality"], "a new key is a new incident")
        #expect(await dispatcher.handle(Self.pass([]), now: start + 30).isEmpty)
        #expect(await dispatcher.handle(Self.pass(["drift"]), now: start + 40).isEmpty, "back within the cool-down")
        #expect(await dispatcher.handle(Self.pass([]), now: start + 50).isEmpty)
        #expect(await dispatcher.handle(Self.pass(["drift"]), now: start + 70).map(\.key) == ["drift"], "back after the cool-down")
    }

    @Test("a webhook without its secret is refused at start")
    func secretRequired() throws {
        let settings = try DeploymentSpec(yaml: """
            name: churn
            variants: [{name: a, model: m, weight: 100}]
            alerts: {webhook: "http://127.0.0.1:9/hook", secret_env: AVIARY_TEST_UNSET_SECRET}
            """).alerts
        #expect {
            try AlertDispatcher(deployment: "churn", settings: settings, metrics: nil, logger: Logger(label: "test"), environment: [:])
        } throws: { "\($0)".contains("AVIARY_TEST_UNSET_SECRET is not set") }
    }

    /// A POST as the receiver saw it.
    struct Received: Sendable {
        var authority: String?
        var signature: String?
        var body: [UInt8]
    }

    /// What a receiver has been sent so far.
    final class Inbox: Sendable {
        let posts = Mutex<[Received]>([])
        var all: [Received] { posts.withLock { $0 } }
    }

    /// A webhook receiver on a free loopback port: `body` gets the port and what arrived.
    static func withReceiver(_ body: @Sendable (Int, Inbox) async throws -> Void) async throws {
        let received = Inbox()
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            received.posts.withLock {
                $0.append(Received(authority: request.head.authority, signature: request.headers[.init("X-Aviary-Signature")!],
                                   body: Array(buffer: bytes)))
            }
            return .noContent
        }
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "receiver")
        quiet.logLevel = .critical  // its shutdown on cancellation logs errors that are none
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: {
            port.yield($0.localAddress?.port ?? 0)
        }, logger: quiet)
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { return }
        try await body(bound, received)
    }

    static func dispatcher(_ webhook: String, resolve: @escaping WebhookURL.Resolver) throws -> AlertDispatcher {
        let target = try WebhookURL(webhook, field: "alerts.webhook", resolve: resolve)
        let settings = DeploymentSpec.Alerts(webhook: target, secretEnvironment: "AVIARY_WEBHOOK_TEST")
        return try AlertDispatcher(deployment: "churn", settings: settings, metrics: nil, logger: Logger(label: "test"),
                                   environment: ["AVIARY_WEBHOOK_TEST": "s3cret"], resolve: resolve)
    }

    @Test("the webhook connects to the address that passed the check: a name no DNS knows is delivered")
    func pinnedAddress() async throws {
        try await Self.withReceiver { port, received in
            // `.invalid` never resolves (RFC 2606): delivery works only through the checked address.
            let dispatcher = try Self.dispatcher("http://receiver.aviary.invalid:\(port)/hook") { host in
                guard host == "receiver.aviary.invalid" else { throw AviaryError.invalid("unexpected lookup of \(host)") }
                return ["127.0.0.1"]
            }
            #expect(await dispatcher.handle(Self.pass(["drift"])).map(\.key) == ["drift"])
            let posts = received.all
            try #require(posts.count == 1)
            #expect(posts[0].authority == "receiver.aviary.invalid:\(port)", "the Host is the name, not the address")
            #expect(posts[0].signature == "sha256=" + HMACSHA256.hex(for: posts[0].body, key: Array("s3cret".utf8)))
            let alert = try JSONSerialization.jsonObject(with: Data(posts[0].body)) as? [String: Any]
            #expect(alert?["key"] as? String == "drift")
        }
    }

    @Test("a name re-pointed at a metadata address after the spec was read gets nothing sent")
    func repointedName() async throws {
        try await Self.withReceiver { port, received in
            let answers = Mutex([["127.0.0.1"], ["169.254.169.254"], ["169.254.169.254"]])
            let dispatcher = try Self.dispatcher("http://receiver.aviary.invalid:\(port)/hook") { _ in answers.withLock { $0.removeFirst() } }
            #expect(await dispatcher.handle(Self.pass(["drift"])).map(\.key) == ["drift"], "the alert is raised and logged")
            #expect(received.all.isEmpty)
        }
    }
}
