import AviaryCore
import AviaryTracking
import Foundation

/// The model registry API as MLflow defines it, in front of any `RegistryStore`.
///
/// It checks names, aliases, tags, versions and sources (see `ModelSource`), and resolves a
/// version's download location through the tracking service.
public struct RegistryService: Sendable {
    /// Default and largest `max_results` of `registered-models/search`.
    public static let registeredModelResults = (default: 100, limit: 1000)
    /// Default and largest `max_results` of `model-versions/search`.
    public static let modelVersionResults = (default: 10_000, limit: 200_000)
    /// Longest registry tag value.
    public static let maxTagValueLength = 100_000
    /// Longest alias.
    public static let maxAliasLength = 255

    public let store: any RegistryStore
    let tracking: TrackingService
    /// Local directory that file sources must stay inside.
    let artifactRoot: String

    public init(store: any RegistryStore, tracking: TrackingService, artifactRoot: String) {
        self.store = store
        self.tracking = tracking
        self.artifactRoot = artifactRoot
    }

    // MARK: Registered models

    /// Creates an empty registered model; RESOURCE_ALREADY_EXISTS if the name is taken.
    public func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel {
        try Self.validateModelName(name)
        try Self.validateTags(tags)
        return try await store.createRegisteredModel(name: name, description: description ?? "", tags: tags, now: Clock.nowMillis())
    }

    /// The model with its tags, aliases and newest version per stage.
    public func registeredModel(named name: String) async throws -> RegisteredModel {
        try Self.validateModelName(name)
        return try await store.registeredModel(named: name)
    }

    /// Renames a model; its versions, tags and aliases follow.
    public func renameRegisteredModel(_ name: String, to newName: String) async throws -> RegisteredModel {
        try Self.validateModelName(name)
        try Self.validateModelName(newName, field: "new_name")
        return try await store.renameRegisteredModel(name, to: newName, now: Clock.nowMillis())
    }

    /// Replaces the model's description.
    public func updateRegisteredModel(_ name: String, description: String?) async throws -> RegisteredModel {
        try Self.validateModelName(name)
        return try await store.updateRegisteredModel(name, description: description ?? "", now: Clock.nowMillis())
    }

    /// Deletes a model with all its versions, tags and aliases.
    public func deleteRegisteredModel(_ name: String) async throws {
        try Self.validateModelName(name)
        try await store.deleteRegisteredModel(name)
    }

    /// Searches models by name and tags (MLflow's grammar), ordered by name unless told otherwise.
    public func searchRegisteredModels(filter: String?, orderBy: [String], maxResults: Int64?, pageToken: String?) async throws -> Page<RegisteredModel> {
        let limits = Self.registeredModelResults
        return try await store.searchRegisteredModels(RegistryQuery(
            filter: try RegistryFilter.parse(filter ?? "", for: .registeredModels),
            orderBy: try RegistryFilter.parseOrder(orderBy, for: .registeredModels),
            maxResults: try Validation.validateMaxResults(maxResults ?? Int64(limits.default), limit: limits.limit),
            page: try PageToken(decoding: pageToken)
        ))
    }

    /// The newest version in each of `stages` (all stages when empty).
    public func latestVersions(_ name: String, stages: [String]) async throws -> [ModelVersion] {
        let wanted = try stages.map { stage in
            guard let parsed = ModelStage(name: stage) else { throw Self.invalidStage(stage) }
            return parsed
        }
        let model = try await registeredModel(named: name)
        return model.latestVersions.filter { wanted.isEmpty || wanted.contains($0.currentStage) }
    }

    /// Sets (or replaces) a tag on a model.
    public func setRegisteredModelTag(_ name: String, _ tag: Tag) async throws {
        try Self.validateModelName(name)
        try Self.validateTags([tag])
        try await store.setRegisteredModelTag(name, tag, now: Clock.nowMillis())
    }

    /// Removes a tag from a model.
    public func deleteRegisteredModelTag(_ name: String, key: String) async throws {
        try Self.validateModelName(name)
        try await store.deleteRegisteredModelTag(name, key: key)
    }

    // MARK: Aliases

    /// Points `alias` at `version`, moving it if it pointed elsewhere.
    public func setAlias(_ name: String, alias: String, version: String) async throws {
        try Self.validateModelName(name)
        try Self.validateAlias(alias)
        try await store.setAlias(name, alias: alias, version: try Self.versionNumber(version), now: Clock.nowMillis())
    }

    /// Removes an alias; the version it pointed at stays.
    public func deleteAlias(_ name: String, alias: String) async throws {
        try Self.validateModelName(name)
        try Self.validateAlias(alias)
        try await store.deleteAlias(name, alias: alias)
    }

