import AsyncHTTPClient
import AviaryCore
import AviaryDeployments
import AviaryHTTP
import AviaryMonitoring
import Foundation
import Logging
import NIOCore

/// Turns crossed monitor thresholds into alerts: a structured log line, a signed webhook POST
/// and an optional command, once per incident.
///
/// An incident opens when a key (`drift`, `quality`, `live:VARIANT:METRIC`) is violated after
/// a pass where it was not, and closes at the first pass where it is not. Only the opening
/// alerts, so a drift that lasts an hour is one alert, not sixty. A key that opens again within
/// `cooldown_seconds` of its last alert is logged but not sent: a metric flapping around its
/// threshold does not page anyone twice.
///
/// The webhook body is JSON; `X-Aviary-Signature: sha256=HEX` is its HMAC-SHA256 under the
/// secret from `secret_env`, so the receiver can check it came from here. Redirects are not
/// followed, and the target's addresses are checked again before every send; the connection
/// goes to the address that passed (TLS still checks the certificate against the name).
public actor AlertDispatcher {
    /// One raised alert, as POSTed and logged.
    public struct Alert: Sendable, Codable {
        public var deployment: String
        public var key: String
        public var message: String
        /// Milliseconds since 1970.
        public var timestamp: Int64
        /// The monitor pass that crossed the threshold.
        public var pass: MonitorPass
    }

    let deployment: String
    let settings: DeploymentSpec.Alerts?
    let secret: [UInt8]?
    let metrics: MonitorMetrics?
    let logger: Logger
    private var open = Set<String>()
    private var lastAlert: [String: Date] = [:]
    private let resolve: WebhookURL.Resolver

    /// Refuses a webhook without its secret: the key is read here, once.
    /// - Parameter resolve: how the webhook's host is resolved before each send.
    public init(deployment: String, settings: DeploymentSpec.Alerts?, metrics: MonitorMetrics?, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment, resolve: @escaping WebhookURL.Resolver = WebhookURL.system) throws {
        self.deployment = deployment
        self.resolve = resolve
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        if settings?.webhook != nil {
            guard let name = settings?.secretEnvironment else {
                throw AviaryError.invalid("alerts.secret_env: required with alerts.webhook, the environment variable holding the HMAC key that signs each alert")
            }
            guard let value = environment[name], !value.isEmpty else {
                throw AviaryError.invalid("alerts.secret_env: the environment variable \(name) is not set; export the webhook's HMAC key in it")
            }
            secret = Array(value.utf8)
        } else {
            secret = nil
        }
    }

    /// Raises an alert for each key `pass` opens an incident on; returns them.
    @discardableResult
    public func handle(_ pass: MonitorPass, now: Date = Date()) async -> [Alert] {
        let violated = Set(pass.violations.map(\.key))
        for closed in open.subtracting(violated).sorted() {
            logger.info("incident resolved", metadata: ["deployment": "\(deployment)", "key": "\(closed)"])
        }
        var raised: [Alert] = []
        for violation in pass.violations where !open.contains(violation.key) {
            open.insert(violation.key)
            if let last = lastAlert[violation.key], now.timeIntervalSince(last) < settings?.cooldownSeconds ?? 600 {
                logger.info("incident reopened within the cool-down; not alerting again", metadata: [
                    "deployment": "\(deployment)", "key": "\(violation.key)", "message": "\(violation.message)",
                ])
                continue
            }
            lastAlert[violation.key] = now
            let alert = Alert(deployment: deployment, key: violation.key, message: violation.message, timestamp: pass.timestamp, pass: pass)
            raised.append(alert)
            metrics?.alertRaised(key: violation.key)
            logger.warning("alert", metadata: ["deployment": "\(deployment)", "key": "\(violation.key)", "message": "\(violation.message)"])
            await deliver(alert)
        }
        open = violated
        return raised
    }

    private func deliver(_ alert: Alert) async {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let body = try? encoder.encode(alert) else { return }
        if let webhook = settings?.webhook, let secret {
            await post(body, to: webhook, secret: secret, key: alert.key)
        }
        if let command = settings?.command {
            run(command, input: body, key: alert.key)
        }
    }

    /// POSTs `body`, retrying once after a second on a failed connection or a 5xx.
    private func post(_ body: Data, to webhook: WebhookURL, secret: [UInt8], key: String) async {
        let signature = HMACSHA256.hex(for: Array(body), key: secret)
        for attempt in 1...2 {
            do {
                let status = try await Self.send(body, signature: signature, to: webhook, at: try webhook.checkedAddress(resolve: resolve))
                if (200..<300).contains(status) { return }
                logger.error("webhook answered \(status)", metadata: ["deployment": "\(deployment)", "key": "\(key)", "url": "\(webhook)"])
                if status < 500 { return }
            } catch {
                logger.error("webhook failed: \((error as? AviaryError)?.message ?? "\(error)")",
                             metadata: ["deployment": "\(deployment)", "key": "\(key)", "url": "\(webhook)", "attempt": "\(attempt)"])
                if error is AviaryError { return }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One POST to `webhook` over a connection to `address`, its status.
    ///
    /// A client per send, because the pinned address (`dnsOverride`, which keeps the name for
    /// SNI and the certificate check) is client configuration; alerts are rare.
    static func send(_ body: Data, signature: String, to webhook: WebhookURL, at address: String) async throws -> Int {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(10))
        )
        if let host = webhook.url.host { configuration.dnsOverride = [host: address] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var request = HTTPClientRequest(url: webhook.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Aviary-Signature", value: "sha256=\(signature)")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            // What the receiver says is not read, only how much.
            _ = try? await response.body.collect(upTo: 64 << 10)
            try await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Starts `command` (no shell) with the alert JSON on its standard input; its exit status is logged.
    private func run(_ command: [String], input: Data, key: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardInput = pipe
        let logger = logger
        let deployment = deployment
        process.terminationHandler = { finished in
            logger.info("alert command exited with \(finished.terminationStatus)", metadata: ["deployment": "\(deployment)", "key": "\(key)", "command": "\(command[0])"])
        }
        do {
            try process.run()
            pipe.fileHandleForWriting.write(input)
            try? pipe.fileHandleForWriting.close()
        } catch {
            logger.error("alert command could not start: \(error.localizedDescription)", metadata: ["deployment": "\(deployment)", "command": "\(command[0])"])
        }
    }
}
