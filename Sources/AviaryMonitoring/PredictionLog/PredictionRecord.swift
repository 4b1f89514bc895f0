/// One scored request as the prediction log keeps it: who answered, with what, how fast.
///
/// Inputs and outputs are kept as numbers, not text: the request path only copies them, and
/// the log stores them as binary float64, so logging costs little next to scoring.
public struct PredictionRecord: Sendable, Equatable {
    /// The id returned to the caller in `X-Request-Id`; feedback refers to it.
    public var requestID: String
    public var deployment: String
    public var variant: String
    public var modelVersion: String
    /// A shadow's record: scored, never returned.
    public var shadow: Bool
    /// Milliseconds since 1970.
    public var timestamp: Int64
    public var latencyMicroseconds: Int64
    /// The input column names as a JSON array (one string shared by every record of a model).
    public var columns: String
    /// The feature rows, row-major; `NaN` marks a missing value.
    public var features: [Double]
    /// The predictions as returned, row-major, `outputWidth` per row.
    public var outputs: [Double]
    public var outputWidth: Int
    /// Outputs computed in float32 (XGBoost) are written back as `Float`, as the answer was.
    public var float32: Bool

    public init(
        requestID: String, deployment: String, variant: String, modelVersion: String, shadow: Bool, timestamp: Int64,
        latencyMicroseconds: Int64, columns: String, features: [Double], outputs: [Double], outputWidth: Int, float32: Bool
    ) {
        self.requestID = requestID
        self.deployment = deployment
        self.variant = variant
        self.modelVersion = modelVersion
        self.shadow = shadow
        self.timestamp = timestamp
        self.latencyMicroseconds = latencyMicroseconds
        self.columns = columns
        self.features = features
        self.outputs = outputs
        self.outputWidth = outputWidth
        self.float32 = float32
    }

    /// Rows the request scored.
    public var rowCount: Int { outputWidth == 0 ? 0 : outputs.count / outputWidth }
}

/// Ground truth for one logged request: one value per row it scored.
public struct Feedback: Sendable, Equatable {
    public var requestID: String
    public var truth: [Double]

    public init(requestID: String, truth: [Double]) {
        self.requestID = requestID
        self.truth = truth
    }
}

/// A logged prediction joined with its ground truth.
public struct LabeledPrediction: Sendable, Equatable {
    public var variant: String
    public var modelVersion: String
    public var shadow: Bool
    /// When the prediction was made, milliseconds since 1970.
    public var timestamp: Int64
    /// The predictions as returned, row-major, `outputWidth` per row.
    public var outputs: [Double]
    public var outputWidth: Int
    /// One value per row.
    public var truth: [Double]

    public init(variant: String, modelVersion: String, shadow: Bool, timestamp: Int64, outputs: [Double], outputWidth: Int, truth: [Double]) {
        self.variant = variant
        self.modelVersion = modelVersion
        self.shadow = shadow
        self.timestamp = timestamp
        self.outputs = outputs
        self.outputWidth = outputWidth
        self.truth = truth
    }
}

/// One scheduled monitor pass over a deployment's latest window, as kept in the time series.
public struct MonitorPass: Sendable, Codable, Equatable {
    /// A crossed threshold. `key` names what crossed it (`drift`, `quality`,
    /// `live:VARIANT:METRIC`): alerts are de-duplicated per key.
    public struct Violation: Sendable, Codable, Equatable {
        public var key: String
        public var message: String

        public init(key: String, message: String) {
            self.key = key
            self.message = message
        }
    }

    /// Milliseconds since 1970.
    public var timestamp: Int64
    /// Predictions in the window the drift and quality checks ran on.
    public var windowRows: Int
    /// Share of drifted columns; nil when no drift check is configured or the window was empty.
    public var driftShare: Double?
    public var driftDetected: Bool?
    /// Drift score per column (p-value or distance, per the column's test).
    public var driftScores: [String: Double]?
    /// Failed rules of the data-quality suite; nil without a suite.
    public var qualityFailures: [String]?
    /// Live quality per variant: metric name to value, with the labelled row count under `rows`.
    public var live: [String: [String: Double]]
    /// The thresholds crossed in this pass (empty when all is well).
    public var violations: [Violation]
    /// How long the pass took, reading the log included.
    public var durationSeconds: Double?