    /// The version an alias points at; INVALID_PARAMETER_VALUE for an unknown alias (as mlflow server).
    public func modelVersion(_ name: String, alias: String) async throws -> ModelVersion {
        try Self.validateModelName(name)
        return try await store.modelVersion(name, alias: alias)
    }

    // MARK: Model versions

    /// Registers the next version of a model from `source`.
    ///
    /// A `runs:/RUN/PATH` source must name `runID`; a `models:/m-…` source takes its run and
    /// model id from the logged model. Either is resolved to the concrete storage location.
    public func createModelVersion(
        name: String, source: String, runID: String?, runLink: String?, description: String?, tags: [Tag], modelID: String?
    ) async throws -> ModelVersion {
        try Self.validateModelName(name)
        try ModelSource.validate(source, artifactRoot: artifactRoot)
        try Self.validateTags(tags)
        var runID = runID.nonEmpty ?? ""
        var modelID = modelID.nonEmpty
        let storageLocation: String
        if let sourceRun = Self.runID(fromRunsURI: source) {
            guard sourceRun == runID else {
                throw AviaryError.invalid(
                    "Invalid model version source: '\(source)'. The run_id request parameter must identify the resource that contains the source."
                )
            }
            storageLocation = try await resolveRunsURI(source, runID: runID)
        } else if let loggedModelID = Self.loggedModelID(fromModelsURI: source) {
            // log_model(registered_model_name=…) registers models:/m-…; keep where its files are.
            let loggedModel = try await tracking.loggedModel(id: loggedModelID)
            storageLocation = loggedModel.artifactURI
            modelID = modelID ?? loggedModel.id
            if runID.isEmpty { runID = loggedModel.sourceRunID }
        } else {
            storageLocation = source
        }
        return try await store.createModelVersion(NewModelVersion(
            name: name, source: source, runID: runID, runLink: runLink ?? "", description: description ?? "",
            userID: "", tags: tags, modelID: modelID, storageLocation: storageLocation, now: Clock.nowMillis()
        ))
    }

    /// One version; RESOURCE_DOES_NOT_EXIST if the model or version is missing.
    public func modelVersion(_ name: String, version: String) async throws -> ModelVersion {
        try Self.validateModelName(name)
        return try await store.modelVersion(name, version: try Self.versionNumber(version))
    }

    /// Replaces a version's description.
    public func updateModelVersion(_ name: String, version: String, description: String?) async throws -> ModelVersion {
        try Self.validateModelName(name)
        return try await store.updateModelVersion(name, version: try Self.versionNumber(version), description: description ?? "", now: Clock.nowMillis())
    }

    /// Deletes a version and the aliases pointing at it; its number is not reused.
    public func deleteModelVersion(_ name: String, version: String) async throws {
        try Self.validateModelName(name)
        try await store.deleteModelVersion(name, version: try Self.versionNumber(version))
    }

    /// Searches versions by name, version_number, run_id, source_path and tags; newest-updated first by default.
    public func searchModelVersions(filter: String?, orderBy: [String], maxResults: Int64?, pageToken: String?) async throws -> Page<ModelVersion> {
        let limits = Self.modelVersionResults
        return try await store.searchModelVersions(RegistryQuery(
            filter: try RegistryFilter.parse(filter ?? "", for: .modelVersions),
            orderBy: try RegistryFilter.parseOrder(orderBy, for: .modelVersions),
            maxResults: try Validation.validateMaxResults(maxResults ?? Int64(limits.default), limit: limits.limit),
            page: try PageToken(decoding: pageToken)
        ))
    }

    /// Moves a version to a stage (None, Staging, Production, Archived; any case).
    public func transitionStage(_ name: String, version: String, stage: String, archiveExistingVersions: Bool) async throws -> ModelVersion {
        try Self.validateModelName(name)
        guard let target = ModelStage(name: stage) else { throw Self.invalidStage(stage) }
        return try await store.transitionStage(
            name, version: try Self.versionNumber(version), to: target, archiveExisting: archiveExistingVersions, now: Clock.nowMillis()
        )
    }

    /// Sets (or replaces) a tag on a version.
    public func setModelVersionTag(_ name: String, version: String, _ tag: Tag) async throws {
        try Self.validateModelName(name)
        try Self.validateTags([tag])
        try await store.setModelVersionTag(name, version: try Self.versionNumber(version), tag)
    }

    /// Removes a tag from a version.
    public func deleteModelVersionTag(_ name: String, version: String, key: String) async throws {
        try Self.validateModelName(name)
        try await store.deleteModelVersionTag(name, version: try Self.versionNumber(version), key: key)
    }

    /// The concrete artifact location of a version: a `runs:/RUN/PATH` source resolves to the
    /// run's artifact URI plus PATH, so clients download from the store, not through a redirect.
    public func downloadURI(_ name: String, version: String) async throws -> String {
        try await modelVersion(name, version: version).storageLocation
    }

