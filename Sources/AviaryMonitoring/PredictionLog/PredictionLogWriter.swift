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
    private let pending = Mutex<[PredictionRecord]>([])

    public init(store: any PredictionLogStore, flushInterval: Duration, retention: Duration?) {
        self.store = store
        self.flushInterval = flushInterval
        self.retention = retention
    }

    /// Queues one record; never blocks on the store.
    public func record(_ record: PredictionRecord) {
        pending.withLock { $0.append(record) }
    }

    /// Writes what is queued now; a failed write puts the records back for the next flush.
    public func flush() throws {
        let batch = pending.withLock { records -> [PredictionRecord] in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        guard !batch.isEmpty else { return }
        do {
            try store.append(batch)
        } catch {
            pending.withLock { $0.insert(contentsOf: batch, at: 0) }
            throw error
        }
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
