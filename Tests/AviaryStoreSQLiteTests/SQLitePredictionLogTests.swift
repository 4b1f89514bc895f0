import AviaryCore
import AviaryMonitoring
import AviaryStoreSQLite
import Foundation
import GRDB
import Testing

/// The prediction log writes queued records in one batch per flush, keeps them across reopening,
/// and deletes what the retention has passed.
@Suite("SQLite prediction log")
struct SQLitePredictionLogTests {
    static func record(_ k: Int, at timestamp: Int64) -> PredictionRecord {
        PredictionRecord(
            requestID: "r\(k)", deployment: "churn", variant: k % 2 == 0 ? "champion" : "shadow", modelVersion: "1", shadow: k % 2 == 1,
            timestamp: timestamp, latencyMicroseconds: 120, columns: k % 3 == 0 ? #"["a"]"# : #"["b"]"#, features: [Double(k)], outputs: [0.5], outputWidth: 1, float32: true
        )
    }

    @Test("flushed records survive reopening; retention deletes the old ones")
    func roundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let writer = PredictionLogWriter(store: try SQLitePredictionLog(path: path), flushInterval: .seconds(1), retention: nil)
        let records = (0..<1000).map { Self.record($0, at: 1_000 + Int64($0)) }
        for record in records.prefix(400) { writer.record(record) }
        #expect(try writer.store.records(deployment: "churn", since: 0).isEmpty, "nothing is written before a flush")
        // Three flushes, so records span blocks of every source.
        try writer.flush()
        for record in records[400..<950] { writer.record(record) }
        try writer.flush()
        for record in records.suffix(50) { writer.record(record) }
        try writer.flush()
        let reopened = try SQLitePredictionLog(path: path)
        #expect(try reopened.records(deployment: "churn", since: 0) == records)
        #expect(try reopened.records(deployment: "churn", since: 1_500).count == 500)
        #expect(try reopened.records(deployment: "other", since: 0).isEmpty)
        #expect(try reopened.latest(deployment: "churn", count: 30) == records.suffix(60).filter { !$0.shadow }, "answered records only, across blocks")
        // Retention deletes whole flushes: the second (records 400..<950) straddles 1,900 and stays.
        #expect(try reopened.deleteOlder(than: 1_900) == 400)
        #expect(try reopened.records(deployment: "churn", since: 0) == Array(records.suffix(600)))
        #expect(try reopened.deleteOlder(than: 1_950) == 550)
        #expect(try reopened.records(deployment: "churn", since: 0) == Array(records.suffix(50)))
        #expect(throws: AviaryError.self, "a deleted request takes no feedback") {
            try reopened.recordFeedback([Feedback(requestID: "r948", truth: [1])], deployment: "churn", timestamp: 5)
        }
        try reopened.recordFeedback([Feedback(requestID: "r950", truth: [1]), Feedback(requestID: "r998", truth: [0])], deployment: "churn", timestamp: 5)
        #expect(try reopened.labeled(deployment: "churn", since: 0).map(\.timestamp) == [1_950, 1_998], "kept records are still found by id")
    }

    @Test("pages of records, of any size and from any point, add up to the records, in their order")
    func pages() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let writer = PredictionLogWriter(store: try SQLitePredictionLog(path: path), flushInterval: .seconds(1), retention: nil)
        // Four flushes whose sources overlap in time, and timestamps that repeat across blocks.
        let records = (0..<600).map { Self.record($0, at: 1_000 + Int64($0 / 3)) }
        for part in [0..<150, 150..<151, 151..<420, 420..<600] {
            for record in records[part] { writer.record(record) }
            try writer.flush()
        }
        for since: Int64 in [0, 1_050, 1_199, 5_000] {
            let expected = try writer.store.records(deployment: "churn", since: since)
            for limit in [1, 7, 100, 600, 5_000] {
                var paged: [PredictionRecord] = []
                var cursor: PredictionRecordCursor?
                var calls = 0
                repeat {
                    let page = try writer.store.records(deployment: "churn", since: since, after: cursor, limit: limit)
                    #expect(page.records.count <= limit)
                    paged += page.records
                    cursor = page.next
                    calls += 1
                } while cursor != nil && calls <= 700
                #expect(paged == expected, "since \(since), limit \(limit)")
            }
        }
    }

    @Test("a batch beyond the block limit (a backlog after failed writes) goes in as several blocks and reads back whole")
    func oversizedBatchSplits() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let log = try SQLitePredictionLog(path: path)
        // Three requests of one source with 2.2 million numbers each: no two fit in one
        // 4-million-number block.
        let records = (0..<3).map { k in
            var record = Self.record(6 * k, at: 1_000 + Int64(k))
            record.features = (0..<2_200_000).map { Double($0 + k) }
            return record
        }
        try log.append(PredictionBatch(records))
        #expect(try log.records(deployment: "churn", since: 0) == records)
        let blocks = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM prediction_blocks") }
        #expect(blocks == 3)
    }
}