    private func resolveRunsURI(_ source: String, runID: String) async throws -> String {
        let run = try await tracking.run(id: runID)
        let path = source.dropFirst("runs:/\(runID)".count).drop(while: { $0 == "/" })
        return path.isEmpty ? run.info.artifactURI : "\(run.info.artifactURI)/\(path)"
    }

    /// A version with the run, experiment and datasets that produced it.
    ///
    /// A version outlives what it names: its logged model or run may have been deleted, or never
    /// existed (`model-versions/create` takes any id, as in MLflow). Those parts are then left
    /// out; only a version that does not exist is a 404.
    public func lineage(_ name: String, version: String) async throws -> ModelLineage {
        let modelVersion = try await modelVersion(name, version: version)
        let loggedModel = try await modelVersion.modelID.asyncFlatMap { id in try await Self.unlessMissing { try await tracking.loggedModel(id: id) } }
        guard !modelVersion.runID.isEmpty, let run = try await Self.unlessMissing({ try await tracking.run(id: modelVersion.runID) }) else {
            return ModelLineage(version: modelVersion, loggedModel: loggedModel, run: nil, experiment: nil)
        }
        let experiment = try await Self.unlessMissing { try await tracking.experiment(id: run.info.experimentID) }
        return ModelLineage(version: modelVersion, loggedModel: loggedModel, run: run, experiment: experiment)
    }

    /// `load()`, or nil when what it loads does not exist.
    private static func unlessMissing<Value>(_ load: () async throws -> Value) async throws -> Value? {
        do {
            return try await load()
        } catch let error as AviaryError where error.code == .resourceDoesNotExist {
            return nil
        }
    }

    // MARK: Rules

    /// `m-…` from `models:/m-…`, the URI of an MLflow 3 logged model.
    static func loggedModelID(fromModelsURI source: String) -> String? {
        guard source.hasPrefix("models:/m-") else { return nil }
        let id = source.dropFirst("models:/".count).split(separator: "/").first.map(String.init)
        return id
    }

    static func runID(fromRunsURI source: String) -> String? {
        guard source.hasPrefix("runs:/") else { return nil }
        let id = source.dropFirst("runs:/".count).split(separator: "/").first.map(String.init)
        return id.nonEmpty
    }

    static func validateModelName(_ name: String, field: String = "name") throws {
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw AviaryError.invalid("Missing value for required parameter '\(field)'. See the API docs for more information about request parameters.")
        }
        if name.contains("/") || name.contains(":") {
            throw AviaryError.invalid("Invalid model name '\(name)' in field '\(field)'. Names cannot contain '/' or ':'.")
        }
        if name == "." || name == ".." {
            throw AviaryError.invalid("Invalid model name '\(name)' in field '\(field)': it may become a path, so it must not be '.' or '..'.")
        }
    }

    static func validateAlias(_ alias: String) throws {
        if alias.isEmpty { throw AviaryError.invalid("Registered model alias name cannot be empty.") }
        let allowed = alias.unicodeScalars.allSatisfy { $0 == "_" || $0 == "-" || $0.properties.isAlphabetic || $0.properties.numericType == .decimal }
        if !allowed {
            throw AviaryError.invalid("Invalid alias name: '\(alias)'. Names may only contain alphanumerics, underscores (_) and dashes (-).")
        }
        if alias.count > maxAliasLength {
            throw AviaryError.invalid("Registered model alias name '\(alias.prefix(40))...' is \(alias.count) characters long; the limit is \(maxAliasLength).")
        }
        if alias.lowercased() == "latest" {
            throw AviaryError.invalid("'latest' alias name (case insensitive) is reserved.")
        }
        if alias.count > 1, alias.first == "v" || alias.first == "V", alias.dropFirst().allSatisfy(\.isNumber) {
            throw AviaryError.invalid("Version alias name '\(alias)' is reserved.")
        }
    }

    static func validateTags(_ tags: [Tag]) throws {
        for tag in tags {
            try Validation.validateKey(tag.key, kind: "tag", field: "tags.key")
            try Validation.validateLength(tag.value, max: maxTagValueLength, field: "tags.value")
        }
    }

    static func versionNumber(_ version: String) throws -> Int64 {
        guard let number = Int64(version), number > 0 else {
            throw AviaryError.invalid("Parameter 'version' must be an integer, got '\(version)'.")
        }
        return number
    }

    static func invalidStage(_ stage: String) -> AviaryError {
        .invalid("Invalid Model Version stage: \(stage). Value must be one of \(ModelStage.allCases.map(\.rawValue).joined(separator: ", ")).")
    }
}
