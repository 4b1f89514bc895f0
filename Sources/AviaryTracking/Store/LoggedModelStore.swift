import AviaryCore

/// Persistence for MLflow 3 logged models and the run outputs that point at them.
public protocol LoggedModelStore: Sendable {
    /// Creates a pending model; the store decides its artifact location from the experiment's.
    func createLoggedModel(_ model: NewLoggedModel) async throws -> LoggedModel
    func loggedModel(id: String) async throws -> LoggedModel
    func finalizeLoggedModel(id: String, status: LoggedModelStatus, now: Int64) async throws -> LoggedModel
    func setLoggedModelTags(id: String, _ tags: [Tag], now: Int64) async throws
    func deleteLoggedModelTag(id: String, key: String) async throws
    func logLoggedModelParams(id: String, _ params: [Tag]) async throws
    func deleteLoggedModel(id: String) async throws
    func searchLoggedModels(_ query: LoggedModelQuery) async throws -> Page<LoggedModel>
    /// Records models a run produced.
    func logOutputs(runID: String, _ outputs: [ModelOutput]) async throws
}

/// A logged model to create, checked by `TrackingService`.
public struct NewLoggedModel: Sendable {
    public var id: String
    public var experimentID: String
    public var name: String
    public var modelType: String
    public var sourceRunID: String
    public var tags: [Tag]
    public var params: [Tag]
    public var now: Int64

    public init(id: String, experimentID: String, name: String, modelType: String, sourceRunID: String, tags: [Tag], params: [Tag], now: Int64) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.modelType = modelType
        self.sourceRunID = sourceRunID
        self.tags = tags
        self.params = params
        self.now = now
    }
}

/// A checked `logged-models/search`: equality filters on the fields `log_model` and the
/// artifact repositories use, newest first.
public struct LoggedModelQuery: Sendable {
    public var experimentIDs: [String]
    /// Field → value, all of which must match: `name`, `model_id`, `source_run_id`, `status`,
    /// `tags.<key>`, `params.<key>`.
    public var equalities: [(field: String, value: String)]
    public var maxResults: Int
    public var page: PageToken

    public init(experimentIDs: [String], equalities: [(field: String, value: String)], maxResults: Int, page: PageToken) {
        self.experimentIDs = experimentIDs
        self.equalities = equalities
        self.maxResults = maxResults
        self.page = page
    }
}
