import Foundation
import Hummingbird
import Testing

@Suite("Artifact proxy routes")
struct ArtifactRouteTests {
    let base = "/api/2.0/mlflow-artifacts/artifacts"

    @Test("upload, list, download and delete nested artifacts")
    func roundTrip() async throws {
        try await RouteFixture().test { client in
            let payload = ByteBuffer(bytes: (0..<300_000).map { UInt8($0 % 251) })
            let put = try await client.execute(uri: "\(base)/1/run/artifacts/dir/sub/data.bin", method: .put, body: payload)
            #expect(put.status == .ok)
            let download = try await client.execute(uri: "\(base)/1/run/artifacts/dir/sub/data.bin", method: .get)
            #expect(download.status == .ok)
            #expect(download.body == payload)

            let (_, root) = try await client.get("\(base)?path=1/run/artifacts")
            #expect((root["files"] as? [[String: Any]])?.map { $0["path"] as? String } == ["dir"])
            #expect((root["files"] as? [[String: Any]])?.first?["is_dir"] as? Bool == true)
            let (_, nested) = try await client.get("\(base)?path=1/run/artifacts/dir/sub")
            #expect((nested["files"] as? [[String: Any]])?.first?["file_size"] as? Int == 300_000)

            #expect(try await client.execute(uri: "\(base)/1/run/artifacts/dir", method: .delete).status == .ok)
            let (_, empty) = try await client.get("\(base)?path=1/run/artifacts")
            #expect(empty.isEmpty)  // mlflow server answers {} for an empty directory
            expectMLflowError(try await client.get("\(base)/1/run/artifacts/dir/sub/data.bin"), .notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("an upload over --max-artifact-size is a 413 and leaves no file, not even a partial one")
    func uploadLimit() async throws {
        var limited = RouteFixture()
        limited.maximumArtifactSize = 1000
        let fixture = limited
        try await fixture.test { client in
            let fits = try await client.execute(uri: "\(base)/1/run/artifacts/fits.bin", method: .put, body: ByteBuffer(bytes: [UInt8](repeating: 7, count: 1000)))
            #expect(fits.status == .ok)
            let over = try await client.execute(uri: "\(base)/1/run/artifacts/over.bin", method: .put, body: ByteBuffer(bytes: [UInt8](repeating: 7, count: 1001)))
            #expect(over.status == .contentTooLarge)
            #expect(String(buffer: over.body).contains("--max-artifact-size"))
            let (_, listing) = try await client.get("\(base)?path=1/run/artifacts")
            #expect((listing["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == ["fits.bin"])
            // Chunked, without a Content-Length: the running count stops it (review finding).
            let streamed = try await client.execute(uri: "\(base)/1/run/artifacts/streamed.bin", method: .put, chunks: (0..<3).map { _ in ByteBuffer(bytes: [UInt8](repeating: 1, count: 400)) })
            #expect(streamed.status == .contentTooLarge)
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: fixture.artifactRoot.appendingPathComponent("1/run/artifacts").path)
            #expect(onDisk == ["fits.bin"], "no .upload- file is left behind")
        }
    }

    @Test("an upload below a file, or with a name the file system cannot hold, is a 400, not a 500 (schemathesis findings)")
    func uploadPathsTheDiskRefuses() async throws {
        try await RouteFixture().test { client in
            #expect(try await client.execute(uri: "\(base)/f1/a.txt", method: .put, body: ByteBuffer(string: "x")).status == .ok)
            let long = String(repeating: "x", count: 256), deep = Array(repeating: String(repeating: "y", count: 200), count: 25).joined(separator: "/")
            for (path, mentioning) in [("f1/a.txt/b.txt", "'f1/a.txt' is a file"), ("f2/\(long)", "at most 255 bytes"), ("f3/\(deep)", "at most 2048 bytes")] {
                let response = try await client.execute(uri: "\(base)/\(path)", method: .put, body: ByteBuffer(string: "y"))
                let body = RouterClient.object(response.body)
                #expect(response.status == .badRequest && body["error_code"] as? String == "INVALID_PARAMETER_VALUE", "\(path): \(body)")
                #expect((body["message"] as? String)?.contains(mentioning) == true, "\(body)")
            }
        }
    }

    /// One request per traversal pattern; each must be refused before touching the disk.
    @Test("paths that try to leave the artifact root are INVALID_PARAMETER_VALUE", arguments: [
        "../secret.txt",
        "a/../../secret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E%2Fsecret.txt",
        "a/%252e%252e/secret.txt",
        "..%5csecret.txt",
        "a\\..\\secret.txt",
        "/etc/passwd",
        "file:/etc/passwd",
        "C:/windows/win.ini",
        "a//b.txt",
        "./a.txt",
        "a%00.txt",
    ])
    func traversal(path: String) async throws {
        try await RouteFixture().test { client in
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let response = try await client.execute(uri: "\(base)/\(path)", method: method, body: ByteBuffer(string: "x"))
                #expect(response.status == .badRequest, "\(method) \(path)")
                #expect(String(buffer: response.body).contains("INVALID_PARAMETER_VALUE"), "\(method) \(path)")
            }
            let (listStatus, _) = try await client.get("\(base)?path=\(path)")
            #expect(listStatus == .badRequest, "list \(path)")
        }
    }

    @Test("a symbolic link inside the store is never followed")
    func symlink() async throws {
        let fixture = RouteFixture()
        try FileManager.default.createDirectory(at: fixture.artifactRoot, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.artifactRoot.path + "/escape", withDestinationPath: "/etc")
        try await fixture.test { client in
            expectMLflowError(try await client.get("\(base)/escape/hostname"), .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "symbolic link")
            let put = try await client.execute(uri: "\(base)/escape/planted.txt", method: .put, body: ByteBuffer(string: "x"))
            #expect(put.status == .badRequest)
            #expect(!FileManager.default.fileExists(atPath: "/etc/planted.txt"))
            let (listStatus, _) = try await client.get("\(base)?path=escape")
            #expect(listStatus == .badRequest)
        }
    }
}
