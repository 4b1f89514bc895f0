import AviaryCore
import AviaryModels
import Foundation

/// Turns the MODEL argument of `aviary serve` / `aviary predict` into a loaded model: a local
/// directory or file as is; `runs:/RUN_ID/PATH`, `models:/NAME/VERSION` and `models:/NAME@ALIAS`
/// resolved through the tracking server and downloaded through its artifact proxy.
struct ModelLocator {
    let argument: String
    let tracking: TrackingServerOptions
    /// Refuse artifact locations outside the server's artifact store. A client may create an
    /// experiment whose artifact location is any host path; a deployment made through the API
    /// must not load a model from there.
    var serverArtifactsOnly = false

    /// The loaded model. A downloaded copy is deleted once loaded: the model lives in memory.
    func load() async throws -> ModelPackage {
        var directory = URL(fileURLWithPath: argument)
        var downloaded: URL?
        defer { if let downloaded { try? FileManager.default.removeItem(at: downloaded) } }
        if argument.hasPrefix("models:/") || argument.hasPrefix("runs:/") {
            let artifactURI = try await resolve()
            if artifactURI.hasPrefix("mlflow-artifacts:") {
                directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-model-\(UUID().uuidString)")
                downloaded = directory
                try await download(artifactURI: artifactURI, into: directory)
            } else if serverArtifactsOnly {
                throw CommandFailure("\(argument) is stored at '\(artifactURI)', outside the server's artifact store; a deployment made through the API loads only models the server holds")
            } else {
                // A server without the artifact proxy hands out paths on its own disk, readable when it runs here.
                directory = URL(fileURLWithPath: artifactURI.hasPrefix("file://") ? String(artifactURI.dropFirst("file://".count)) : artifactURI)
            }
        }
        do {
            return try ModelPackage.load(from: directory)
        } catch let error as AviaryError {
            throw CommandFailure("Cannot load model \(argument): \(error.message)")
        }
    }

    /// The name a `models:/NAME…` URI registers, used as the served model's name.
    var registeredName: String? {
        guard argument.hasPrefix("models:/") else { return nil }
        return ModelReference(argument: String(argument.dropFirst("models:/".count)))?.name
    }

    /// The registry version a `models:/` URI selects (looked up for an alias), else nil.
    func registeredVersion() async throws -> String? {
        guard argument.hasPrefix("models:/"), let reference = ModelReference(argument: String(argument.dropFirst("models:/".count))) else { return nil }
        return try await reference.version(using: tracking.client)
    }

    /// The artifact URI the model URI stands for (`mlflow-artifacts:/…`).
    private func resolve() async throws -> String {
        let client = try tracking.client
        if argument.hasPrefix("models:/") {
            let reference = String(argument.dropFirst("models:/".count))
            guard let model = ModelReference(argument: reference), let version = try await model.version(using: client) else {
                throw CommandFailure("'\(argument)' must name a version or an alias: models:/NAME/VERSION or models:/NAME@ALIAS")
            }
            let response = try await client.get("api/2.0/mlflow/model-versions/get-download-uri", ["name": model.name, "version": version])
            guard let uri = response["artifact_uri"] as? String else { throw CommandFailure("The server gave no download URI for \(argument)") }
            return uri
        }
        let rest = argument.dropFirst("runs:/".count)
        guard let slash = rest.firstIndex(of: "/"), !rest[rest.index(after: slash)...].isEmpty else {
            throw CommandFailure("'\(argument)' must be runs:/RUN_ID/ARTIFACT_PATH, e.g. runs:/0a1b…/model")
        }
        let runID = String(rest[..<slash])
        let path = String(rest[rest.index(after: slash)...]).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let run = try await client.get("api/2.0/mlflow/runs/get", ["run_id": runID])["run"] as? [String: Any] ?? [:]
        // MLflow 3 stores a model logged in a run as a logged model; the run lists it in its outputs.
        let outputs = ((run["outputs"] as? [String: Any])?["model_outputs"] as? [[String: Any]]) ?? []
        for output in outputs {
            guard let modelID = output["model_id"] as? String else { continue }
            let model = try await client.get("api/2.0/mlflow/logged-models/\(modelID)")["model"] as? [String: Any]
            let info = model?["info"] as? [String: Any]
            if info?["name"] as? String == path, let uri = info?["artifact_uri"] as? String { return uri }
        }
        guard let root = (run["info"] as? [String: Any])?["artifact_uri"] as? String else {
            throw CommandFailure("Run \(runID) has no artifact URI")
        }
        return "\(root)/\(path)"
    }

    /// Downloads every file under the `mlflow-artifacts:` URI through the artifact proxy into `target`.
    private func download(artifactURI: String, into target: URL) async throws {
        var remote = String(artifactURI.dropFirst("mlflow-artifacts:".count))
        while remote.hasPrefix("/") { remote.removeFirst() }
        let client = try tracking.client
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        var pending = [remote]
        var fileCount = 0
        while let directory = pending.popLast() {
            let listing = try await client.get("api/2.0/mlflow-artifacts/artifacts", ["path": directory])
            for entry in listing["files"] as? [[String: Any]] ?? [] {
                guard let name = entry["path"] as? String, Self.isPlainRelativePath(name) else {
                    throw CommandFailure("The server listed an unsafe artifact path under \(artifactURI)")
                }
                let remotePath = "\(directory)/\(name)"
                if entry["is_dir"] as? Bool == true {
                    pending.append(remotePath)
                    continue
                }
                let relative = String(remotePath.dropFirst(remote.count + 1))
                let local = target.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
                try await client.download("api/2.0/mlflow-artifacts/artifacts/\(remotePath)").write(to: local)
                fileCount += 1
            }
        }
        guard fileCount > 0 else { throw CommandFailure("\(argument) resolved to \(artifactURI), which holds no files") }
    }

    /// A listed name must stay inside the directory being downloaded.
    static func isPlainRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.contains("\\")
            && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }
}
