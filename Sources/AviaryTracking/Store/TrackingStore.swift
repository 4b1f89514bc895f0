import AviaryCore

/// Persistence for experiments and runs. Every backend passes the same contract tests.
///
/// Stores enforce what needs the stored state (existence, lifecycle, param immutability) inside
/// one transaction per call; input shape and limits are checked beforehand by `TrackingService`.
public protocol TrackingStore: LoggedModelStore, Sendable {
    func createExperiment(name: String, artifactLocation: String?, tags: [Tag], now: Int64) async throws -> String
    func experiment(id: String) async throws -> Experiment
    func experiment(named name: String) async throws -> Experiment
    func searchExperiments(_ query: ExperimentQuery) async throws -> Page<Experiment>
    func renameExperiment(id: String, to newName: String, now: Int64) async throws
    func setExperimentLifecycle(id: String, to stage: LifecycleStage, now: Int64) async throws
    func setExperimentTag(id: String, _ tag: Tag) async throws
    func deleteExperimentTag(id: String, key: String) async throws

    func createRun(_ run: NewRun) async throws -> Run
    func run(id: String) async throws -> Run
    func updateRun(id: String, status: RunStatus?, endTime: Int64?, runName: String?) async throws -> RunInfo
    func setRunLifecycle(id: String, to stage: LifecycleStage, now: Int64) async throws
    /// Stores all of it or none of it.
    func logBatch(runID: String, metrics: [Metric], params: [Tag], tags: [Tag]) async throws
    func deleteTag(runID: String, key: String) async throws
    func logInputs(runID: String, inputs: [DatasetInput]) async throws
    /// Every value of one metric, ordered by timestamp, step and value (as mlflow server does).
    func metricHistory(runID: String, key: String, page: PageToken, limit: Int?) async throws -> Page<Metric>
    /// One metric's history reduced by `MetricDownsampler` to what a chart `columns` pixels wide
    /// can show; RESOURCE_DOES_NOT_EXIST for an unknown run.
    func metricSeries(runID: String, key: String, axis: MetricAxis, columns: Int) async throws -> MetricSeries
    func searchRuns(_ query: RunQuery) async throws -> Page<Run>
}

/// One page of search results and the token for the next, `nil` on the last page.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var nextPageToken: String?

    public init(items: [Element], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    public init(fetched: [Element], offset: Int, limit: Int) {
        if fetched.count > limit {
            self.items = Array(fetched.prefix(limit))
            self.nextPageToken = PageToken(offset: offset + limit).encoded
        } else {
            self.items = fetched
            self.nextPageToken = nil
        }
    }
}

/// A run to create, fully decided (id, name, artifact location) by `TrackingService`.
public struct NewRun: Sendable {
    public var id: String
    public var experimentID: String
    public var userID: String
    public var name: String
    public var startTime: Int64
    public var tags: [Tag]

    public init(id: String, experimentID: String, userID: String, name: String, startTime: Int64, tags: [Tag]) {
        self.id = id
        self.experimentID = experimentID
        self.userID = userID
        self.name = name
        self.startTime = startTime
        self.tags = tags
    }
}

/// A checked `runs/search` request.
public struct RunQuery: Sendable {
    public var experimentIDs: [String]
    public var filter: [RunComparison]
    public var orderBy: [RunOrder]
    public var viewType: ViewType
    public var maxResults: Int
    public var page: PageToken

    public init(
        experimentIDs: [String], filter: [RunComparison], orderBy: [RunOrder], viewType: ViewType,
        maxResults: Int, page: PageToken
    ) {
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.orderBy = orderBy
        self.viewType = viewType
        self.maxResults = maxResults
        self.page = page
    }
}

/// A checked `experiments/search` request.
public struct ExperimentQuery: Sendable {
    public var filter: [ExperimentComparison]
    public var orderBy: [ExperimentOrder]
    public var viewType: ViewType
    public var maxResults: Int
    public var page: PageToken

    public init(filter: [ExperimentComparison], orderBy: [ExperimentOrder], viewType: ViewType, maxResults: Int, page: PageToken) {
        self.filter = filter
        self.orderBy = orderBy
        self.viewType = viewType
        self.maxResults = maxResults
        self.page = page
    }
}
