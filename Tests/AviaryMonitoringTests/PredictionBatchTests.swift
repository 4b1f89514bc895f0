import AviaryMonitoring
import Synchronization
import Testing

/// The writer's queue keeps every record's values through batching, re-queuing after a failed
/// write, and flushing.
@Suite("Prediction batches")
struct PredictionBatchTests {
    static func record(_ k: Int) -> PredictionRecord {
        PredictionRecord(
            requestID: "r\(k)", deployment: "churn", variant: k % 2 == 0 ? "champion" : "challenger", modelVersion: "\(k % 3)", shadow: false,
            timestamp: Int64(1_000 + k), latencyMicroseconds: Int64(k), columns: #"["a","b"]"#, features: (0..<2 * (k % 3 + 1)).map { Double(k * 10 + $0) },
            outputs: [Double(k) / 10, 1 - Double(k) / 10], outputWidth: 2, float32: k % 2 == 0
        )
    }

    @Test("records come back as they went in, with one source per variant and version")
    func roundTrip() {
        let records = (0..<12).map(Self.record)
        let batch = PredictionBatch(records)
        #expect(batch.records == records)
        #expect(batch.sources.count == 6)
        #expect(batch.features.count == records.map(\.features.count).reduce(0, +))
    }

    /// A store whose first write fails; it keeps what it is given after that.
    final class FailingOnceStore: PredictionLogStore {
        let written = Mutex<[PredictionRecord]>([])
        let failures = Atomic(1)

        func append(_ batch: PredictionBatch) throws {
            if failures.subtract(1, ordering: .relaxed).oldValue > 0 { throw CancellationError() }
            written.withLock { $0 += batch.records }
        }

        func deleteOlder(than cutoff: Int64) throws -> Int { 0 }
        func records(deployment: String, since: Int64) throws -> [PredictionRecord] { written.withLock { $0 } }
        func latest(deployment: String, count: Int) throws -> [PredictionRecord] { [] }
        func recordFeedback(_ feedback: [Feedback], deployment: String, timestamp: Int64) throws {}
        func labeled(deployment: String, since: Int64) throws -> [LabeledPrediction] { [] }
        func appendMonitorPass(_ pass: MonitorPass, deployment: String) throws {}
        func monitorPasses(deployment: String, since: Int64) throws -> [MonitorPass] { [] }
    }

    @Test("a failed write keeps its records, ahead of those queued after it")
    func failedWriteRequeues() throws {
        let store = FailingOnceStore()
        let writer = PredictionLogWriter(store: store, flushInterval: .seconds(1), retention: nil)
        for k in 0..<3 { writer.record(Self.record(k)) }
        #expect(throws: CancellationError.self) { try writer.flush() }
        for k in 3..<5 { writer.record(Self.record(k)) }
        try writer.flush()
        for k in 5..<7 { writer.record(Self.record(k)) }
        try writer.flush()
        #expect(try store.records(deployment: "churn", since: 0) == (0..<7).map(Self.record))
    }

    @Test("registering a source again gives its first index, so alias moves do not grow the list")
    func sourcesAreShared() {
        let writer = PredictionLogWriter(store: FailingOnceStore(), flushInterval: .seconds(1), retention: nil)
        let champion = PredictionBatch.Source(Self.record(0))
        let challenger = PredictionBatch.Source(Self.record(1))
        #expect(writer.add(champion) == 0)
        #expect(writer.add(challenger) == 1)
        #expect(writer.add(champion) == 0)
        #expect(writer.add(challenger) == 1)
    }
}
