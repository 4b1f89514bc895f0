/// An MLflow 3 logged model: a model's artifacts and metadata, created by `log_model` before
/// (and independently of) any registry version.
public struct LoggedModel: Sendable, Equatable {
    public var id: String
    public var experimentID: String
    public var name: String
    /// Where the model's files are (`<experiment artifact location>/models/<id>/artifacts`).
    public var artifactURI: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var status: LoggedModelStatus
    public var statusMessage: String
    public var modelType: String
    public var sourceRunID: String
    public var tags: [Tag]
    public var params: [Tag]
    /// Every metric value logged against this model.
    public var metrics: [Metric]

    public init(
        id: String, experimentID: String, name: String, artifactURI: String, creationTimestamp: Int64,
        lastUpdatedTimestamp: Int64, status: LoggedModelStatus, statusMessage: String, modelType: String,
        sourceRunID: String, tags: [Tag], params: [Tag], metrics: [Metric] = []
    ) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.artifactURI = artifactURI
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.status = status
        self.statusMessage = statusMessage
        self.modelType = modelType
        self.sourceRunID = sourceRunID
        self.tags = tags
        self.params = params
        self.metrics = metrics
    }
}

/// Upload state of a logged model.
public enum LoggedModelStatus: String, Sendable, Codable, CaseIterable {
    case unspecified = "LOGGED_MODEL_STATUS_UNSPECIFIED"
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case uploadFailed = "LOGGED_MODEL_UPLOAD_FAILED"
}

/// A model a run produced, at a step (MLflow's `ModelOutput`).
public struct ModelOutput: Sendable, Equatable {
    public var modelID: String
    public var step: Int64

    public init(modelID: String, step: Int64) {
        self.modelID = modelID
        self.step = step
    }
}
