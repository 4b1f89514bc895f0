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

    /// A store whose first `failures` writes fail; it keeps what it is given after that.
    final class FailingOnceStore: PredictionLogStore {
        let written = Mutex<[PredictionRecord]>([])
        let failures: Atomic<Int>

        init(failures: Int = 1) {
            self.failures = Atomic(failures)
        }

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
        #expect { try writer.flush() } throws: { ($0 as? PredictionLogWriter.WriteFailure)?.dropped == 0 }
        for k in 3..<5 { writer.record(Self.record(k)) }
        try writer.flush()
        for k in 5..<7 { writer.record(Self.record(k)) }
        try writer.flush()
        #expect(try store.records(deployment: "churn", since: 0) == (0..<7).map(Self.record))
    }

    @Test("while writes fail, the backlog keeps the newest records up to its limit and says how many it dropped")
    func backlogIsBounded() throws {
        let store = FailingOnceStore(failures: 2)
        let writer = PredictionLogWriter(store: store, flushInterval: .seconds(1), retention: nil, maximumBacklog: 4)
        for k in 0..<3 { writer.record(Self.record(k)) }
        #expect { try writer.flush() } throws: { ($0 as? PredictionLogWriter.WriteFailure)?.dropped == 0 }
        for k in 3..<6 { writer.record(Self.record(k)) }
        #expect { try writer.flush() } throws: { error in
            let failure = error as? PredictionLogWriter.WriteFailure
            return failure?.dropped == 2 && failure?.description.contains("dropped the 2 oldest records") == true
        }
        try writer.flush()
        #expect(try store.records(deployment: "churn", since: 0) == (2..<6).map(Self.record))
    }

    @Test("dropping the oldest requests keeps the others' numbers")
    func removeFirst() {
        let records = (0..<7).map(Self.record)
        var batch = PredictionBatch(records)
        batch.removeFirst(3)
        #expect(batch.records == Array(records[3...]))
        batch.removeFirst(10)
        #expect(batch.isEmpty && batch.features.isEmpty && batch.sources.count == 6)
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
