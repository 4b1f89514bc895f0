import AviaryCore

/// A relative artifact path that has been checked to stay inside its artifact root.
///
/// Rejected, with `INVALID_PARAMETER_VALUE`: absolute paths, `..` and `.` segments, empty
/// segments, backslashes, NUL bytes, Windows drive letters, `file:` URIs, and percent-escapes
/// left after the one decoding the server does (double-encoded `%252e%252e`). These are the
/// patterns behind MLflow's artifact traversal CVEs.
public struct ArtifactPath: Sendable, Equatable, CustomStringConvertible {
    /// The path's segments; empty for the root itself.
    public let segments: [String]

    /// Checks `raw` (already percent-decoded once); an empty string is the root.
    public init(_ raw: String) throws {
        func reject(_ rule: String) -> AviaryError {
            .invalid("Invalid artifact path '\(raw)': \(rule)")
        }
        if raw.isEmpty {
            segments = []
            return
        }
        if raw.contains("\0") { throw reject("it contains a NUL byte") }
        if raw.contains("\\") { throw reject("backslashes are not allowed; use '/'") }
        if raw.hasPrefix("/") { throw reject("it must be relative, not absolute") }
        let lowered = raw.lowercased()
        if lowered.hasPrefix("file:") || lowered.contains("://") { throw reject("URIs are not allowed; give a path relative to the artifact root") }
        if let first = raw.first, first.isLetter, raw.dropFirst().first == ":" { throw reject("drive letters are not allowed") }
        for escape in ["%2e", "%2f", "%5c", "%25", "%00"] where lowered.contains(escape) {
            throw reject("percent-encoded path characters are not allowed")
        }
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // One trailing slash names a directory; anything else empty is a '//'.
        let trimmed = parts.last == "" ? Array(parts.dropLast()) : parts
        for part in trimmed {
            if part.isEmpty { throw reject("empty path segments ('//') are not allowed") }
            if part == ".." || part == "." { throw reject("'..' and '.' segments are not allowed") }
            // File systems refuse longer names (ENAMETOOLONG): the client's input, not a store failure.
            if part.utf8.count > Self.maximumSegmentBytes { throw reject("a path segment may be at most \(Self.maximumSegmentBytes) bytes") }
        }
        if raw.utf8.count > Self.maximumBytes { throw reject("a path may be at most \(Self.maximumBytes) bytes") }
        segments = trimmed
    }

    /// The longest segment: a file name on Linux and macOS file systems.
    public static let maximumSegmentBytes = 255
    /// The longest path, leaving room under PATH_MAX (4,096) for the artifact root.
    public static let maximumBytes = 2048

    /// The segments joined with `/`.
    public var description: String { segments.joined(separator: "/") }
}
