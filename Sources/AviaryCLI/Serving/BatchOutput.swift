import Foundation

/// The destination of `aviary predict`: a file written through a temporary name and moved into
/// place when complete (no half-written predictions under the final name), or stdout.
final class BatchOutput {
    private let handle: FileHandle
    private let temporary: URL?
    private let destination: URL?

    init(path: String) throws {
        if path == "-" {
            handle = .standardOutput
            temporary = nil
            destination = nil
            return
        }
        let destination = URL(fileURLWithPath: path)
        let temporary = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil), let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw CommandFailure("Cannot write --output \(path): check that its directory exists and is writable")
        }
        self.handle = handle
        self.temporary = temporary
        self.destination = destination
    }

    func write(_ text: String) throws {
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Moves the finished file into place.
    func commit() throws {
        guard let temporary, let destination else { return }
        try handle.close()
        _ = try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
    }

    deinit {
        // Not committed: an error stopped the run, so the partial file goes.
        if let temporary, FileManager.default.fileExists(atPath: temporary.path) { try? FileManager.default.removeItem(at: temporary) }
    }
}
