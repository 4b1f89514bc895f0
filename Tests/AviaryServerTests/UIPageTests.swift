import Foundation
import Hummingbird
import Testing

/// The run, artifact, compare and registry pages over data logged through the REST API.
@Suite("Web UI pages")
struct UIPageTests {
    static let payload = UIRouteTests.payload
    static let escaped = UIRouteTests.escaped

    static func json(_ object: [String: Any]) -> String {
        String(data: try! JSONSerialization.data(withJSONObject: object), encoding: .utf8)!
    }

    /// A run with a param, a tag, a 100-step loss and an `auc`; returns its id.
    static func run(_ client: RouterClient, name: String, lr: String, auc: Double) async throws -> String {
        let (_, run) = try await client.post("/api/2.0/mlflow/runs/create", json(["experiment_id": "0", "run_name": name]))
        let id = try #require((run["run"] as? [String: Any]).flatMap { ($0["info"] as? [String: Any])?["run_id"] as? String })
        let metrics = (0..<100).map { ["key": "loss", "value": 1.0 / Double($0 + 1), "timestamp": 1000 + $0, "step": $0] as [String: Any] }
            + [["key": "auc", "value": auc, "timestamp": 1, "step": 0]]
        let params = [["key": "lr", "value": lr], ["key": "depth", "value": "6"], ["key": "note", "value": payload]]
        let (status, _) = try await client.post("/api/2.0/mlflow/runs/log-batch", json(["run_id": id, "metrics": metrics, "params": params, "tags": [["key": "team", "value": payload]]]))
        #expect(status == .ok)
        return id
    }

    static func put(_ client: RouterClient, run: String, _ path: String, _ text: String) async throws {
        let encoded = path.split(separator: "/").map { UIRouteTests.percentEncoded(String($0)) }.joined(separator: "/")
        let status = try await client.execute(uri: "/api/2.0/mlflow-artifacts/artifacts/0/\(run)/artifacts/\(encoded)", method: .put, body: ByteBuffer(string: text)) { $0.status }
        #expect(status == .ok)
    }

