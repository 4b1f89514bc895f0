import AviaryCore

/// What a run search compares or sorts on.
public enum RunSearchKey: Sendable, Equatable {
    case metric(String)
    case param(String)
    case tag(String)
    case attribute(RunAttribute)
    case dataset(DatasetAttribute)

    /// Resolves `entity.key` as MLflow does, accepting its singular, plural and short forms.
    static func resolve(entity: String?, key: String, source: String) throws -> RunSearchKey {
        switch entity?.lowercased() {
        case "metric", "metrics": return .metric(key)
        case "param", "params", "parameter", "parameters": return .param(key)
        case "tag", "tags": return .tag(key)
        case "attribute", "attributes", "attr", "run", nil:
            guard let attribute = RunAttribute(name: key) else {
                throw AviaryError.invalid(
                    "Invalid attribute key '\(key)' in '\(source)': valid attributes are \(RunAttribute.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return .attribute(attribute)
        case "dataset", "datasets":
            guard let attribute = DatasetAttribute(rawValue: key) else {
                throw AviaryError.invalid("Invalid dataset key '\(key)' in '\(source)': valid keys are name, digest, context")
            }
            return .dataset(attribute)
        default:
            throw AviaryError.invalid(
                "Invalid identifier '\(entity ?? "").\(key)' in '\(source)': use 'metrics.<key>', 'params.<key>', 'tags.<key>', 'attributes.<key>' or 'datasets.<key>'"
            )
        }
    }
}

/// Run attributes a search may use.
public enum RunAttribute: String, Sendable, CaseIterable {
    case runID = "run_id"
    case runName = "run_name"
    case status
    case userID = "user_id"
    case artifactURI = "artifact_uri"
    case startTime = "start_time"
    case endTime = "end_time"

    init?(name: String) {
        switch name {
        case "created", "Created": self = .startTime
        case "run name", "Run name", "Run Name": self = .runName
        default: self.init(rawValue: name)
        }
    }

    /// Whether the attribute holds a millisecond timestamp rather than text.
    public var isNumeric: Bool { self == .startTime || self == .endTime }
}

/// Dataset fields a run search may filter on.
public enum DatasetAttribute: String, Sendable {
    case name
    case digest
    /// The `mlflow.data.context` tag of the dataset input (training, eval…).
    case context
}
