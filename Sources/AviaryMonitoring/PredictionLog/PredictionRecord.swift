/// One scored request as the prediction log keeps it: who answered, with what, how fast.
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
    /// The feature rows as JSON: `{"columns": [...], "data": [[...], ...]}`.
    public var inputs: String
    /// The predictions as returned: a JSON array.
    public var outputs: String

    public init(
        requestID: String, deployment: String, variant: String, modelVersion: String, shadow: Bool, timestamp: Int64,
        latencyMicroseconds: Int64, inputs: String, outputs: String
    ) {
        self.requestID = requestID
        self.deployment = deployment
        self.variant = variant
        self.modelVersion = modelVersion
        self.shadow = shadow
        self.timestamp = timestamp
        self.latencyMicroseconds = latencyMicroseconds
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// Where prediction records are kept.
public protocol PredictionLogStore: Sendable {
    /// Stores all of `records` or none of them.
    func append(_ records: [PredictionRecord]) throws
    /// Deletes records older than `cutoff` (milliseconds since 1970); returns how many.
    @discardableResult
    func deleteOlder(than cutoff: Int64) throws -> Int
    /// A deployment's records from `since` on, oldest first.
    func records(deployment: String, since: Int64) throws -> [PredictionRecord]
}