/// A log written before column names were stored once per model reads back the same.
@Suite("SQLite prediction log migration")
struct SQLitePredictionLogMigrationTests {
    @Test("rows logged with their column names inline keep them after the v4 migration")
    func fromV3() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The schema as of v3, with GRDB's record of the migrations that made it.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1-predictions'), ('v2-feedback-and-monitors'), ('v3-binary-rows');
                CREATE TABLE predictions_v1 (request_id TEXT);
                CREATE TABLE predictions (
                    request_id TEXT NOT NULL, deployment TEXT NOT NULL, variant TEXT NOT NULL, model_version TEXT NOT NULL,
                    shadow INTEGER NOT NULL, timestamp INTEGER NOT NULL, latency_us INTEGER NOT NULL, columns TEXT NOT NULL,
                    features BLOB NOT NULL, outputs BLOB NOT NULL, output_width INTEGER NOT NULL, float32 INTEGER NOT NULL
                );
                CREATE INDEX predictions_by_time ON predictions(deployment, timestamp);
                CREATE INDEX predictions_by_request ON predictions(request_id);
                CREATE TABLE feedback (request_id TEXT PRIMARY KEY, deployment TEXT NOT NULL, truth TEXT NOT NULL, timestamp INTEGER NOT NULL);
                CREATE TABLE monitor_passes (deployment TEXT NOT NULL, timestamp INTEGER NOT NULL, report TEXT NOT NULL);
                """)
            for (k, names) in [#"["x","y"]"#, #"["z"]"#, #"["x","y"]"#].enumerated() {
                try db.execute(
                    sql: "INSERT INTO predictions VALUES (?, 'churn', 'champion', '1', 0, ?, 5, ?, zeroblob(8), zeroblob(8), 1, 0)",
                    arguments: ["r\(k)", 100 + k, names]
                )
            }
        }
        let log = try SQLitePredictionLog(path: path)
        #expect(try log.records(deployment: "churn", since: 0).map(\.columns) == [#"["x","y"]"#, #"["z"]"#, #"["x","y"]"#])
        try log.append(PredictionBatch([SQLitePredictionLogTests.record(4, at: 200)]))
        #expect(try log.latest(deployment: "churn", count: 2).map(\.columns) == [#"["x","y"]"#, #"["b"]"#], "a new model's names get an id after the migrated ones")
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
        try log.append(PredictionBatch((0..<10).map { SQLitePredictionLogTests.record($0, at: 1_000 + Int64($0)) }))
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

/// Requests with ids from `RequestID` are found through their blocks' number ranges, across
/// flushes, variants, shadows and late arrivals.
@Suite("SQLite prediction log request ids")
struct SQLitePredictionLogRequestIDTests {
    @Test("ids round-trip; other strings are not request ids")
    func format() {
        let id = RequestID.make(group: 0x2ABC_DEF0 & ((1 << 30) - 1), number: 123_456_789)
        #expect(id.utf8.count == 15)
        #expect(RequestID.parse(id)! == (Int64(0x2ABC_DEF0 & ((1 << 30) - 1)), 123_456_789))
        #expect(RequestID.parse("r1") == nil && RequestID.parse("0123456789ABCDE") == nil && RequestID.parse("0123456789abcdw") == nil)
        #expect(RequestID.make(group: 1, number: 9) < RequestID.make(group: 1, number: 10), "ids sort like their numbers")
    }

    @Test("feedback finds every answered request; labels include shadows; others are refused")
    func lookup() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let log = try SQLitePredictionLog(path: path)
        func record(_ number: UInt64, shadow: Bool = false) -> PredictionRecord {
            PredictionRecord(
                requestID: RequestID.make(group: 7, number: number), deployment: "churn", variant: shadow ? "shadow" : number % 5 == 0 ? "challenger" : "champion",
                modelVersion: "1", shadow: shadow, timestamp: 1_000 + Int64(number), latencyMicroseconds: 9, columns: #"["a"]"#, features: [Double(number)],
                outputs: [Double(number % 2)], outputWidth: 1, float32: false
            )
        }
        // Three flushes of 100 requests each, every one also scored by the shadow; request 5 is
        // logged late, in the last flush.
        for flush in 0..<3 {
            var numbers = (UInt64(flush * 100)..<UInt64(flush * 100 + 100)).filter { $0 != 5 }
            if flush == 2 { numbers.append(5) }
            try log.append(PredictionBatch(numbers.flatMap { [record($0), record($0, shadow: true)] }))
        }
        let all = (0..<300).map { Feedback(requestID: RequestID.make(group: 7, number: UInt64($0)), truth: [Double($0 % 2)]) }
        try log.recordFeedback(all, deployment: "churn", timestamp: 5)
        let labeled = try log.labeled(deployment: "churn", since: 0)
        #expect(labeled.count == 600 && labeled.filter(\.shadow).count == 300)
        #expect(labeled.allSatisfy { $0.truth == $0.outputs })
        for unknown in [RequestID.make(group: 7, number: 300), RequestID.make(group: 8, number: 5), "r5"] {
            #expect(throws: AviaryError.self, "\(unknown)") {
                try log.recordFeedback([Feedback(requestID: unknown, truth: [1])], deployment: "churn", timestamp: 5)
            }
        }
        #expect(throws: AviaryError.self, "another deployment's log") {
            try log.recordFeedback([all[0]], deployment: "other", timestamp: 5)
        }
    }

    @Test("labels of a few requests come back from the blocks that hold them, and only those requests")
    func sparseLabels() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-log-\(UUID().uuidString)/log.db").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let log = try SQLitePredictionLog(path: path)
        func record(_ id: String, _ k: Int, shadow: Bool = false) -> PredictionRecord {
            PredictionRecord(
                requestID: id, deployment: "churn", variant: shadow ? "shadow" : "champion", modelVersion: "1", shadow: shadow, timestamp: 1_000 + Int64(k),
                latencyMicroseconds: 9, columns: #"["a"]"#, features: [Double(k)], outputs: [Double(k)], outputWidth: 1, float32: false
            )
        }
        // Four flushes of 100 requests with the shadow's records; request 5 is logged late, in
        // the third; the fourth has ids that are not `RequestID`s (no range to go by).
        for flush in 0..<3 {
            var numbers = (flush * 100..<flush * 100 + 100).filter { $0 != 5 }
            if flush == 2 { numbers.append(5) }
            try log.append(PredictionBatch(numbers.flatMap { [record(RequestID.make(group: 7, number: UInt64($0)), $0), record(RequestID.make(group: 7, number: UInt64($0)), $0, shadow: true)] }))
        }
        try log.append(PredictionBatch((300..<400).map { record("legacy-\($0)", $0) }))
        let labelled = [RequestID.make(group: 7, number: 5), RequestID.make(group: 7, number: 150), "legacy-333"]
        try log.recordFeedback(labelled.map { Feedback(requestID: $0, truth: [1]) }, deployment: "churn", timestamp: 5)
        let expected = try log.records(deployment: "churn", since: 0).filter { labelled.contains($0.requestID) }
        let labeled = try log.labeled(deployment: "churn", since: 0)
        #expect(labeled.map(\.timestamp) == expected.map(\.timestamp) && labeled.map(\.shadow) == expected.map(\.shadow))
        #expect(labeled.map(\.outputs) == [[5], [5], [150], [150], [333]])
        #expect(try log.labeled(deployment: "churn", since: 1_100).map(\.outputs) == [[150], [150], [333]], "the window still applies")
    }
}
