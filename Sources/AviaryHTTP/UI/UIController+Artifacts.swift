import AviaryArtifacts
import AviaryCodecs
import AviaryCore
import AviaryTracking
import Foundation
import Hummingbird

extension UIController {
    /// Bytes of a file read for its preview; the rest is a download away.
    static var previewLimit: Int { 512 * 1024 }
    /// Rows of a CSV shown as a table.
    static var previewRows: Int { 100 }
    /// Artifacts shown as images, by extension, with the type they are served with.
    static var imageTypes: [String: String] { ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"] }

    /// `/runs/{id}/artifacts?path=P`: a directory's listing or a file's preview.
    func artifactPage(_ request: Request, runID: String) async throws -> Response {
        let run = try await service.run(id: runID)
        let path = try ArtifactPath(request.uri.queryParameters["path"].map(String.init) ?? "")
        let content = try artifactListing(run: run, path: path, standalone: true)
        return Self.page(title: path.segments.last ?? "Artifacts", content: content)
    }

    /// `/runs/{id}/artifacts/raw?path=P`: the file's bytes. Images are served as images; every
    /// other type as an attachment, so an uploaded HTML or SVG file never runs in Aviary's origin.
    func rawArtifact(_ request: Request, runID: String, context: Context) async throws -> Response {
        let run = try await service.run(id: runID)
        let path = try ArtifactPath(request.uri.queryParameters["path"].map(String.init) ?? "")
        let location = try artifacts.existingFile(try Self.storePath(of: run, path))
        let body = try await fileIO.loadFile(path: location, context: context)
        let name = path.segments.last ?? "artifact"
        var headers: HTTPFields = [.xContentTypeOptions: "nosniff", .contentSecurityPolicy: "default-src 'none'; sandbox"]
        if let type = Self.imageTypes[Self.fileExtension(name)] {
            headers[.contentType] = type
        } else {
            headers[.contentType] = "application/octet-stream"
            headers[.contentDisposition] = "attachment; filename*=UTF-8''\(Self.percentEncoded(name))"
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The `artifacts` template for `path` under the run's artifact root: embedded in the run
    /// page (`standalone == false`) or as its own page.
    func artifactListing(run: Run, path: ArtifactPath, standalone: Bool) throws -> String {
        let base = "/runs/\(run.info.runID)/artifacts"
        var view: [String: Any] = ["standalone": standalone, "runID": run.info.runID, "runName": run.info.runName, "title": path.segments.last ?? "Artifacts"]
        view["crumbs"] = path.segments.indices.map { k in
            ["name": path.segments[k], "href": "\(base)?path=\(Self.percentEncoded(path.segments[...k].joined(separator: "/")))"]
        }
        guard Self.isProxied(run) else {
            view["unavailable"] = "This run's artifacts are stored outside this server, at \(run.info.artifactURI)."
            return Self.render("artifacts", view)
        }
        let storePath = try Self.storePath(of: run, path)
        if !path.segments.isEmpty, let location = try? artifacts.existingFile(storePath) {
            view["file"] = try Self.preview(location: location, path: path, download: "\(base)/raw?path=\(Self.percentEncoded(path.description))")
            return Self.render("artifacts", view)
        }
        let entries = try artifacts.list(storePath)
        if entries.isEmpty, !path.segments.isEmpty {
            throw AviaryError.notFound("Artifact '\(path)' does not exist in run \(run.info.runID)")
        }
        view["listing"] = true
        view["entries"] = entries.map { entry -> [String: Any] in
            let child = (path.segments + [entry.name]).joined(separator: "/")
            return [
                "name": entry.name, "isDirectory": entry.isDirectory, "size": entry.size.map(Self.bytes) ?? "",
                "href": "\(base)?path=\(Self.percentEncoded(child))",
            ]
        }
        return Self.render("artifacts", view)
    }

    /// What the preview shows: images inline, CSV as a table, JSON pretty-printed, other UTF-8
    /// text as is; anything else only as a download.
    static func preview(location: String, path: ArtifactPath, download: String) throws -> [String: Any] {
        guard let handle = FileHandle(forReadingAtPath: location) else {
            throw AviaryError.notFound("Artifact '\(path)' cannot be read")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: location)[.size] as? Int) ?? 0
        let name = path.segments.last ?? ""
        var file: [String: Any] = ["name": name, "download": download, "size": bytes(Int64(size))]
        let kind = fileExtension(name)
        if imageTypes[kind] != nil {
            file["image"] = download
            return file
        }
        let data = handle.readData(ofLength: previewLimit)
        if data.count < size { file["truncated"] = bytes(Int64(data.count)) }
        guard !data.contains(0), var text = String(data: data, encoding: .utf8) ?? String(data: data.dropLast(3), encoding: .utf8) else {
            file["binary"] = true
            return file
        }
        if kind == "csv" || kind == "tsv", let table = csvTable(data, separator: kind == "tsv" ? "\t" : ",") {
            file["table"] = table
            return file
        }
        if kind == "json", data.count == size, let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) {
            text = String(decoding: pretty, as: UTF8.self)
        }
        file["text"] = text.isEmpty ? "(empty file)" : text
        return file
    }

    static func csvTable(_ data: Data, separator: Character) -> [String: Any]? {
        var reader = CSVReader(data: data, separator: separator)
        guard let header = try? reader.next() else { return nil }
        var rows: [[String: Any]] = []
        while rows.count < previewRows, let record = try? reader.next() {
            rows.append(["cells": record])
        }
        return ["header": header, "rows": rows]
    }

    /// Whether the run's artifacts are in this server's store (`mlflow-artifacts:` URIs).
    static func isProxied(_ run: Run) -> Bool {
        run.info.artifactURI.hasPrefix("mlflow-artifacts:/")
    }

    /// `path` under the run's artifact root, as a path in the server's artifact store.
    static func storePath(of run: Run, _ path: ArtifactPath) throws -> ArtifactPath {
        guard isProxied(run) else {
            throw AviaryError.notFound("Run \(run.info.runID) keeps its artifacts outside this server, at \(run.info.artifactURI)")
        }
        let root = run.info.artifactURI.dropFirst("mlflow-artifacts:".count).drop { $0 == "/" }
        return try ArtifactPath(([String(root)] + path.segments).joined(separator: "/"))
    }

    static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
