/// Prediction records as the log writer queues them and the store writes them: what a variant
/// and model have in common once per `Source`, the numbers of all requests in two flat arrays,
/// and per request only plain values.
///
/// Queuing a request this way copies numbers into arrays that grow by doubling, so it allocates
/// nothing per request and leaves no per-request objects for the writer thread to release:
/// with one `PredictionRecord` per request, freeing them on the writer cost more than the
/// SQLite inserts.
public struct PredictionBatch: Sendable {
    /// What every request logged by one variant with one model shares.
    public struct Source: Sendable, Hashable {
        /// The deployment's name.
        public var deployment: String
        /// The variant's name in the deployment's spec.
        public var variant: String
        /// The registry version the variant's model came from, or what the spec gave.
        public var modelVersion: String
        /// A shadow's records: scored, never returned.
        public var shadow: Bool
        /// The input column names as a JSON array.
        public var columns: String

        public init(deployment: String, variant: String, modelVersion: String, shadow: Bool, columns: String) {
            self.deployment = deployment
            self.variant = variant
            self.modelVersion = modelVersion
            self.shadow = shadow
            self.columns = columns
        }

        /// What `record` shares with the other records of its variant and model.
        public init(_ record: PredictionRecord) {
            self.init(deployment: record.deployment, variant: record.variant, modelVersion: record.modelVersion, shadow: record.shadow, columns: record.columns)
        }
    }

    /// One scored request; its numbers are ranges of the batch's `features` and `outputs`.
    public struct Entry: Sendable {
        /// Index into `sources`.
        public var source: Int
        /// The id returned to the caller in `X-Request-Id`; feedback refers to it.
        public var requestID: String
        /// Milliseconds since 1970.
        public var timestamp: Int64
        /// Time spent scoring, in microseconds.
        public var latencyMicroseconds: Int64
        /// The feature rows, row-major, in `features`.
        public var features: Range<Int>
        /// The predictions as returned, row-major, `outputWidth` per row, in `outputs`.
        public var outputs: Range<Int>
        /// Numbers per output row: 1 for a single prediction, the class count for probabilities.
        public var outputWidth: Int
        /// Outputs computed in float32 (XGBoost).
        public var float32: Bool

        /// This entry with its feature and output ranges moved by the given offsets.
        func moved(features featureOffset: Int, outputs outputOffset: Int) -> Entry {
            var entry = self
            entry.features = (features.lowerBound + featureOffset)..<(features.upperBound + featureOffset)
            entry.outputs = (outputs.lowerBound + outputOffset)..<(outputs.upperBound + outputOffset)
            return entry
        }
    }

    /// Every source registered so far. Sources are only ever added, so an index stays valid
    /// from batch to batch.
    public private(set) var sources: [Source] = []
    /// The queued requests, in the order they were queued.
    public private(set) var entries: [Entry] = []
    /// Every entry's feature rows, one after another.
    public private(set) var features: [Double] = []
    /// Every entry's outputs, one after another.
    public private(set) var outputs: [Double] = []

    /// An empty batch with no sources.
    public init() {}

    /// A batch of `records`, with a source per distinct deployment, variant, version, shadow
    /// flag and column names.
    public init(_ records: [PredictionRecord]) {
        var indices: [Source: Int] = [:]
        for record in records {
            let source = Source(record)
            let index = indices[source] ?? add(source)
            indices[source] = index
            record.features.withUnsafeBufferPointer { features in
                append(source: index, requestID: record.requestID, timestamp: record.timestamp, latencyMicroseconds: record.latencyMicroseconds,
                       features: features, outputs: record.outputs, outputWidth: record.outputWidth, float32: record.float32)
            }
        }
    }

    /// Empties the batch, keeping its arrays' memory, and takes `sources` as its sources.
    mutating func removeAll(keepingSources sources: [Source]) {
        self.sources = sources
        entries.removeAll(keepingCapacity: true)
        features.removeAll(keepingCapacity: true)
        outputs.removeAll(keepingCapacity: true)
    }

    /// Whether no request is queued (sources may still be registered).
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a source; returns its index.
    @discardableResult
    public mutating func add(_ source: Source) -> Int {
        sources.append(source)
        return sources.count - 1
    }

    /// Queues one request of `source` (an index into `sources`), copying its numbers.
    public mutating func append(
        source: Int, requestID: String, timestamp: Int64, latencyMicroseconds: Int64, features: UnsafeBufferPointer<Double>, outputs: [Double],
        outputWidth: Int, float32: Bool
    ) {
        let featureStart = self.features.count
        let outputStart = self.outputs.count
        self.features.append(contentsOf: features)
        self.outputs.append(contentsOf: outputs)
        entries.append(Entry(
            source: source, requestID: requestID, timestamp: timestamp, latencyMicroseconds: latencyMicroseconds,
            features: featureStart..<self.features.count, outputs: outputStart..<self.outputs.count, outputWidth: outputWidth, float32: float32
        ))
    }

    /// Appends `other`'s requests after this batch's. `other`'s sources must be a prefix of
    /// this batch's, or this batch's of `other`'s, as for two batches of one writer.
    public mutating func append(contentsOf other: PredictionBatch) {
        if other.sources.count > sources.count { sources = other.sources }
        let featureOffset = features.count
        let outputOffset = outputs.count
        features.append(contentsOf: other.features)
        outputs.append(contentsOf: other.outputs)
        entries.append(contentsOf: other.entries.lazy.map { $0.moved(features: featureOffset, outputs: outputOffset) })
    }

    /// Drops the `count` oldest requests and their numbers; sources stay.
    public mutating func removeFirst(_ count: Int) {
        guard count > 0 else { return }
        guard count < entries.count else { return removeAll(keepingSources: sources) }
        let first = entries[count]
        features.removeFirst(first.features.lowerBound)
        outputs.removeFirst(first.outputs.lowerBound)
        entries = entries[count...].map { $0.moved(features: -first.features.lowerBound, outputs: -first.outputs.lowerBound) }
    }

    /// The requests as records, in order.
    public var records: [PredictionRecord] {
        entries.map { entry in
            let source = sources[entry.source]
            return PredictionRecord(
                requestID: entry.requestID, deployment: source.deployment, variant: source.variant, modelVersion: source.modelVersion, shadow: source.shadow,
                timestamp: entry.timestamp, latencyMicroseconds: entry.latencyMicroseconds, columns: source.columns, features: Array(features[entry.features]),
                outputs: Array(outputs[entry.outputs]), outputWidth: entry.outputWidth, float32: entry.float32
            )
        }
    }
}
