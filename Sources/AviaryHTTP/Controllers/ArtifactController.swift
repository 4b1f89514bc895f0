import AviaryArtifacts
import AviaryCore
import Foundation
import Hummingbird
import _NIOFileSystem

/// MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`): upload with PUT, download
/// with GET, list with `GET …/artifacts?path=`, DELETE.
///
/// Uploads and downloads stream in chunks, so file size is bounded by disk, not memory. An
/// upload larger than `maximumUploadSize` is a 413 and leaves nothing behind; an acknowledged
/// one is on disk: the file is fsynced before the rename into place, and after it its directory
/// and the parent of every directory the upload created.
public struct ArtifactController<Context: RequestContext>: Sendable {
    let store: LocalArtifactStore
    let maximumUploadSize: Int64
    let fileIO = FileIO()

    /// - Parameter maximumUploadSize: the largest artifact a PUT may upload, in bytes.
    public init(store: LocalArtifactStore, maximumUploadSize: Int64) {
        self.store = store
        self.maximumUploadSize = maximumUploadSize
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
        let maximumUploadSize = maximumUploadSize
        routes.put("artifacts/**") { request, _ in
            let path = try Self.artifactPath(of: request)
            let tooLarge = HTTPError(.contentTooLarge, message: "Artifact '\(path)' is larger than the \(maximumUploadSize)-byte upload limit (--max-artifact-size)")
            if let declared = request.headers[.contentLength].flatMap(Int64.init), declared > maximumUploadSize { throw tooLarge }
            let (temporary, final, synced) = try store.uploadLocation(for: path)
            do {
                try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(temporary), options: .newFile(replaceExisting: true)) { file in
                    var written: Int64 = 0
                    try await file.withBufferedWriter { writer in
                        for try await chunk in request.body {
                            written += Int64(chunk.readableBytes)
                            guard written <= maximumUploadSize else { throw tooLarge }
                            try await writer.write(contentsOf: chunk)
                        }
                    }
                    try await file.synchronize()
                }
                try store.commitUpload(temporary: temporary, final: final)
                // The rename is durable once the directory that now names the file is synced, and
                // so is every directory the upload created, once its parent is.
                for path in synced {
                    try await FileSystem.shared.withDirectoryHandle(atPath: FilePath(path)) { try await $0.fileHandle.synchronize() }
                }
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
