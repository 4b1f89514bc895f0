import AviaryMonitoring
import AviaryStoreSQLite
import Foundation
import Testing

/// The prediction log writes queued records in one batch per flush, keeps them across reopening,
/// and deletes what the retention has passed.
@Suite("SQLite prediction log")
struct SQLitePredictionLogTests {
    static func record(_ k: Int, at timestamp: Int64) -> PredictionRecord {
        PredictionRecord(
            requestID: "r\(k)", deployment: "churn", variant: k % 2 == 0 ? "champion" : "shadow", modelVersion: "1", shadow: k % 2 == 1,
            timestamp: timestamp, latencyMicroseconds: 120, inputs: #"{"columns":["a"],"data":[[\#(k)]]}"#, outputs: "[0.5]"
        )
    }

    @Test("flushed records survive reopening; retention deletes the old ones")
    func roundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let writer = PredictionLogWriter(store: try SQLitePredictionLog(path: path), flushInterval: .seconds(1), retention: nil)
        let records = (0..<1000).map { Self.record($0, at: 1_000 + Int64($0)) }
        for record in records { writer.record(record) }
        #expect(try writer.store.records(deployment: "churn", since: 0).isEmpty, "nothing is written before a flush")
        try writer.flush()
        let reopened = try SQLitePredictionLog(path: path)
        #expect(try reopened.records(deployment: "churn", since: 0) == records)
        #expect(try reopened.records(deployment: "churn", since: 1_500).count == 500)
        #expect(try reopened.records(deployment: "other", since: 0).isEmpty)
        #expect(try reopened.deleteOlder(than: 1_900) == 900)
        #expect(try reopened.records(deployment: "churn", since: 0) == Array(records.suffix(100)))
    }
}
