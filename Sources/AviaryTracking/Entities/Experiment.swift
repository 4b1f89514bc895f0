/// An experiment: a named group of runs with its own artifact location and tags.
public struct Experiment: Sendable, Equatable {
    public var id: String
    public var name: String
    public var artifactLocation: String
    public var lifecycleStage: LifecycleStage
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var tags: [Tag]

    public init(
        id: String, name: String, artifactLocation: String, lifecycleStage: LifecycleStage,
        creationTime: Int64, lastUpdateTime: Int64, tags: [Tag]
    ) {
        self.id = id
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.tags = tags
    }

    /// The experiment every MLflow server starts with.
    public static let defaultID = "0"
    /// Its name.
    public static let defaultName = "Default"
}

/// A key/value tag on an experiment or run; also used for params and dataset-input tags.
public struct Tag: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
