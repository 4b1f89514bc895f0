import AviaryCore
import AviaryTracking

/// Persistence for registered models, versions, tags and aliases; every backend passes the
/// same contract tests. Each call is one transaction.
public protocol RegistryStore: Sendable {
    func createRegisteredModel(name: String, description: String, tags: [Tag], now: Int64) async throws -> RegisteredModel
    func registeredModel(named name: String) async throws -> RegisteredModel
    func renameRegisteredModel(_ name: String, to newName: String, now: Int64) async throws -> RegisteredModel
    func updateRegisteredModel(_ name: String, description: String, now: Int64) async throws -> RegisteredModel
    func deleteRegisteredModel(_ name: String) async throws
    func searchRegisteredModels(_ query: RegistryQuery) async throws -> Page<RegisteredModel>
    func setRegisteredModelTag(_ name: String, _ tag: Tag, now: Int64) async throws
    func deleteRegisteredModelTag(_ name: String, key: String) async throws
    func setAlias(_ name: String, alias: String, version: Int64, now: Int64) async throws
    func deleteAlias(_ name: String, alias: String) async throws
    func modelVersion(_ name: String, alias: String) async throws -> ModelVersion

    /// Creates the next version; numbers are never reused, even after deletes.
    func createModelVersion(_ version: NewModelVersion) async throws -> ModelVersion
    func modelVersion(_ name: String, version: Int64) async throws -> ModelVersion
    func updateModelVersion(_ name: String, version: Int64, description: String, now: Int64) async throws -> ModelVersion
    func deleteModelVersion(_ name: String, version: Int64) async throws
    func searchModelVersions(_ query: RegistryQuery) async throws -> Page<ModelVersion>
    /// Moves a version to `stage`; with `archiveExisting`, other versions in that stage go to Archived.
    func transitionStage(_ name: String, version: Int64, to stage: ModelStage, archiveExisting: Bool, now: Int64) async throws -> ModelVersion
    func setModelVersionTag(_ name: String, version: Int64, _ tag: Tag) async throws
    func deleteModelVersionTag(_ name: String, version: Int64, key: String) async throws
}

/// A version to create, checked by `RegistryService`.
public struct NewModelVersion: Sendable {
    public var name: String
    public var source: String
    public var runID: String
    public var runLink: String
    public var description: String
    public var userID: String
    public var tags: [Tag]
    public var modelID: String?
    public var storageLocation: String
    public var now: Int64

    public init(
        name: String, source: String, runID: String, runLink: String, description: String, userID: String, tags: [Tag],
        modelID: String?, storageLocation: String, now: Int64
    ) {
        self.name = name
        self.source = source
        self.runID = runID
        self.runLink = runLink
        self.description = description
        self.userID = userID
        self.tags = tags
        self.modelID = modelID
        self.storageLocation = storageLocation
        self.now = now
    }
}

/// A checked registry search (registered models or model versions).
public struct RegistryQuery: Sendable {
    public var filter: [RegistryComparison]
    public var orderBy: [RegistryOrder]
    public var maxResults: Int
    public var page: PageToken

    public init(filter: [RegistryComparison], orderBy: [RegistryOrder], maxResults: Int, page: PageToken) {
        self.filter = filter
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.page = page
    }
}
