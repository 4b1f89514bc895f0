import CoreMetrics
import Prometheus
import Synchronization

/// What a scoring server reports to Prometheus about one served model: requests by endpoint
/// and status code, their latency, requests in flight, and rows scored. Every series carries
/// the model's `model` and `version` labels (after a deployment's `deployment` and `variant`).
///
/// The metric objects go through an explicit swift-metrics factory instead of the process-wide
/// `MetricsSystem`, so each server (and each test) reports into its own registry.
public final class ScoringMetrics: Sendable {
    /// Latency buckets, in seconds: sub-millisecond single rows up to multi-second batches.
    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    private struct Key: Hashable {
        var endpoint: String
        var code: Int
    }

    private let factory: any MetricsFactory
    private let labels: [(String, String)]
    private let requests = Mutex<[Key: CoreMetrics.Counter]>([:])
    private let latencies = Mutex<[String: CoreMetrics.Timer]>([:])
    /// Requests being handled now.
    let inFlight: Meter
    /// Rows scored, over all requests.
    let rows: CoreMetrics.Counter
    /// The distribution of a deployment variant's predictions (one number per row).
    let predictions: CoreMetrics.Recorder

    /// Buckets for predicted values: tenths for probabilities, then a coarse scale for regressors.
    static let predictionBuckets: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2.5, 5, 10, 25, 50, 100, 1000]

    /// Metrics for `model` (and its registry `version`, if any) reported into `registry`;
    /// `labels` go first on every series (a deployment's `deployment` and `variant`).
    public convenience init(registry: PrometheusCollectorRegistry, labels: [(String, String)] = [], model: String, version: String?) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        factory.defaultValueHistogramBuckets = Self.predictionBuckets
        self.init(factory: factory, labels: labels + [("model", model), ("version", version ?? "")])
    }

    /// Metrics that go nowhere: for servers built without a `/metrics` endpoint.
    public static func disabled(model: String) -> ScoringMetrics {
        ScoringMetrics(factory: NOOPMetricsHandler.instance, labels: [("model", model)])
    }

    init(factory: any MetricsFactory, labels: [(String, String)]) {
        self.factory = factory
        self.labels = labels
        self.inFlight = Meter(label: "aviary_requests_in_flight", dimensions: labels, factory: factory)
        self.rows = CoreMetrics.Counter(label: "aviary_predicted_rows_total", dimensions: labels, factory: factory)
        self.predictions = CoreMetrics.Recorder(label: "aviary_prediction_value", dimensions: labels, aggregate: true, factory: factory)
    }

    /// Counts one finished request to `endpoint` (a route pattern, e.g. `/invocations`) and its latency.
    func record(endpoint: String, code: Int, nanoseconds: UInt64) {
        counter(endpoint: endpoint, code: code).increment()
        timer(endpoint: endpoint).recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
    }

    /// An endpoint's counter of answered (200) requests and its latency timer, looked up once.
    /// A hot path that knows its endpoint counts through this instead of `record`'s two locked
    /// dictionary lookups; both series exist (at 0) from when this is made.
    struct Endpoint: Sendable {
        let answered: CoreMetrics.Counter
        let latency: CoreMetrics.Timer

        func recordAnswered(nanoseconds: UInt64) {
            answered.increment()
            latency.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
        }
    }

    /// The counter and timer `record` would use for a 200 answer from `endpoint`.
    func endpoint(_ endpoint: String) -> Endpoint {
        Endpoint(answered: counter(endpoint: endpoint, code: 200), latency: timer(endpoint: endpoint))
    }

    private func counter(endpoint: String, code: Int) -> CoreMetrics.Counter {
        requests.withLock { counters in
            let key = Key(endpoint: endpoint, code: code)
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: "aviary_requests_total", dimensions: labels + [("endpoint", endpoint), ("code", String(code))], factory: factory)
            counters[key] = counter
            return counter
        }
    }

    private func timer(endpoint: String) -> CoreMetrics.Timer {
        latencies.withLock { timers in
            if let timer = timers[endpoint] { return timer }
            let timer = CoreMetrics.Timer(label: "aviary_request_duration_seconds", dimensions: labels + [("endpoint", endpoint)], factory: factory)
            timers[endpoint] = timer
            return timer
        }
    }
}
