import AviaryCore
import AviaryHTTP
import AviaryMonitoring
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
/// followed, and the target's addresses are checked again before every send.
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
    private let session: URLSession

    /// Refuses a webhook without its secret: the key is read here, once.
    public init(deployment: String, settings: DeploymentSpec.Alerts?, metrics: MonitorMetrics?, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.deployment = deployment
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
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
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
        var request = URLRequest(url: webhook.url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("sha256=\(signature)", forHTTPHeaderField: "X-Aviary-Signature")
        for attempt in 1...2 {
            do {
                try webhook.check()
                // Detached, so stopping the monitor never cancels a URLSession task midway
                // (which can crash swift-corelibs-foundation).
                let session = session
                let (_, response) = try await Task.detached { try await session.data(for: request) }.value
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return }
                logger.error("webhook answered \(status)", metadata: ["deployment": "\(deployment)", "key": "\(key)", "url": "\(webhook)"])
                if status < 500 { return }
            } catch {
                logger.error("webhook failed: \((error as? AviaryError)?.message ?? error.localizedDescription)",
                             metadata: ["deployment": "\(deployment)", "key": "\(key)", "url": "\(webhook)", "attempt": "\(attempt)"])
                if error is AviaryError { return }
            }
            try? await Task.sleep(for: .seconds(1))
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

/// Webhooks are not redirected: a redirect to a metadata address would bypass the target check.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
