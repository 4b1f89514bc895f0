import AviaryHTTP
import AviaryModels
import AviaryServer
import Foundation
import Hummingbird
import Prometheus
import Testing

/// `GET /metrics` on the scoring server counts requests by route and status, rows scored and
/// latency, labelled with the model and its version.
@Suite("Scoring metrics")
struct ScoringMetricsTests {
    /// With `fastPath`, through `ScoringRouter`, as `aviary serve` runs: `POST /invocations` is
    /// answered ahead of the router and must count the same.
    @Test("requests, errors, rows and latency reach the Prometheus exposition", arguments: [false, true])
    func exposition(fastPath: Bool) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-metrics-\(UUID().uuidString).json")
        try Data(ScoringRouteTests.modelJSON.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let registry = PrometheusCollectorRegistry()
        let model = ServedModel(
            package: try ModelPackage.load(from: file), name: "stumps", version: "3", maximumBodySize: 1 << 20,
            metrics: ScoringMetrics(registry: registry, model: "stumps", version: "3")
        )
        let router = buildScoringRouter(model: model, metricsRegistry: registry)
        let client = fastPath ? RouterClient(ScoringRouter(router, model: model, requestLogLevel: .debug)) : RouterClient(router)
        for _ in 0..<3 { try await client.post("/invocations", #"{"instances": [[0.2, -1], [0.7, 3]]}"#) }
        try await client.post("/invocations", #"{"instances": [[0.2]]}"#)
        try await client.post("/v2/models/stumps/infer", #"{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [0.2, -1]}]}"#)
        let text = try await client.execute(uri: "/metrics", method: .get) { response in
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            return String(buffer: response.body)
        }
        let labels = #"model="stumps",version="3""#
        #expect(text.contains(#"aviary_requests_total{\#(labels),endpoint="/invocations",code="200"} 3"#))
        #expect(text.contains(#"aviary_requests_total{\#(labels),endpoint="/invocations",code="400"} 1"#))
        #expect(text.contains(#"aviary_requests_total{\#(labels),endpoint="/v2/models/{name}/infer",code="200"} 1"#))
        #expect(text.contains("aviary_predicted_rows_total{\(labels)} 7"), "3 × 2 rows + 1; the refused request scores none")
        #expect(text.contains(#"aviary_request_duration_seconds_count{\#(labels),endpoint="/invocations"} 4"#))
        #expect(text.contains("aviary_requests_in_flight{\(labels)} 1"), "the /metrics request itself")
    }
}
