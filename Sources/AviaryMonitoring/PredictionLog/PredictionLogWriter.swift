import Dispatch
import Foundation
import Synchronization

/// Collects prediction records from request handlers and writes them to a store in batches,
/// off the request path.
///
/// Durability: a record is in the store within one `flushInterval` (plus the write itself) of
/// being `record`ed, and a committed batch survives a killed process. Records still in memory
/// when the process is killed are lost, so "acknowledged more than one flush interval before
/// the kill" is the guarantee.
public final class PredictionLogWriter: Sendable {
    /// Where batches go, and where the log is read back from.
    public let store: any PredictionLogStore
    /// Time between batched writes.
    public let flushInterval: Duration
    /// Records older than this are deleted after each flush; nil keeps everything.
    public let retention: Duration?
    /// Most records kept in memory while writes fail; beyond it the oldest are dropped, so a
    /// store that stays unwritable (a full disk) costs bounded memory.
    public let maximumBacklog: Int
    private let pending = Mutex(PredictionBatch())
    /// The last batch written, emptied, for `flush` to reuse.
    private let spare = Mutex(PredictionBatch())

    /// - Parameter maximumBacklog: most records kept in memory while writes fail (a million
    ///   1-row requests of 20 features is about 250 MB).
    public init(store: any PredictionLogStore, flushInterval: Duration, retention: Duration?, maximumBacklog: Int = 1_000_000) {
        self.store = store
        self.flushInterval = flushInterval
        self.retention = retention
        self.maximumBacklog = maximumBacklog
    }

    /// A write that failed: its records wait for the next flush, except any dropped to keep
    /// the backlog at `maximumBacklog`.
    public struct WriteFailure: Error, CustomStringConvertible {
        /// The store's error.
        public let underlying: any Error
        /// Records dropped, oldest first; 0 when all are kept.
        public let dropped: Int

        /// The store's error, and how many records were dropped if any.
        public var description: String {
            dropped == 0 ? "\(underlying)" : "\(underlying); dropped the \(dropped) oldest records to keep the backlog bounded"
        }
    }

    /// Registers what the records of one variant with one model share; `record(source:…)`
    /// takes the index returned. A source already registered keeps its index, so moving an
    /// alias back and forth does not grow the list.
    public func add(_ source: PredictionBatch.Source) -> Int {
        pending.withLock { batch in batch.sources.firstIndex(of: source) ?? batch.add(source) }
    }

    /// Queues one request of a registered source, copying its numbers; never blocks on the store.
    public func record(
        source: Int, requestID: String, timestamp: Int64, latencyMicroseconds: Int64, features: UnsafeBufferPointer<Double>, outputs: [Double],
        outputWidth: Int, float32: Bool
    ) {
        pending.withLock {
            $0.append(source: source, requestID: requestID, timestamp: timestamp, latencyMicroseconds: latencyMicroseconds, features: features,
                      outputs: outputs, outputWidth: outputWidth, float32: float32)
        }
    }

    /// Queues one record.
    public func record(_ record: PredictionRecord) {
        let index = add(PredictionBatch.Source(record))
        record.features.withUnsafeBufferPointer { features in
            self.record(source: index, requestID: record.requestID, timestamp: record.timestamp, latencyMicroseconds: record.latencyMicroseconds,
                        features: features, outputs: record.outputs, outputWidth: record.outputWidth, float32: record.float32)
        }
    }

    /// Writes what is queued now; a failed write puts the records back for the next flush
    /// (up to `maximumBacklog`) and throws `WriteFailure`.
    public func flush() throws {
        // Swapped for the last written batch, emptied: its arrays are already as large as a
        // flush interval's traffic needs, so the request path does not regrow fresh ones.
        var next = spare.withLock { spare in
            defer { spare = PredictionBatch() }
            return spare
        }
        let batch = pending.withLock { pending in
            next.removeAll(keepingSources: pending.sources)
            swap(&pending, &next)
            return next
        }
        guard !batch.isEmpty else { return }
        do {
            try store.append(batch)
        } catch {
            let dropped = pending.withLock { pending in
                var restored = batch
                restored.append(contentsOf: pending)
                let excess = max(0, restored.entries.count - maximumBacklog)
                restored.removeFirst(excess)
                pending = restored
                return excess
            }
            throw WriteFailure(underlying: error, dropped: dropped)
        }
        var emptied = consume batch
        emptied.removeAll(keepingSources: [])
        spare.withLock { $0 = emptied }
    }

    /// Flushes every `flushInterval` until cancelled, then once more; applies the retention.
    public func run(onError: @Sendable (any Error) -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: flushInterval)
            do {
                try await offPool {
                    try self.flush()
                    if let retention = self.retention {
                        let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - retention.components.seconds * 1000
                        try self.store.deleteOlder(than: cutoff)
                    }
                }
            } catch {
                onError(error)
            }
        }
        do { try flush() } catch { onError(error) }
    }

    /// Store writes block their thread for the whole transaction, so they run on this queue
    /// rather than on Swift's cooperative pool, whose few threads (one per core) answer requests.
    private static let writes = DispatchQueue(label: "aviary.prediction-log", qos: .utility)

    private func offPool(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Self.writes.async { continuation.resume(with: Result(catching: work)) }
        }
    }
}
