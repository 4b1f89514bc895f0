import AviaryCore
import AviaryMonitoring
import Foundation
import GRDB

/// The prediction log in its own SQLite file (WAL, `synchronous=NORMAL`: a committed batch
/// survives a killed process), apart from the tracking database so that logging traffic never
/// contends with tracking writes.
public struct SQLitePredictionLog: PredictionLogStore {
    let pool: DatabasePool

    /// Opens (creating if needed) the log at `path`.
    public init(path: String) throws {
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: AviaryDatabase.configuration())
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1-predictions") { db in
                try db.execute(sql: """
                    CREATE TABLE predictions (
                        request_id TEXT NOT NULL,
                        deployment TEXT NOT NULL,
                        variant TEXT NOT NULL,
                        model_version TEXT NOT NULL,
                        shadow INTEGER NOT NULL,
                        timestamp INTEGER NOT NULL,
                        latency_us INTEGER NOT NULL,
                        inputs TEXT NOT NULL,
                        outputs TEXT NOT NULL
                    );
                    CREATE INDEX predictions_by_time ON predictions(deployment, timestamp);
                    CREATE INDEX predictions_by_request ON predictions(request_id);
                    """)
            }
            migrator.registerMigration("v2-feedback-and-monitors") { db in
                try db.execute(sql: """
                    CREATE TABLE feedback (
                        request_id TEXT PRIMARY KEY,
                        deployment TEXT NOT NULL,
                        truth TEXT NOT NULL,
                        timestamp INTEGER NOT NULL
                    );
                    CREATE INDEX feedback_by_time ON feedback(deployment, timestamp);
                    CREATE TABLE monitor_passes (
                        deployment TEXT NOT NULL,
                        timestamp INTEGER NOT NULL,
                        report TEXT NOT NULL
                    );
                    CREATE INDEX monitor_passes_by_time ON monitor_passes(deployment, timestamp);
                    """)
            }
            try migrator.migrate(pool)
        } catch {
            throw AviaryError(.invalidState, "Cannot open the prediction log '\(path)': \((error as? DatabaseError)?.message ?? "\(error)")")
        }
    }

    public func append(_ records: [PredictionRecord]) throws {
        try pool.write { db in
            let insert = try RawStatement(db, sql: """
                INSERT INTO predictions (request_id, deployment, variant, model_version, shadow, timestamp, latency_us, inputs, outputs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for record in records {
                insert.bind(1, record.requestID)
                insert.bind(2, record.deployment)
                insert.bind(3, record.variant)
                insert.bind(4, record.modelVersion)
                insert.bind(5, Int64(record.shadow ? 1 : 0))
                insert.bind(6, record.timestamp)
                insert.bind(7, record.latencyMicroseconds)
                insert.bind(8, record.inputs)
                insert.bind(9, record.outputs)
                try insert.step()
            }
        }
    }

    /// A record from a row of `request_id, variant, model_version, shadow, timestamp, latency_us, inputs, outputs`.
    static func record(_ row: Row, deployment: String) -> PredictionRecord {
        PredictionRecord(
            requestID: row[0], deployment: deployment, variant: row[1], modelVersion: row[2], shadow: row[3], timestamp: row[4],
            latencyMicroseconds: row[5], inputs: row[6], outputs: row[7]
        )
    }

    public func deleteOlder(than cutoff: Int64) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM predictions WHERE timestamp < ?", arguments: [cutoff])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM feedback WHERE timestamp < ?", arguments: [cutoff])
            return deleted
        }
    }

    public func records(deployment: String, since: Int64) throws -> [PredictionRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT request_id, variant, model_version, shadow, timestamp, latency_us, inputs, outputs FROM predictions
                WHERE deployment = ? AND timestamp >= ? ORDER BY timestamp, rowid
                """, arguments: [deployment, since]).map { Self.record($0, deployment: deployment) }
        }
    }

    public func latest(deployment: String, count: Int) throws -> [PredictionRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT request_id, variant, model_version, shadow, timestamp, latency_us, inputs, outputs FROM predictions
                WHERE deployment = ? AND shadow = 0 ORDER BY timestamp DESC, rowid DESC LIMIT ?
                """, arguments: [deployment, count]).reversed().map { Self.record($0, deployment: deployment) }
        }
    }

    public func recordFeedback(_ feedback: [Feedback], deployment: String, timestamp: Int64) throws {
        try pool.write { db in
            let lookup = try db.makeStatement(sql: "SELECT outputs FROM predictions WHERE request_id = ? AND deployment = ? AND shadow = 0")
            var unknown: [String] = []
            for (k, item) in feedback.enumerated() {
                guard let outputs = try String.fetchOne(lookup, arguments: [item.requestID, deployment]) else {
                    unknown.append(item.requestID)
                    continue
                }
                let (values, width) = try LoggedValues.outputs(outputs)
                guard values.count / width == item.truth.count else {
                    throw AviaryError.invalid("feedback[\(k)].truth: request '\(item.requestID)' scored \(values.count / width) row(s), got \(item.truth.count) truth value(s)")
                }
            }
            guard unknown.isEmpty else {
                let shown = unknown.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                throw AviaryError.invalid(
                    "feedback: \(unknown.count) request id(s) are not in deployment '\(deployment)'s prediction log (\(shown)\(unknown.count > 5 ? ", …" : "")); nothing was recorded"
                )
            }
            let insert = try RawStatement(db, sql: "INSERT OR REPLACE INTO feedback (request_id, deployment, truth, timestamp) VALUES (?, ?, ?, ?)")
            for item in feedback {
                insert.bind(1, item.requestID)
                insert.bind(2, deployment)
                insert.bind(3, "[" + item.truth.map { "\($0)" }.joined(separator: ",") + "]")
                insert.bind(4, timestamp)
                try insert.step()
            }
        }
    }

    public func labeled(deployment: String, since: Int64) throws -> [LabeledPrediction] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.variant, p.model_version, p.shadow, p.timestamp, p.outputs, f.truth
                FROM feedback f JOIN predictions p ON p.request_id = f.request_id AND p.deployment = f.deployment
                WHERE f.deployment = ? AND p.timestamp >= ? ORDER BY p.timestamp, p.rowid
                """, arguments: [deployment, since]).map { row in
                LabeledPrediction(
                    variant: row[0], modelVersion: row[1], shadow: row[2], timestamp: row[3], outputs: row[4],
                    truth: LoggedValues.numbers((row[5] as String)[...])
                )
            }
        }
    }

    public func appendMonitorPass(_ pass: MonitorPass, deployment: String) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let report = String(decoding: try encoder.encode(pass), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO monitor_passes (deployment, timestamp, report) VALUES (?, ?, ?)", arguments: [deployment, pass.timestamp, report])
        }
    }

    public func monitorPasses(deployment: String, since: Int64) throws -> [MonitorPass] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try pool.read { db in
            try String.fetchAll(db, sql: "SELECT report FROM monitor_passes WHERE deployment = ? AND timestamp >= ? ORDER BY timestamp, rowid",
                                arguments: [deployment, since])
                .map { try decoder.decode(MonitorPass.self, from: Data($0.utf8)) }
        }
    }
}
