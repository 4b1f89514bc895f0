import Foundation
import Hummingbird
import Testing

/// The web UI pages over data logged through the REST API: names, params and filters holding
/// markup come back escaped; the runs table pages on the server and shows grammar errors inline.
@Suite("Web UI routes")
struct UIRouteTests {
    static let payload = #"<script>alert(1)</script>"onerror=x"#
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=x"

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func html(_ client: RouterClient, _ path: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: path, method: .get) { ($0.status, String(buffer: $0.body)) }
    }

    static func seed(_ client: RouterClient, runs: Int) async throws -> String {
        let name = String(data: try JSONSerialization.data(withJSONObject: ["name": payload]), encoding: .utf8)!
        let (_, created) = try await client.post("/api/2.0/mlflow/experiments/create", name)
        let experimentID = try #require(created["experiment_id"] as? String)
        for k in 0..<runs {
            let (_, run) = try await client.post("/api/2.0/mlflow/runs/create", #"{"experiment_id": "\#(experimentID)", "run_name": "run-\#(k)"}"#)
            let runID = try #require((run["run"] as? [String: Any]).flatMap { ($0["info"] as? [String: Any])?["run_id"] as? String })
            let param = String(data: try JSONSerialization.data(withJSONObject: ["run_id": runID, "key": "note", "value": payload]), encoding: .utf8)!
            try await client.post("/api/2.0/mlflow/runs/log-parameter", param)
            try await client.post("/api/2.0/mlflow/runs/log-metric", #"{"run_id": "\#(runID)", "key": "loss", "value": \#(Double(k) / 100), "timestamp": 1, "step": 0}"#)
        }
        return experimentID
    }

    @Test("the experiments list escapes names and filters by substring")
    func experiments() async throws {
        try await RouteFixture().test { client in
            _ = try await Self.seed(client, runs: 0)
            let (status, page) = try await Self.html(client, "/")
            #expect(status == .ok)
            #expect(page.contains(Self.escaped))
            #expect(!page.contains("<script>alert"))
            #expect(page.contains(">Default</a>"))
            let (_, filtered) = try await Self.html(client, "/?q=script")
            #expect(filtered.contains(Self.escaped) && !filtered.contains(">Default</a>"))
            let (_, query) = try await Self.html(client, "/?q=%3Cb%3E")
            #expect(query.contains("&lt;b&gt;") && !query.contains("<b>"))
        }
    }

    @Test("the runs table pages on the server, orders by a metric and escapes params")
    func runs() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.seed(client, runs: 55)
            let (status, first) = try await Self.html(client, "/experiments/\(id)?order_by=metrics.loss%20DESC")
            #expect(status == .ok)
            #expect(first.components(separatedBy: "<tr data-run-id=").count - 1 == 50)
            #expect(first.contains(Self.escaped) && !first.contains("<script>alert"))
            #expect(first.range(of: "run-54")!.lowerBound < first.range(of: "run-53")!.lowerBound, "highest loss first")
            let link = try #require(first.range(of: #"rel="next" href="(/experiments/[^"]+)">Next page"#, options: .regularExpression))
            let next = String(first[link]).dropFirst(#"rel="next" href=""#.count).prefix { $0 != "\"" }.replacingOccurrences(of: "&amp;", with: "&")
            let (_, second) = try await Self.html(client, next)
            #expect(second.components(separatedBy: "<tr data-run-id=").count - 1 == 5)
            #expect(second.contains("run-0") && !second.contains("run-54"))
        }
    }

    @Test("a filter the grammar refuses is shown inline, escaped, with a 400")
    func filterError() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.seed(client, runs: 1)
            let (status, page) = try await Self.html(client, "/experiments/\(id)?filter=metrics.loss%20%3C%3C%20%22%3Cb%3E%22")
            #expect(status == .badRequest)
            #expect(page.contains(#"class="error""#))
            #expect(!page.contains("<b>"))
        }
    }
}
