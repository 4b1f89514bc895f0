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
            // Inputs and outputs as float64 blobs instead of JSON text: writing them costs a copy,
            // not a number formatter per value. Logs from before are kept in predictions_v1.
            migrator.registerMigration("v3-binary-rows") { db in
                try db.execute(sql: """
                    ALTER TABLE predictions RENAME TO predictions_v1;
                    DROP INDEX predictions_by_time;
                    DROP INDEX predictions_by_request;
                    CREATE TABLE predictions (
                        request_id TEXT NOT NULL,
                        deployment TEXT NOT NULL,
                        variant TEXT NOT NULL,
                        model_version TEXT NOT NULL,
                        shadow INTEGER NOT NULL,
                        timestamp INTEGER NOT NULL,
                        latency_us INTEGER NOT NULL,
                        columns TEXT NOT NULL,
                        features BLOB NOT NULL,
                        outputs BLOB NOT NULL,
                        output_width INTEGER NOT NULL,
                        float32 INTEGER NOT NULL
                    );
                    CREATE INDEX predictions_by_time ON predictions(deployment, timestamp);
                    CREATE INDEX predictions_by_request ON predictions(request_id);
                    """)
            }
            // Each model's input column names once, not in every row: they were ~40% of a 1-row
            // request's row, written (twice, with the WAL) on every request.
            migrator.registerMigration("v4-column-names-once") { db in
                try db.execute(sql: """
                    CREATE TABLE prediction_columns (id INTEGER PRIMARY KEY, names TEXT NOT NULL UNIQUE);
                    INSERT INTO prediction_columns (names) SELECT DISTINCT columns FROM predictions;
                    ALTER TABLE predictions ADD COLUMN columns_id INTEGER NOT NULL DEFAULT 0;
                    UPDATE predictions SET columns_id = (SELECT id FROM prediction_columns WHERE names = predictions.columns);
                    ALTER TABLE predictions DROP COLUMN columns;
                    """)
            }
            try migrator.migrate(pool)
        } catch {
            throw AviaryError(.invalidState, "Cannot open the prediction log '\(path)': \((error as? DatabaseError)?.message ?? "\(error)")")
        }
    }

    public func append(_ batch: PredictionBatch) throws {
        try pool.write { db in
            let insert = try RawStatement(db, sql: """
                INSERT INTO predictions (request_id, deployment, variant, model_version, shadow, timestamp, latency_us, columns_id, features,
                                         outputs, output_width, float32)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // Bindings persist across rows, so what a source holds is bound when the source
            // changes, and its column names are looked up once per source and batch.
            var columnsIDs = [Int64?](repeating: nil, count: batch.sources.count)
            var bound: Int?
            for entry in batch.entries {
                if entry.source != bound {
                    let source = batch.sources[entry.source]
                    let columnsID = try columnsIDs[entry.source] ?? Self.columnsID(db, source.columns)
                    columnsIDs[entry.source] = columnsID
                    insert.bind(2, source.deployment)
                    insert.bind(3, source.variant)
                    insert.bind(4, source.modelVersion)
                    insert.bind(5, Int64(source.shadow ? 1 : 0))
                    insert.bind(8, columnsID)
                    bound = entry.source
                }
                insert.bind(1, entry.requestID)
                insert.bind(6, entry.timestamp)
                insert.bind(7, entry.latencyMicroseconds)
                insert.bind(9, batch.features[entry.features])
                insert.bind(10, batch.outputs[entry.outputs])
                insert.bind(11, Int64(entry.outputWidth))
                insert.bind(12, Int64(entry.float32 ? 1 : 0))
                try insert.step()
            }
        }
    }

    /// The id of a column-names JSON array in `prediction_columns`, added if new.
    static func columnsID(_ db: Database, _ names: String) throws -> Int64 {
        try db.execute(sql: "INSERT OR IGNORE INTO prediction_columns (names) VALUES (?)", arguments: [names])
        return try Int64.fetchOne(db, sql: "SELECT id FROM prediction_columns WHERE names = ?", arguments: [names])!
    }

    /// Every column-names array by id; records read together share these strings.
    static func columnNames(_ db: Database) throws -> [Int64: String] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, names FROM prediction_columns").map { ($0[0], $0[1]) })
    }

    /// The columns `record(_:deployment:names:)` reads, in order.
    static let recordColumns = "request_id, variant, model_version, shadow, timestamp, latency_us, columns_id, features, outputs, output_width, float32"

    /// A record from a row of `recordColumns` (read from a cursor: values are decoded straight
    /// from the statement, not boxed first); `names` maps `columns_id` to its names.
    static func record(_ row: Row, deployment: String, names: [Int64: String]) throws -> PredictionRecord {
        PredictionRecord(
            requestID: row[0], deployment: deployment, variant: row[1], modelVersion: row[2], shadow: row[3], timestamp: row[4],
            latencyMicroseconds: row[5], columns: names[row[6]] ?? "[]", features: try doubles(row, 7), outputs: try doubles(row, 8),
            outputWidth: row[9], float32: row[10]
        )
    }

    /// A float64 blob column back as numbers, copied straight from SQLite's buffer (which need
    /// not be aligned for Double, so it is copied, not rebound).
    static func doubles(_ row: Row, _ index: Int) throws -> [Double] {
        try row.withUnsafeData(atIndex: index) { blob in
            guard let blob else { return [] }
            return [Double](unsafeUninitializedCapacity: blob.count / 8) { buffer, count in
                count = blob.copyBytes(to: buffer) / 8
            }
        }
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
            let names = try Self.columnNames(db)
            return try Array(Row.fetchCursor(db, sql: """
                SELECT \(Self.recordColumns) FROM predictions
                WHERE deployment = ? AND timestamp >= ? ORDER BY timestamp, rowid
                """, arguments: [deployment, since]).map { try Self.record($0, deployment: deployment, names: names) })
        }
    }

    public func latest(deployment: String, count: Int) throws -> [PredictionRecord] {
        try pool.read { db in
            let names = try Self.columnNames(db)
            return try Array(Row.fetchCursor(db, sql: """
                SELECT \(Self.recordColumns) FROM predictions
                WHERE deployment = ? AND shadow = 0 ORDER BY timestamp DESC, rowid DESC LIMIT ?
                """, arguments: [deployment, count]).map { try Self.record($0, deployment: deployment, names: names) }).reversed()
        }
    }

    public func recordFeedback(_ feedback: [Feedback], deployment: String, timestamp: Int64) throws {
        try pool.write { db in
            let lookup = try db.makeStatement(
                sql: "SELECT length(outputs) / 8 / output_width FROM predictions WHERE request_id = ? AND deployment = ? AND shadow = 0"
            )
            var unknown: [String] = []
            for (k, item) in feedback.enumerated() {
                guard let rows = try Int.fetchOne(lookup, arguments: [item.requestID, deployment]) else {
                    unknown.append(item.requestID)
                    continue
                }
                guard rows == item.truth.count else {
                    throw AviaryError.invalid("feedback[\(k)].truth: request '\(item.requestID)' scored \(rows) row(s), got \(item.truth.count) truth value(s)")
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
            try Array(Row.fetchCursor(db, sql: """
                SELECT p.variant, p.model_version, p.shadow, p.timestamp, p.outputs, p.output_width, f.truth
                FROM feedback f JOIN predictions p ON p.request_id = f.request_id AND p.deployment = f.deployment
                WHERE f.deployment = ? AND p.timestamp >= ? ORDER BY p.timestamp, p.rowid
                """, arguments: [deployment, since]).map { row in
                LabeledPrediction(
                    variant: row[0], modelVersion: row[1], shadow: row[2], timestamp: row[3], outputs: try Self.doubles(row, 4), outputWidth: row[5],
                    truth: LoggedValues.numbers((row[6] as String)[...])
                )
            })
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
