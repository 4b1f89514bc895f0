import AviaryTracking

/// A named model in the registry, with its versions' aliases and tags.
public struct RegisteredModel: Sendable, Equatable {
    public var name: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var description: String
    public var tags: [Tag]
    /// Alias → version number, e.g. `champion` → 3.
    public var aliases: [ModelAlias]
    /// The newest version in each stage (what MLflow reports as `latest_versions`).
    public var latestVersions: [ModelVersion]

    public init(
        name: String, creationTimestamp: Int64, lastUpdatedTimestamp: Int64, description: String, tags: [Tag],
        aliases: [ModelAlias], latestVersions: [ModelVersion]
    ) {
        self.name = name
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.description = description
        self.tags = tags
        self.aliases = aliases
        self.latestVersions = latestVersions
    }
}

/// A movable name for one version of a registered model (`champion`, `challenger`).
public struct ModelAlias: Sendable, Equatable {
    public var alias: String
    public var version: Int64

    public init(alias: String, version: Int64) {
        self.alias = alias
        self.version = version
    }
}

/// One version of a registered model: where its files are and which run produced it.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    public var version: Int64
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var userID: String
    public var currentStage: ModelStage
    public var description: String
    /// The model's artifact location as registered (e.g. `mlflow-artifacts:/1/<run>/artifacts/model`).
    public var source: String
    public var runID: String
    public var runLink: String
    public var tags: [Tag]
    public var aliases: [String]
    /// The MLflow 3 logged model this version was promoted from, if any.
    public var modelID: String?
    /// Where the files are: `source` with `runs:/` and `models:/m-…` resolved to the artifact store.
    public var storageLocation: String

    public init(
        name: String, version: Int64, creationTimestamp: Int64, lastUpdatedTimestamp: Int64, userID: String,
        currentStage: ModelStage, description: String, source: String, runID: String, runLink: String, tags: [Tag],
        aliases: [String], modelID: String?, storageLocation: String
    ) {
        self.name = name
        self.version = version
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
        self.userID = userID
        self.currentStage = currentStage
        self.description = description
        self.source = source
        self.runID = runID
        self.runLink = runLink
        self.tags = tags
        self.aliases = aliases
        self.modelID = modelID
        self.storageLocation = storageLocation
    }
}

/// MLflow's (deprecated but still used) version stages.
public enum ModelStage: String, Sendable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Parses a stage name case-insensitively, as MLflow does.
    public init?(name: String) {
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = stage
    }
}
