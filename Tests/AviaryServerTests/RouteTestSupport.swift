import AviaryArtifacts
import AviaryServer
import AviaryStoreSQLite
import Foundation
import Hummingbird
import Testing

/// An application over an in-memory database and a temporary artifact root, tested without a port.
struct RouteFixture {
    let artifactRoot: URL
    var maximumArtifactSize = ServerConfiguration.defaultMaximumArtifactSize

    init() {
        artifactRoot = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-routes-\(UUID().uuidString)")
    }

    func test(_ body: @Sendable (RouterClient) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: artifactRoot) }
        let router = buildRouter(
            database: try AviaryDatabase.inMemory(), artifacts: try LocalArtifactStore(root: artifactRoot.path),
            maximumArtifactSize: maximumArtifactSize
        )
        try await body(RouterClient(router))
    }
}

extension RouterClient {
    /// POSTs a JSON body and returns status and decoded JSON object.
    @discardableResult
    func post(_ path: String, _ json: String, contentType: String = "application/json") async throws -> (HTTPResponse.Status, [String: Any]) {
        try await execute(uri: path, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: json)) { response in
            (response.status, Self.object(response.body))
        }
    }

    /// GETs a path and returns status and decoded JSON object.
    func get(_ path: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await execute(uri: path, method: .get) { response in (response.status, Self.object(response.body)) }
    }

    static func object(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }
}

/// Asserts an MLflow error response: status and `error_code`, with a message that mentions `mentioning`.
func expectMLflowError(
    _ result: (HTTPResponse.Status, [String: Any]), _ status: HTTPResponse.Status, _ code: String, mentioning: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.0 == status, sourceLocation: sourceLocation)
    #expect(result.1["error_code"] as? String == code, "\(result.1)", sourceLocation: sourceLocation)
    if let mentioning {
        let message = result.1["message"] as? String ?? ""
        #expect(message.contains(mentioning), "\(message)", sourceLocation: sourceLocation)
    }
}
