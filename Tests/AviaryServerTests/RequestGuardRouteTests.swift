import AviaryArtifacts
import AviaryHTTP
import AviaryServer
import AviaryStoreSQLite
import Foundation
import Hummingbird
import Testing

/// Host and Origin checks in front of every route, routed or answered on the scoring fast path
/// (issue 19: any Host was answered, the DNS-rebinding pattern of MLflow's CVE-2025-14279, and
/// a deployment's Open Inference route took text/plain bodies from any web page).
@Suite("Request guard")
struct RequestGuardRouteTests {
    /// `aviary serve`'s composition over the two-stump model, behind `requestGuard`.
    static func serving(_ requestGuard: RequestGuard, _ body: @Sendable (RouterClient) async throws -> Void) async throws {
        try await ScoringRouteTests.withModel { _, package in
            let model = ServedModel(package: package, name: "stumps", version: "3", maximumBodySize: 1 << 20)
            try await body(RouterClient(ScoringRouter(buildScoringRouter(model: model), model: model, requestLogLevel: .debug, requestGuard: requestGuard)))
        }
    }

    static func status(_ client: RouterClient, _ path: String, method: HTTPRequest.Method = .get, authority: String = "localhost",
                       headers: HTTPFields = [:], body: String? = nil) async throws -> (Int, [String: Any]) {
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }, authority: authority)
        return (Int(response.status.code), RouterClient.object(response.body))
    }

    static let row = #"{"instances": [[0.2, -1]]}"#
    static let tensor = #"{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [0.2, -1]}]}"#

    @Test("a foreign Host gets 403 on routed paths and on the scoring fast path; loopback names pass on any port")
    func hostHeader() async throws {
        try await Self.serving(.loopback) { client in
            for authority in ["localhost", "localhost:8080", "127.0.0.1:1", "[::1]:5000", "LOCALHOST:9"] {
                #expect(try await Self.status(client, "/health", authority: authority).0 == 200, "\(authority)")
            }
            for authority in ["evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.2", "[::2]:8080"] {
                let (status, body) = try await Self.status(client, "/health", authority: authority)
                #expect(status == 403 && body["error_code"] as? String == "PERMISSION_DENIED", "\(authority)")
                #expect((body["message"] as? String)?.contains("--allowed-hosts") == true)
                let invocation = try await Self.status(client, "/invocations", method: .post, authority: authority, headers: [.contentType: "application/json"], body: Self.row)
                #expect(invocation.0 == 403, "the fast path is guarded too")
            }
        }
    }

    @Test("--allowed-hosts replaces the default but keeps loopback; a pattern without a port takes any port; an address pattern matches addresses only")
    func allowedHosts() async throws {
        let allowed = try RequestGuard(bindHost: "0.0.0.0", allowedHosts: ["mlflow.internal:5000", "*.corp.example", "10.1.*"])
        try await Self.serving(allowed) { client in
            for (authority, expected) in [("mlflow.internal:5000", 200), ("mlflow.internal:5001", 403), ("a.b.corp.example:1", 200),
                                          ("corp.example", 403), ("10.1.2.3", 200), ("10.2.0.1", 403), ("192.168.1.1", 403),
                                          // A name its owner points here must not pass as an address (review finding).
                                          ("10.1.evil.example", 403), ("10.1.2.3.evil.example:5000", 403),
                                          // The server's own deployments fetch their models through loopback.
                                          ("localhost", 200), ("127.0.0.1:5000", 200)] {
                let (status, _) = try await Self.status(client, "/health", authority: authority)
                #expect(status == expected, "\(authority)")
            }
        }
    }

    @Test("bound beyond loopback without --allowed-hosts: loopback, private addresses and the bound name, as mlflow server")
    func nonLoopbackDefault() async throws {
        try await Self.serving(try RequestGuard(bindHost: "aviary.lan", allowedHosts: nil)) { client in
            for (authority, expected) in [("localhost:5000", 200), ("192.168.1.5:5000", 200), ("10.0.0.1", 200), ("172.31.0.9", 200),
                                          ("172.32.0.1", 403), ("8.8.8.8", 403), ("aviary.lan:5000", 200), ("other.lan", 403)] {
                let (status, _) = try await Self.status(client, "/health", authority: authority)
                #expect(status == expected, "\(authority)")
            }
        }
    }

    @Test("a POST a web page can send cross-site (text/plain, a form, multipart) gets 415 unless its Origin is allowed")
    func crossSiteContentTypes() async throws {
        try await Self.serving(.loopback) { client in
            for type in ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let (status, body) = try await Self.status(client, "/v2/models/stumps/infer", method: .post, headers: [.contentType: type], body: Self.tensor)
                #expect(status == 415 && (body["message"] as? String)?.contains("any web page can send it") == true, "\(type): \(body)")
                let feedback = try await Self.status(client, "/deployments/d/feedback", method: .post, headers: [.contentType: type], body: "{}")
                #expect(feedback.0 == 415, "\(type)")
            }
            // The same body as JSON, or from a page this server serves, is scored.
            #expect(try await Self.status(client, "/v2/models/stumps/infer", method: .post, headers: [.contentType: "application/json"], body: Self.tensor).0 == 200)
            #expect(try await Self.status(client, "/v2/models/stumps/infer", method: .post, body: Self.tensor).0 == 200, "no Content-Type: not a browser without an Origin")
            let sameOrigin: HTTPFields = [.contentType: "text/plain", .origin: "http://localhost:8080"]
            #expect(try await Self.status(client, "/v2/models/stumps/infer", method: .post, authority: "localhost:8080", headers: sameOrigin, body: Self.tensor).0 == 200)
        }
    }

    @Test("a state-changing request from a foreign Origin gets 403, whatever its content type")
    func foreignOrigin() async throws {
        try await Self.serving(.loopback) { client in
            // Another page on this machine is another site too (review finding): same origin only.
            for origin in ["http://evil.example", "null", "http://localhost.evil.example:8080", "http://localhost:3000", "http://127.0.0.1"] {
                for method: HTTPRequest.Method in [.post, .put, .delete] {
                    let (status, body) = try await Self.status(client, "/invocations", method: method, authority: "localhost:8080", headers: [.contentType: "application/json", .origin: origin], body: Self.row)
                    #expect(status == 403 && body["error_code"] as? String == "PERMISSION_DENIED", "\(method) from \(origin)")
                }
            }
            // Reading is not changing anything: a GET with a foreign Origin is answered (CORS keeps the page from reading it).
            #expect(try await Self.status(client, "/health", headers: [.origin: "http://evil.example"]).0 == 200)
        }
    }

    @Test("the MLflow API keeps MLflow's own 400 for a non-JSON body")
    func mlflowAPIKeepsItsAnswer() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-guard-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let router = buildRouter(database: try AviaryDatabase.inMemory(), artifacts: try LocalArtifactStore(root: root.path))
        let client = RouterClient(ScoringRouter(router, host: nil, requestLogLevel: .debug))
        let (status, body) = try await Self.status(client, "/api/2.0/mlflow/experiments/create", method: .post, headers: [.contentType: "text/plain"], body: #"{"name": "x"}"#)
        #expect(status == 400 && body["error_code"] as? String == "INVALID_PARAMETER_VALUE", "\(body)")
        #expect(try await Self.status(client, "/api/2.0/mlflow/experiments/search?max_results=1", authority: "rebound.example:5000").0 == 403)
    }
}
