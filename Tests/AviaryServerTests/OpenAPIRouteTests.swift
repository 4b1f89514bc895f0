import AviaryArtifacts
import AviaryDeployments
import AviaryHTTP
import AviaryModels
import AviaryServer
import AviaryStoreSQLite
import Foundation
import Hummingbird
import Prometheus
import Testing

/// Each server's `GET /api/aviary/v1/openapi.json` documents exactly the routes it serves: every
/// (method, path) with a handler is an operation of the document, and every operation is served.
@Suite("OpenAPI document")
struct OpenAPIRouteTests {
    /// The server compositions, as the command line builds them.
    enum Server: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case server = "aviary server"
        case serverWithoutDeployments = "aviary server (router without deployments)"
        case serve = "aviary serve MODEL"
        case serveDeployment = "aviary serve --deployment"

        var testDescription: String { rawValue }
    }

    /// One composition: the routes it adds (recorded), the router built from it, and a client of
    /// the application's responder (request guard and fast paths in front, as in production).
    struct Composition {
        let recorded: [RouteRecorder<BasicRequestContext>.Route]
        let routerRoutes: [Router<BasicRequestContext>.RouteDescription]
        let client: RouterClient
    }

    /// Accepts every spec and forgets it: the routes are under test, not the supervisor.
    struct AcceptingManager: DeploymentManaging {
        func apply(_ spec: DeploymentSpec, text: String) async throws {}
        func remove(_ name: String) async throws {}
    }

    static func withComposition(_ server: Server, _ body: (Composition) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = RouteRecorder(context: BasicRequestContext.self)
        let registry = PrometheusCollectorRegistry()
        switch server {
        case .server, .serverWithoutDeployments:
            let database = try AviaryDatabase.inMemory()
            let artifacts = try LocalArtifactStore(root: directory.appendingPathComponent("artifacts").path)
            let deployments = server == .server
                ? DeploymentServices(host: DeploymentHost(), manager: AcceptingManager(), metricsRegistry: registry) : nil
            addServerRoutes(to: recorder, database: database, artifacts: artifacts, deployments: deployments)
            let router = buildRouter(database: database, artifacts: artifacts, deployments: deployments)
            let client = RouterClient(ScoringRouter(router, host: deployments?.host, requestLogLevel: .info))
            try await body(Composition(recorded: recorder.routes, routerRoutes: router.routes, client: client))
        case .serve:
            let file = directory.appendingPathComponent("model.json")
            try Data(ScoringRouteTests.modelJSON.utf8).write(to: file)
            let model = ServedModel(package: try ModelPackage.load(from: file), name: "stumps", version: "3", maximumBodySize: 1 << 20)
            addScoringRoutes(to: recorder, model: model, metricsRegistry: registry)
            let router = buildScoringRouter(model: model, metricsRegistry: registry)
            let client = RouterClient(ScoringRouter(router, model: model, requestLogLevel: .debug))
            try await body(Composition(recorded: recorder.routes, routerRoutes: router.routes, client: client))
        case .serveDeployment:
            let host = DeploymentHost()
            addDeploymentRoutes(to: recorder, host: host, manager: AcceptingManager(), metricsRegistry: registry)
            let application = buildDeploymentRouter(host: host, manager: AcceptingManager(), metricsRegistry: registry)
            try await body(Composition(recorded: recorder.routes, routerRoutes: application.router.routes, client: RouterClient(application)))
        }
    }

    /// The served document, parsed.
    static func document(_ client: RouterClient) async throws -> [String: Any] {
        let response = try await client.execute(uri: "/api/aviary/v1/openapi.json", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        let parsed = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(parsed as? [String: Any])
    }

    /// `"GET /path"` for every operation of a document.
    static func operations(_ document: [String: Any]) -> [(key: String, operation: [String: Any])] {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return paths.flatMap { path, item in
            item.compactMap { method, operation in
                (operation as? [String: Any]).map { ("\(method.uppercased()) \(path)", $0) }
            }
        }.sorted { $0.key < $1.key }
    }

    @Test("every route served is documented, and every documented route is served", arguments: Server.allCases)
    func parity(server: Server) async throws {
        try await Self.withComposition(server) { composition in
            // The recorder saw the same routes the router holds, 405 answers included.
            let held = Set(composition.routerRoutes.map { "\($0.method) \($0.path)" })
            #expect(Set(composition.recorded.map(\.description)) == held)

            let served = Set(composition.recorded.filter(\.served).map { "\($0.method) \(OpenAPIDocument.documentedPath(routerPath: $0.path))" })
            let documented = Set(Self.operations(try await Self.document(composition.client)).map(\.key))
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
            // 405 answers only stand on paths the document has.
            let documentedPaths = Set(documented.map { $0.split(separator: " ")[1] })
            for stub in composition.recorded where !stub.served {
                #expect(documentedPaths.contains(Substring(OpenAPIDocument.documentedPath(routerPath: stub.path))), "405 on an undocumented path: \(stub)")
            }
        }
    }

    @Test("the document is OpenAPI 3.1 with an id, summary and responses on every operation", arguments: Server.allCases)
    func wellFormed(server: Server) async throws {
        try await Self.withComposition(server) { composition in
            let document = try await Self.document(composition.client)
            #expect(document["openapi"] as? String == "3.1.0")
            let info = document["info"] as? [String: Any] ?? [:]
            #expect(info["version"] as? String == ServerConfiguration.version)
            #expect((info["title"] as? String)?.isEmpty == false)

            let operations = Self.operations(document)
            #expect(!operations.isEmpty)
            var ids: [String: String] = [:]
            for (key, operation) in operations {
                let id = operation["operationId"] as? String ?? ""
                #expect(!id.isEmpty, "\(key) has no operationId")
                #expect(ids[id] == nil, "operationId \(id) is used by \(ids[id] ?? "") and \(key)")
                ids[id] = key
                #expect((operation["summary"] as? String)?.isEmpty == false, "\(key) has no summary")
                let responses = operation["responses"] as? [String: [String: Any]] ?? [:]
                #expect(responses["200"] != nil, "\(key) documents no 200")
                #expect(responses["403"] != nil, "\(key) omits the request guard's 403")
                for (status, response) in responses {
                    #expect(Int(status) != nil, "\(key) has response key \(status)")
                    #expect((response["description"] as? String)?.isEmpty == false, "\(key) \(status) has no description")
                }
                // Every capture of the path is a required path parameter.
                let path = String(key.split(separator: " ")[1])
                let captures = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }
                #expect(Set(parameters.compactMap { $0["name"] as? String }) == Set(captures), "\(key) path parameters")
                #expect(parameters.allSatisfy { $0["required"] as? Bool == true }, "\(key) has an optional path parameter")
            }
            // Every reference resolves, and every shared schema is referenced.
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
            let references = Self.references(in: document)
            for reference in references {
                #expect(schemas[String(reference.dropFirst("#/components/schemas/".count))] != nil, "unresolved \(reference)")
            }
            #expect(Set(schemas.keys) == Set(references.map { String($0.dropFirst("#/components/schemas/".count)) }))
        }
    }

    @Test("the document is the same bytes every time, keys sorted")
    func reproducible() async throws {
        let surfaces: [OpenAPIDocument.Surface] = [.tracking(.api), .artifacts(.ajax), .deployments, .ui, .document]
        let first = OpenAPIDocument(title: "t", version: "1", surfaces: surfaces).encoded()
        let second = OpenAPIDocument(title: "t", version: "1", surfaces: surfaces).encoded()
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasPrefix(#"{"components":{"schemas":{"#))
        #expect(text.range(of: #""info":"#)!.lowerBound < text.range(of: #""openapi":"#)!.lowerBound)
    }

    @Test("the served document answers 200 JSON on every server", arguments: Server.allCases)
    func served(server: Server) async throws {
        try await Self.withComposition(server) { composition in
            let response = try await composition.client.execute(uri: "/api/aviary/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            // Another method is no route: a 404, not a 405 (the path is not a RouteTable's).
            let post = try await composition.client.execute(uri: "/api/aviary/v1/openapi.json", method: .post, headers: [.contentType: "application/json"])
            #expect(post.status == .notFound)
        }
    }

    static func references(in value: Any) -> Set<String> {
        switch value {
        case let object as [String: Any]:
            var found = Set(object.values.flatMap { references(in: $0) })
            if let target = object["$ref"] as? String { found.insert(target) }
            return found
        case let array as [Any]:
            return Set(array.flatMap { references(in: $0) })
        default:
            return []
        }
    }
}
