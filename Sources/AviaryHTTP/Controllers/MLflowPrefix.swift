/// The two prefixes MLflow's REST API is served under: `/api/2.0`, and `/ajax-api/2.0`, which
/// MLflow's own web UI calls and which answers the same.
public enum MLflowPrefix: String, Sendable, CaseIterable {
    case api = "api/2.0"
    case ajax = "ajax-api/2.0"

    /// Where the tracking, registry and logged-model APIs are mounted: `api/2.0/mlflow`.
    public var mlflow: String { "\(rawValue)/mlflow" }
    /// Where the artifact proxy is mounted: `api/2.0/mlflow-artifacts`.
    public var artifacts: String { "\(rawValue)/mlflow-artifacts" }
}
