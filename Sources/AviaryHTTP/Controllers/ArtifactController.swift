import AviaryArtifacts
import AviaryCore
import Foundation
import Hummingbird

/// MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`): upload with PUT, download
/// with GET, list with `GET …/artifacts?path=`, DELETE.
///
/// Uploads and downloads stream in chunks, so file size is bounded by disk, not memory.
public struct ArtifactController<Context: RequestContext>: Sendable {
    let store: LocalArtifactStore
    let fileIO = FileIO()

    public init(store: LocalArtifactStore) {
        self.store = store
    }

    /// The routes, relative to the `mlflow-artifacts` prefix.
    public var routes: RouteCollection<Context> {
        let routes = RouteTable<Context>()
        let store = store
        let fileIO = fileIO
        routes.get("artifacts") { request, _ in
            let raw = RequestDecoding.queryObject(request.uri.query)["path"] as? String ?? ""
            let entries = try store.list(try ArtifactPath(raw))
            // Like mlflow server, an empty file reports no size at all.
            let files = entries.map { WireFileInfo(path: $0.name, is_dir: $0.isDirectory, file_size: $0.size == 0 ? nil : $0.size) }
            // mlflow server omits the empty list, as protobuf's JSON mapping does.
            return files.isEmpty ? ResponseEncoding.empty() : try ResponseEncoding.json(["files": files])
        }
        routes.get("artifacts/**") { request, context in
            let location = try store.existingFile(try Self.artifactPath(of: request))
            let body = try await fileIO.loadFile(path: location, context: context)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
        }
        routes.put("artifacts/**") { request, context in
            let (temporary, final) = try store.uploadLocation(for: try Self.artifactPath(of: request))
            do {
                try await fileIO.writeFile(contents: request.body, path: temporary, context: context)
                try store.commitUpload(temporary: temporary, final: final)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            return ResponseEncoding.empty()
        }
        routes.delete("artifacts/**") { request, _ in
            try store.delete(try Self.artifactPath(of: request))
            return ResponseEncoding.empty()
        }
        return routes.collection()
    }

    /// The artifact path from the raw request path, percent-decoded exactly once.
    static func artifactPath(of request: Request) throws -> ArtifactPath {
        let path = request.uri.path
        guard let range = path.range(of: "/mlflow-artifacts/artifacts/") else {
            throw AviaryError.invalid("Invalid artifact path '\(path)'")
        }
        let encoded = String(path[range.upperBound...])
        guard let decoded = encoded.removingPercentEncoding else {
            throw AviaryError.invalid("Invalid artifact path '\(encoded)': malformed percent-encoding")
        }
        return try ArtifactPath(decoded)
    }
}

struct WireFileInfo: Encodable {
    var path: String
    var is_dir: Bool
    var file_size: Int64?
}
