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

    public func deleteOlder(than cutoff: Int64) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM predictions WHERE timestamp < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    public func records(deployment: String, since: Int64) throws -> [PredictionRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT request_id, variant, model_version, shadow, timestamp, latency_us, inputs, outputs FROM predictions
                WHERE deployment = ? AND timestamp >= ? ORDER BY timestamp, rowid
                """, arguments: [deployment, since]).map { row in
                PredictionRecord(
                    requestID: row[0], deployment: deployment, variant: row[1], modelVersion: row[2], shadow: row[3], timestamp: row[4],
                    latencyMicroseconds: row[5], inputs: row[6], outputs: row[7]
                )
            }
        }
    }
}
