import AviaryCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry of an artifact directory listing.
public struct ArtifactEntry: Sendable, Equatable {
    /// The entry's name within the listed directory.
    public var name: String
    public var isDirectory: Bool
    /// Size in bytes; `nil` for directories.
    public var size: Int64?
}

/// Artifacts as files under one root directory.
///
/// Every path goes through `ArtifactPath` and is then walked segment by segment: a symbolic link
/// anywhere below the root is refused, so a link planted in the store cannot lead outside it.
public struct LocalArtifactStore: Sendable {
    /// Absolute, symlink-free path of the root directory.
    public let root: String

    /// Opens the store, creating `root` when missing.
    public init(root: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw AviaryError(.invalidState, "Cannot create the artifact directory '\(root)': \((error as NSError).localizedDescription)")
        }
        guard let resolved = realpath(root, nil) else {
            throw AviaryError(.internalError, "Cannot resolve artifact root '\(root)'")
        }
        self.root = String(cString: resolved)
        free(resolved)
    }

    /// The file-system path of `path`, confined to the root.
    /// - Parameter creatingParents: create missing parent directories (for uploads).
    public func location(of path: ArtifactPath, creatingParents: Bool = false) throws -> String {
        var created: [String] = []
        return try location(of: path, creatingParents: creatingParents, created: &created)
    }

    /// `location(of:creatingParents:)`, listing the directories it created, outermost first.
    private func location(of path: ArtifactPath, creatingParents: Bool, created: inout [String]) throws -> String {
        var current = root
        for (index, segment) in path.segments.enumerated() {
            current += "/" + segment
            var info = stat()
            if lstat(current, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFLNK {
                    throw AviaryError.invalid("Invalid artifact path '\(path)': it passes through a symbolic link")
                }
                if creatingParents, index < path.segments.count - 1, (info.st_mode & S_IFMT) != S_IFDIR {
                    let parent = path.segments[...index].joined(separator: "/")
                    throw AviaryError.invalid("Invalid artifact path '\(path)': '\(parent)' is a file, not a directory")
                }
            } else if creatingParents, index < path.segments.count - 1 {
                if mkdir(current, 0o755) == 0 {
                    created.append(current)
                } else if errno != EEXIST {
                    throw AviaryError(.internalError, "Cannot create artifact directory '\(path)'")
                }
            }
        }
        return current
    }

    /// Lists the entries of a directory, sorted by name; a missing directory or a file lists as empty.
    public func list(_ path: ArtifactPath) throws -> [ArtifactEntry] {
        let directory = try location(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return []
        }
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted().compactMap { name in
            if name.hasPrefix(".upload-") { return nil }
            var info = stat()
            guard lstat(directory + "/" + name, &info) == 0 else { return nil }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { return ArtifactEntry(name: name, isDirectory: true, size: nil) }
            if kind == S_IFREG { return ArtifactEntry(name: name, isDirectory: false, size: Int64(info.st_size)) }
            return nil  // links and devices are not artifacts
        }
    }

    /// The path of an existing regular file, or `RESOURCE_DOES_NOT_EXIST`.
    public func existingFile(_ path: ArtifactPath) throws -> String {
        let location = try location(of: path)
        var info = stat()
        guard !path.segments.isEmpty, lstat(location, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw AviaryError.notFound("Artifact '\(path)' does not exist or is not a file")
        }
        return location
    }

    /// A temporary file beside `path` for an upload; `commitUpload` moves it into place so that
    /// readers never see a half-written artifact. `synced` lists the directories whose entries
    /// the upload adds, deepest first: each must be fsynced for the file to outlive a power loss.
    public func uploadLocation(for path: ArtifactPath) throws -> (temporary: String, final: String, synced: [String]) {
        guard !path.segments.isEmpty else { throw AviaryError.invalid("Invalid artifact path '': a file name is required") }
        var created: [String] = []
        let final = try location(of: path, creatingParents: true, created: &created)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: final, isDirectory: &isDirectory), isDirectory.boolValue {
            throw AviaryError.invalid("Invalid artifact path '\(path)': it is a directory")
        }
        let directory = String(final[..<(final.lastIndex(of: "/") ?? final.startIndex)])
        // The file's directory, then the parent of every directory this upload created.
        let parents = created.map { String($0[..<($0.lastIndex(of: "/") ?? $0.startIndex)]) }
        return ("\(directory)/.upload-\(Identifiers.newRunID())", final, [directory] + parents.reversed())
    }

    /// Moves a finished upload into place atomically.
    public func commitUpload(temporary: String, final: String) throws {
        guard rename(temporary, final) == 0 else {
            unlink(temporary)
            throw AviaryError(.internalError, "Cannot store artifact: \(String(cString: strerror(errno)))")
        }
    }

    /// Deletes a file or a directory tree; a missing path is not an error.
    public func delete(_ path: ArtifactPath) throws {
        guard !path.segments.isEmpty else { throw AviaryError.invalid("Refusing to delete the artifact root") }
        let location = try location(of: path)
        if FileManager.default.fileExists(atPath: location) {
            try FileManager.default.removeItem(atPath: location)
        }
    }
}