    public init(
        timestamp: Int64, windowRows: Int, driftShare: Double? = nil, driftDetected: Bool? = nil, driftScores: [String: Double]? = nil,
        qualityFailures: [String]? = nil, live: [String: [String: Double]] = [:], violations: [Violation] = []
    ) {
        self.timestamp = timestamp
        self.windowRows = windowRows
        self.driftShare = driftShare
        self.driftDetected = driftDetected
        self.driftScores = driftScores
        self.qualityFailures = qualityFailures
        self.live = live
        self.violations = violations
    }
}

/// Where prediction records, their ground truth and monitor results are kept.
public protocol PredictionLogStore: Sendable {
    /// Stores all of `batch`'s requests or none of them.
    func append(_ batch: PredictionBatch) throws
    /// Deletes records (and their feedback) older than `cutoff` (milliseconds since 1970); returns how many.
    /// A store that keeps one flush's records together may keep a record until the newest of
    /// its flush is older than `cutoff` too.
    @discardableResult
    func deleteOlder(than cutoff: Int64) throws -> Int
    /// A deployment's records from `since` on, oldest first.
    func records(deployment: String, since: Int64) throws -> [PredictionRecord]
    /// The same records a page at a time: at most `limit` after `cursor` (nil: from the
    /// first), and the cursor of the next page (nil after the last). An export streams with it
    /// instead of holding the whole log.
    func records(deployment: String, since: Int64, after cursor: PredictionRecordCursor?, limit: Int) throws -> (records: [PredictionRecord], next: PredictionRecordCursor?)
    /// The newest `count` answered (not shadow) records of a deployment, oldest first.
    func latest(deployment: String, count: Int) throws -> [PredictionRecord]
    /// Stores ground truth for answered requests of `deployment`, all or nothing: an id the log
    /// does not hold, or a truth whose length differs from the request's row count, refuses the
    /// whole call with an error naming it. Feedback for a request already labelled replaces it.
    func recordFeedback(_ feedback: [Feedback], deployment: String, timestamp: Int64) throws
    /// Every record of `deployment` from `since` on that has ground truth, shadows included, oldest first.
    func labeled(deployment: String, since: Int64) throws -> [LabeledPrediction]
    /// Appends one monitor pass to the deployment's time series.
    func appendMonitorPass(_ pass: MonitorPass, deployment: String) throws
    /// The deployment's monitor passes from `since` on, oldest first.
    func monitorPasses(deployment: String, since: Int64) throws -> [MonitorPass]
}

/// Where a page of `PredictionLogStore.records` ended: the last record's time and its place in
/// the store (a block and a slot in it, or an index), opaque to callers.
public struct PredictionRecordCursor: Sendable, Comparable {
    public var timestamp: Int64
    public var block: Int64
    public var slot: Int

    public init(timestamp: Int64, block: Int64, slot: Int) {
        self.timestamp = timestamp
        self.block = block
        self.slot = slot
    }

    public static func < (a: PredictionRecordCursor, b: PredictionRecordCursor) -> Bool {
        (a.timestamp, a.block, a.slot) < (b.timestamp, b.block, b.slot)
    }
}

extension PredictionLogStore {
    /// Pages over `records(deployment:since:)`, for stores that read everything at once anyway.
    public func records(deployment: String, since: Int64, after cursor: PredictionRecordCursor?, limit: Int) throws -> (records: [PredictionRecord], next: PredictionRecordCursor?) {
        let all = try records(deployment: deployment, since: since)
        let start = cursor.map { $0.slot + 1 } ?? 0
        let end = min(all.count, start + max(limit, 1))
        guard start < end else { return ([], nil) }
        return (Array(all[start..<end]), end < all.count ? PredictionRecordCursor(timestamp: all[end - 1].timestamp, block: 0, slot: end - 1) : nil)
    }
}
