import AviaryHTTP
import AviaryMonitoring
@testable import AviaryServer
import Foundation
import Logging
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
}
