import AviaryCore
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
            timestamp: timestamp, latencyMicroseconds: 120, columns: #"["a"]"#, features: [Double(k)], outputs: [0.5], outputWidth: 1, float32: true
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

/// Feedback is all or nothing and joins the answered requests; monitor passes round-trip.
@Suite("SQLite prediction log feedback")
struct SQLitePredictionLogFeedbackTests {
    @Test("unknown ids and wrong row counts refuse the whole call; labelled rows join their truth")
    func feedback() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let log = try SQLitePredictionLog(path: path)
        try log.append((0..<10).map { SQLitePredictionLogTests.record($0, at: 1_000 + Int64($0)) })
        #expect(throws: AviaryError.self) {
            try log.recordFeedback([Feedback(requestID: "r0", truth: [1]), Feedback(requestID: "r404", truth: [0])], deployment: "churn", timestamp: 5)
        }
        #expect(throws: AviaryError.self, "a shadow's id is not an answered request") {
            try log.recordFeedback([Feedback(requestID: "r1", truth: [1])], deployment: "churn", timestamp: 5)
        }
        #expect(throws: AviaryError.self, "one row scored, two truths") {
            try log.recordFeedback([Feedback(requestID: "r2", truth: [1, 0])], deployment: "churn", timestamp: 5)
        }
        #expect(try log.labeled(deployment: "churn", since: 0).isEmpty, "nothing from a refused call was kept")
        try log.recordFeedback([Feedback(requestID: "r0", truth: [1]), Feedback(requestID: "r4", truth: [0])], deployment: "churn", timestamp: 5)
        let labeled = try log.labeled(deployment: "churn", since: 0)
        #expect(labeled.map(\.truth) == [[1], [0]] && labeled.map(\.timestamp) == [1_000, 1_004] && labeled.allSatisfy { $0.outputs == [0.5] && $0.outputWidth == 1 })
        #expect(try log.latest(deployment: "churn", count: 2).map(\.requestID) == ["r6", "r8"])

        let pass = MonitorPass(timestamp: 7, windowRows: 5, driftShare: 0.5, driftDetected: true, driftScores: ["a": .nan],
                               live: ["champion": ["accuracy": 0.9]], violations: [.init(key: "drift", message: "drifted")])
        try log.appendMonitorPass(pass, deployment: "churn")
        let read = try log.monitorPasses(deployment: "churn", since: 0)
        #expect(read.count == 1 && read[0].driftScores?["a"]?.isNaN == true && read[0].violations == pass.violations && read[0].live == pass.live)
    }
}
