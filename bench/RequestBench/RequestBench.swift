import AviaryArtifacts
#if canImport(AviaryDeployments)
import AviaryDeployments
#endif
import AviaryHTTP
import AviaryModels
import AviaryMonitoring
import AviaryServer
import AviaryStoreSQLite
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Prometheus

/// Drives a fixed stream of requests through the responders of `aviary serve` and `aviary
/// server`, in-process, so that `valgrind --tool=callgrind` can count the instructions of the
/// request path (see DEVELOPERS.md): the servers themselves cannot run under valgrind, which
/// dies delivering a signal to a main thread parked in libdispatch's `sigsuspend`, as every
/// async `main` is. Here `main` is synchronous and waits on a semaphore.
///
///     aviary-request-bench invocations MODEL BODY.json REQUESTS
///     aviary-request-bench deployment MODEL BODY.json REQUESTS
///     aviary-request-bench log-batch REQUESTS
///
/// `deployment` is bench/deployment_bench.py's: an 80/20 split of MODEL between two variants
/// with a prediction log (flushed once a second, as there). Everything a request does after
/// the socket is counted (Host check, fast path or router, middleware, parsing, scoring, the
/// prediction-log record, the SQLite write, the response body); the socket, HTTP parsing and
/// NIO's channel pipeline are not. Prints one JSON line.
@main
enum RequestBench {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let done = DispatchSemaphore(value: 0)
        // Detached: `main` runs on the main actor, whose thread the semaphore holds.
        Task.detached {
            do {
                try await run(arguments)
            } catch {
                FileHandle.standardError.write(Data("aviary-request-bench: \(error)\n".utf8))
                exit(1)
            }
            done.signal()
        }
        done.wait()
    }

    static func run(_ arguments: [String]) async throws {
        switch (arguments.first, arguments.count) {
        case ("invocations", 4):
            let package = try ModelPackage.load(from: URL(fileURLWithPath: arguments[1]))
            let registry = PrometheusCollectorRegistry()
            let model = ServedModel(package: package, name: "bench", version: nil, maximumBodySize: 10 << 20,
                                    metrics: ScoringMetrics(registry: registry, model: "bench", version: nil))
            let router = ScoringRouter(buildScoringRouter(model: model, metricsRegistry: registry), model: model, requestLogLevel: .debug)
            let body = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
            try await drive(router.buildResponder(), requests: try count(arguments[3])) { _ in
                ("/invocations", ByteBuffer(bytes: body))
            }
        case ("deployment", 4):
            let package = try ModelPackage.load(from: URL(fileURLWithPath: arguments[1]))
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let spec = try DeploymentSpec(yaml: """
                name: bench
                refresh_seconds: 0
                prediction_log: {path: log.db, flush_seconds: 1}
                variants:
                  - {name: champion, model: model, weight: 80}
                  - {name: challenger, model: model, weight: 20}
                """)
            let registry = PrometheusCollectorRegistry()
            let models = Dictionary(uniqueKeysWithValues: spec.variants.map { variant in
                (variant.name, ServedModel(package: package, name: "bench", version: "1", maximumBodySize: 10 << 20,
                                           metrics: ScoringMetrics(registry: registry, labels: [("deployment", "bench"), ("variant", variant.name)], model: "bench", version: "1")))
            })
            let log = PredictionLogWriter(store: try SQLitePredictionLog(path: directory.appendingPathComponent("log.db").path),
                                          flushInterval: .seconds(1), retention: nil)
            let flushing = Task { await log.run { error in FileHandle.standardError.write(Data("flush: \(error)\n".utf8)) } }
            defer { flushing.cancel() }
            let host = DeploymentHost([Deployment(spec: spec, models: models, log: log)])
            let router = buildDeploymentRouter(host: host, manager: NoManager(), metricsRegistry: registry)
            let body = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
            try await drive(router.buildResponder(), requests: try count(arguments[3])) { _ in
                ("/deployments/bench/invocations", ByteBuffer(bytes: body))
            }
        case ("log-batch", 2):
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try AviaryDatabase.open(path: directory.appendingPathComponent("a.db").path, defaultArtifactRoot: "mlflow-artifacts:")
            let artifacts = try LocalArtifactStore(root: directory.appendingPathComponent("artifacts").path)
            let responder = ScoringRouter(buildRouter(database: database, artifacts: artifacts), host: nil, requestLogLevel: .info).buildResponder()
            let created = try await send(responder, "/api/2.0/mlflow/runs/create", ByteBuffer(string: #"{"experiment_id": "0"}"#))
            guard let runID = String(buffer: created).split(separator: "\"").drop(while: { $0 != "run_id" }).dropFirst(2).first else {
                throw CancellationError()
            }
            try await drive(responder, requests: try count(arguments[1])) { index in
                // As bench/wrk/log_batch.lua: 100 metrics, steps no other request uses.
                let metrics = (1...100).map { i in
                    #"{"key":"bench_loss","value":0.\#((index * 7919 + i) % 1_000_000),"timestamp":\#(1_700_000_000_000 + i),"step":\#(index * 100 + i)}"#
                }
                return ("/api/2.0/mlflow/runs/log-batch", ByteBuffer(string: #"{"run_id":"\#(runID)","metrics":[\#(metrics.joined(separator: ","))]}"#))
            }
        default:
            throw BenchError.usage
        }
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-request-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The deployments API is not benchmarked: nothing is applied or removed.
    struct NoManager: DeploymentManaging {
        func apply(_ spec: DeploymentSpec, text: String) async throws {}
        func remove(_ name: String) async throws {}
    }

    enum BenchError: Error, CustomStringConvertible {
        case usage, status(Int)
        var description: String {
            switch self {
            case .usage: "usage: aviary-request-bench invocations|deployment MODEL BODY.json REQUESTS | log-batch REQUESTS"
            case .status(let code): "a request answered \(code)"
            }
        }
    }

    static func count(_ text: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw BenchError.usage }
        return value
    }

    static let logger = Logger(label: "aviary.request-bench")

    /// POSTs one JSON body as a loopback client would; the response body, or an error unless 200.
    static func send<Responder: HTTPResponder>(_ responder: Responder, _ path: String, _ body: ByteBuffer) async throws -> ByteBuffer
    where Responder.Context == BasicRequestContext {
        let head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:5000", path: path,
                               headerFields: [.contentType: "application/json", .contentLength: String(body.readableBytes)])
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: logger))
        let response = try await responder.respond(to: Request(head: head, body: RequestBody(buffer: body)), context: context)
        let collected = Collector()
        try await response.body.write(collected)
        guard response.status == .ok else { throw BenchError.status(Int(response.status.code)) }
        return collected.buffer
    }

    /// Sends `requests` requests made by `make`; prints the count and the wall time.
    static func drive<Responder: HTTPResponder>(_ responder: Responder, requests: Int, make: (Int) -> (String, ByteBuffer)) async throws
    where Responder.Context == BasicRequestContext {
        let start = ContinuousClock.now
        for index in 0..<requests {
            let (path, body) = make(index)
            _ = try await send(responder, path, body)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(#"{"requests": \#(requests), "seconds": \#(seconds), "microseconds_per_request": \#(seconds * 1e6 / Double(requests))}"#)
    }

    /// Gathers a response body; responses write sequentially.
    final class Collector: ResponseBodyWriter, @unchecked Sendable {
        var buffer = ByteBuffer()
        func write(_ buffer: ByteBuffer) async throws { self.buffer.writeImmutableBuffer(buffer) }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
