import AviaryCore
import Foundation

/// A file in the tracking server's artifact store named by URI, `runs:/RUN_ID/PATH` or
/// `mlflow-artifacts:/PATH`, fetched through its artifact proxy: how a deployment spec sent
/// through the API names reference data and quality suites without naming a host path.
struct ArtifactReference {
    let uri: String

    /// Whether `text` names something the server holds rather than a path on its disk: a model
    /// URI (`models:/…`, `runs:/…`) when `models`, otherwise an artifact URI (`runs:/…`,
    /// `mlflow-artifacts:/…`). `..` segments, backslashes and percent-escapes are refused so the
    /// URI cannot climb out of the store once it becomes a path.
    static func isServerHeld(_ text: String, models: Bool) -> Bool {
        let schemes = models ? ["models:/", "runs:/"] : ["runs:/", "mlflow-artifacts:/"]
        guard let scheme = schemes.first(where: text.hasPrefix) else { return false }
        let rest = text.dropFirst(scheme.count)
        return !rest.isEmpty && !rest.contains("\\") && !rest.contains("%") && !rest.split(separator: "/").contains("..")
    }

    /// The file's bytes; errors say which URI and why.
    func fetch(using tracking: TrackingServerOptions) async throws -> Data {
        let client = try tracking.client
        var path: String
        if uri.hasPrefix("mlflow-artifacts:") {
            path = String(uri.dropFirst("mlflow-artifacts:".count))
        } else {
            let rest = uri.dropFirst("runs:/".count)
            guard let slash = rest.firstIndex(of: "/"), rest.index(after: slash) < rest.endIndex else {
                throw AviaryError.invalid("'\(uri)' must be runs:/RUN_ID/PATH, e.g. runs:/0a1b…/reference.csv")
            }
            let run = try await client.get("api/2.0/mlflow/runs/get", ["run_id": String(rest[..<slash])])["run"] as? [String: Any]
            guard let root = (run?["info"] as? [String: Any])?["artifact_uri"] as? String, root.hasPrefix("mlflow-artifacts:") else {
                throw AviaryError.invalid("'\(uri)': the run's artifacts are not in this server's artifact store")
            }
            path = "\(root.dropFirst("mlflow-artifacts:".count))/\(rest[rest.index(after: slash)...])"
        }
        while path.hasPrefix("/") { path.removeFirst() }
        return try await client.download("api/2.0/mlflow-artifacts/artifacts/\(path)")
    }
}
