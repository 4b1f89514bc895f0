/// A run with its metadata, latest metrics, params, tags and dataset inputs.
public struct Run: Sendable, Equatable {
    public var info: RunInfo
    public var metrics: [Metric]
    public var params: [Tag]
    public var tags: [Tag]
    public var inputs: [DatasetInput]
    /// Logged models the run produced.
    public var outputs: [ModelOutput]

    public init(info: RunInfo, metrics: [Metric], params: [Tag], tags: [Tag], inputs: [DatasetInput], outputs: [ModelOutput] = []) {
        self.info = info
        self.metrics = metrics
        self.params = params
        self.tags = tags
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A run's metadata (MLflow's `RunInfo`).
public struct RunInfo: Sendable, Equatable {
    public var runID: String
    public var runName: String
    public var experimentID: String
    public var userID: String
    public var status: RunStatus
    public var startTime: Int64?
    public var endTime: Int64?
    public var artifactURI: String
    public var lifecycleStage: LifecycleStage

    public init(
        runID: String, runName: String, experimentID: String, userID: String, status: RunStatus,
        startTime: Int64?, endTime: Int64?, artifactURI: String, lifecycleStage: LifecycleStage
    ) {
        self.runID = runID
        self.runName = runName
        self.experimentID = experimentID
        self.userID = userID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.artifactURI = artifactURI
        self.lifecycleStage = lifecycleStage
    }

    /// The tag MLflow mirrors the run name into.
    public static let runNameTag = "mlflow.runName"
}

/// One logged metric value.
///
/// `value` may be NaN or ±infinity; stores keep them exactly.
public struct Metric: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64
    /// The MLflow 3 logged model the value describes, if any.
    public var modelID: String?
    /// The dataset the value was computed on, if any.
    public var datasetName: String?
    public var datasetDigest: String?

    public init(
        key: String, value: Double, timestamp: Int64, step: Int64, modelID: String? = nil, datasetName: String? = nil,
        datasetDigest: String? = nil
    ) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
        self.modelID = modelID
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }

    public static func == (lhs: Metric, rhs: Metric) -> Bool {
        lhs.key == rhs.key && lhs.timestamp == rhs.timestamp && lhs.step == rhs.step
            && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
            && lhs.modelID == rhs.modelID && lhs.datasetName == rhs.datasetName && lhs.datasetDigest == rhs.datasetDigest
    }
}

/// A dataset a run consumed, with the input's own tags (e.g. `mlflow.data.context`).
public struct DatasetInput: Sendable, Equatable {
    public var dataset: Dataset
    public var tags: [Tag]

    public init(dataset: Dataset, tags: [Tag]) {
        self.dataset = dataset
        self.tags = tags
    }
}

/// A dataset identified by name and digest within an experiment (MLflow's `Dataset`).
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?

    public init(name: String, digest: String, sourceType: String, source: String, schema: String?, profile: String?) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}
