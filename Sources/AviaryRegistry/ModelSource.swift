import AviaryCore
import Foundation

/// Checks where a model version says its files are, before the registry stores it.
///
/// Refused, with `INVALID_PARAMETER_VALUE`: `..` segments (also when percent-encoded once,
/// twice or three times), backslashes, NUL bytes, and local files (`file:` URIs or bare paths,
/// e.g. `//proc/self/root/…`) outside the server's artifact root. These are the patterns of
/// MLflow's CVE-2023-1177, CVE-2023-2356, CVE-2023-6977 and CVE-2025-11201, where a crafted
/// source let a client read the server's files through the registry.
public enum ModelSource {
    /// Schemes whose paths are resolved by the artifact proxy, the registry or a remote store,
    /// never as this server's local files.
    static let remoteSchemes: Set<String> = [
        "mlflow-artifacts", "runs", "models", "s3", "gs", "wasbs", "abfss", "hdfs", "dbfs", "http", "https",
    ]

    /// Validates `source`; `artifactRoot` is the local directory file sources must stay inside.
    public static func validate(_ source: String, artifactRoot: String) throws {
        func reject(_ rule: String) -> AviaryError {
            .invalid("Invalid model version source '\(source)': \(rule)")
        }
        if source.isEmpty { throw reject("it must not be empty") }
        for form in decodedForms(of: source) {
            if form.contains("\0") { throw reject("it contains a NUL byte") }
            if form.contains("\\") { throw reject("backslashes are not allowed") }
            let path = form.split(separator: "?", maxSplits: 1).first.map(String.init) ?? form
            if path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." }) {
                throw reject("'..' path segments are not allowed")
            }
        }
        let scheme = Self.scheme(of: source)
        if let scheme, remoteSchemes.contains(scheme) { return }
        if let scheme, scheme != "file" { throw reject("the scheme '\(scheme):' is not supported") }
        // A local file: only inside the artifact root.
        var path = scheme == "file" ? String(source.dropFirst("file:".count)) : source
        while path.hasPrefix("//") { path.removeFirst() }
        let root = artifactRoot.hasSuffix("/") ? artifactRoot : artifactRoot + "/"
        guard path.hasPrefix(root) else {
            throw reject("local paths must lie inside the artifact store (\(artifactRoot)); upload the model as an artifact and register its mlflow-artifacts:/ or runs:/ URI")
        }
    }

    /// The URI scheme, lower-cased, or `nil` for a bare path.
    static func scheme(of source: String) -> String? {
        guard let colon = source.firstIndex(of: ":") else { return nil }
        let candidate = source[..<colon]
        guard let first = candidate.first, first.isLetter,
              candidate.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return candidate.lowercased()
    }

    /// The source and up to three rounds of percent-decoding of it.
    static func decodedForms(of source: String) -> [String] {
        var forms = [source]
        var current = source
        for _ in 0..<3 {
            guard let decoded = current.removingPercentEncoding, decoded != current else { break }
            forms.append(decoded)
            current = decoded
        }
        return forms
    }
}