    @Test("the run page shows params, tags and a chart whose path has one vertex per step, with y falling as loss falls")
    func runPage() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.run(client, name: "first", lr: "0.1", auc: 0.8)
            let (status, page) = try await UIRouteTests.html(client, "/runs/\(id)")
            #expect(status == .ok)
            #expect(page.contains(Self.escaped) && !page.contains("<script>alert"))
            #expect(page.contains(#"<th scope="row">lr</th><td>0.1</td>"#))
            let path = try #require(page.firstMatch(of: /data-run="(\w+)" data-label="first" data-points="100" data-total="100"[^>]* d="([^"]+)"/))
            let ys = path.2.split(separator: "L").map { Double($0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "M"))).split(separator: " ")[1])! }
            #expect(ys.count == 100)
            #expect(zip(ys, ys.dropFirst()).allSatisfy { $0 <= $1 }, "a falling loss is drawn downwards (SVG y grows down)")
            let (_, byTime) = try await UIRouteTests.html(client, "/runs/\(id)?x=time")
            #expect(byTime.contains(#"data-metric="loss" data-x="time""#))
            let (missing, _) = try await UIRouteTests.html(client, "/runs/0123456789abcdef0123456789abcdef")
            #expect(missing == .notFound)
        }
    }

    @Test("artifacts are listed with escaped names, previewed by kind, downloaded as attachments and confined to the run")
    func artifacts() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.run(client, name: "arts", lr: "0.1", auc: 0.8)
            try await Self.put(client, run: id, "config.json", #"{"b":[1,2],"a":"<b>x</b>"}"#)
            try await Self.put(client, run: id, "data/rows.csv", "x,y\n1,<i>2</i>\n3,4\n")
            try await Self.put(client, run: id, "<img src=x onerror=alert(1)>.html", "<script>alert(2)</script>")
            let (_, listing) = try await UIRouteTests.html(client, "/runs/\(id)")
            #expect(listing.contains("&lt;img src=x onerror=alert(1)&gt;.html") && !listing.contains("<img src=x"))
            #expect(listing.contains(">data/</a>"))
            let (_, json) = try await UIRouteTests.html(client, "/runs/\(id)/artifacts?path=config.json")
            #expect(json.contains("&quot;a&quot; : &quot;&lt;b&gt;x&lt;/b&gt;&quot;"), "pretty-printed, sorted and escaped")
            let (_, csv) = try await UIRouteTests.html(client, "/runs/\(id)/artifacts?path=data/rows.csv")
            #expect(csv.contains(#"<table id="preview-table">"#) && csv.contains("<td>&lt;i&gt;2&lt;/i&gt;</td>"))
            let raw = "/runs/\(id)/artifacts/raw?path=\(UIRouteTests.percentEncoded("<img src=x onerror=alert(1)>.html"))"
            try await client.execute(uri: raw, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/octet-stream")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                #expect(String(buffer: response.body) == "<script>alert(2)</script>")
            }
            for bad in ["../../../etc/passwd", "%2e%2e/x", "/etc/passwd", "a\\..\\b"] {
                let (status, page) = try await UIRouteTests.html(client, "/runs/\(id)/artifacts?path=\(UIRouteTests.percentEncoded(bad))")
                #expect(status == .badRequest, "\(bad)")
                #expect(!page.contains("root:"))
            }
            let (missing, _) = try await UIRouteTests.html(client, "/runs/\(id)/artifacts?path=nope.txt")
            #expect(missing == .notFound)
        }
    }

    @Test("compare marks differing rows, overlays one line per run and scatters lr against auc")
    func compare() async throws {
        try await RouteFixture().test { client in
            let a = try await Self.run(client, name: "a", lr: "0.1", auc: 0.8)
            let b = try await Self.run(client, name: "b", lr: "0.3", auc: 0.9)
            let (status, page) = try await UIRouteTests.html(client, "/compare?runs=\(a)&runs=\(b)&x=params.lr&y=metrics.auc")
            #expect(status == .ok)
            #expect(page.contains(#"<tr class="diff"><th scope="row">lr"#))
            #expect(page.contains(#"<tr><th scope="row">depth</th>"#))
            let loss = try #require(page.firstMatch(of: /<svg class="chart"[^>]*data-metric="loss".*?<\/svg>/))
            #expect(loss.0.matches(of: /<path class="series"/).count == 2)
            #expect(page.matches(of: /<circle class="point" data-run="/).count == 2)
            let (none, _) = try await UIRouteTests.html(client, "/compare")
            #expect(none == .badRequest)
        }
    }

    @Test("the registry pages list models, versions with aliases, and a version's lineage to its run")
    func registry() async throws {
        try await RouteFixture().test { client in
            let run = try await Self.run(client, name: "trainer", lr: "0.1", auc: 0.8)
            let name = #"churn <b>model<b> "&'"#
            try await client.post("/api/2.0/mlflow/registered-models/create", Self.json(["name": name]))
            try await client.post("/api/2.0/mlflow/model-versions/create", Self.json(["name": name, "source": "runs:/\(run)/model", "run_id": run]))
            try await client.post("/api/2.0/mlflow/registered-models/alias", Self.json(["name": name, "alias": "champion", "version": "1"]))
            let (_, models) = try await UIRouteTests.html(client, "/models")
            let path = "/models/\(UIRouteTests.percentEncoded(name))"
            #expect(models.contains(#"<a href="\#(path)">churn &lt;b&gt;model&lt;b&gt; &quot;&amp;&#39;</a>"#))
            let (status, model) = try await UIRouteTests.html(client, path)
            #expect(status == .ok)
            #expect(model.contains(#"<tr data-version="1">"#) && model.contains(#"<span class="alias">champion</span>"#))
            let (_, version) = try await UIRouteTests.html(client, "\(path)/versions/1")
            #expect(version.contains(#"<a href="/runs/\#(run)">trainer</a>"#) && version.contains(#"<a href="/experiments/0">"#))
            let (missing, _) = try await UIRouteTests.html(client, "/models/nope")
            #expect(missing == .notFound)
        }
    }
}
