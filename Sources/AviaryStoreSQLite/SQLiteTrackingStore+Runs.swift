import AviaryCore
import Foundation
import AviaryTracking
import GRDB
import GRDBSQLite

extension SQLiteTrackingStore {
    public func createRun(_ run: NewRun) async throws -> Run {
        defer { statistics.noteRunsCreated(1) }
        return try await writer.write { db in
            let experiment = try Self.fetchExperiment(db, id: run.experimentID)
            try Self.requireActive(experiment)
            let artifactURI = "\(experiment.artifactLocation)/\(run.id)/artifacts"
            try db.execute(
                sql: """
                    INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
                    VALUES (?, ?, ?, ?, 'RUNNING', ?, 'active', ?)
                    """,
                arguments: [run.id, Int64(experiment.id), run.name, run.userID, run.startTime, artifactURI]
            )
            try Self.insertTags(db, runID: run.id, run.tags)
            return try Self.loadRuns(db, ids: [run.id])[0]
        }
    }

    public func run(id: String) async throws -> Run {
        try await writer.read { db in
            guard let run = try Self.loadRuns(db, ids: [id]).first else { throw Self.runNotFound(id) }
            return run
        }
    }

    public func updateRun(id: String, status: RunStatus?, endTime: Int64?, runName: String?) async throws -> RunInfo {
        try await writer.write { db in
            try Self.requireActiveRun(db, id: id)
            if let status {
                try db.execute(sql: "UPDATE runs SET status = ? WHERE run_uuid = ?", arguments: [status.rawValue, id])
            }
            if let endTime {
                try db.execute(sql: "UPDATE runs SET end_time = ? WHERE run_uuid = ?", arguments: [endTime, id])
            }
            if let runName {
                try Self.insertTags(db, runID: id, [Tag(key: RunInfo.runNameTag, value: runName)])
            }
            return try Self.loadRuns(db, ids: [id])[0].info
        }
    }

    public func setRunLifecycle(id: String, to stage: LifecycleStage, now: Int64) async throws {
        try await writer.write { db in
            // Deleting a deleted run or restoring an active one is a no-op, as in mlflow server.
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_uuid = ?", arguments: [id]) == true else {
                throw Self.runNotFound(id)
            }
            try db.execute(
                sql: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?",
                arguments: [stage.rawValue, stage == .deleted ? now : nil, id]
            )
        }
    }

    public func logBatch(runID: String, metrics: [Metric], params: [Tag], tags: [Tag]) async throws {
        try await writer.write { db in
            try Self.requireActiveRun(db, id: runID)
            try Self.insertMetrics(db, runID: runID, metrics)
            try Self.insertParams(db, runID: runID, params)
            try Self.insertTags(db, runID: runID, tags)
        }
    }

    public func deleteTag(runID: String, key: String) async throws {
        try await writer.write { db in
            try Self.requireActiveRun(db, id: runID)
            try db.execute(sql: "DELETE FROM tags WHERE run_uuid = ? AND key = ?", arguments: [runID, key])
            if db.changesCount == 0 {
                throw AviaryError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
        }
    }

    public func logInputs(runID: String, inputs: [DatasetInput]) async throws {
        try await writer.write { db in
            let experimentID = try Self.requireActiveRun(db, id: runID)
            var position = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run_inputs WHERE run_uuid = ?", arguments: [runID]) ?? 0
            for input in inputs {
                let dataset = input.dataset
                try db.execute(
                    sql: """
                        INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING
                        """,
                    arguments: [experimentID, dataset.name, dataset.digest, dataset.sourceType, dataset.source, dataset.schema, dataset.profile]
                )
                guard let datasetID = try Int64.fetchOne(
                    db, sql: "SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
                    arguments: [experimentID, dataset.name, dataset.digest]
                ) else {
                    throw AviaryError(.internalError, "Dataset '\(dataset.name)' vanished while logging inputs")
                }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO run_inputs (run_uuid, dataset_id, position) VALUES (?, ?, ?)",
                    arguments: [runID, datasetID, position]
                )
                position += 1
                for tag in input.tags {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO input_tags (run_uuid, dataset_id, key, value) VALUES (?, ?, ?, ?)",
                        arguments: [runID, datasetID, tag.key, tag.value]
                    )
                }
            }
        }
    }

    public func metricHistory(runID: String, key: String, page: PageToken, limit: Int?) async throws -> Page<Metric> {
        try await writer.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_uuid = ?", arguments: [runID]) == true else {
                throw Self.runNotFound(runID)
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT step, timestamp, value, is_nan, model_id, dataset_name, dataset_digest FROM metrics WHERE run_uuid = ? AND key = ?
                    ORDER BY timestamp, step, value LIMIT ? OFFSET ?
                    """,
                arguments: [runID, key, limit.map { $0 + 1 } ?? -1, page.offset]
            )
            var metrics: [Metric] = []
            while let row = try rows.next() {
                let isNaN: Bool = row[3]
                metrics.append(Metric(
                    key: key, value: isNaN ? .nan : row[2], timestamp: row[1], step: row[0], modelID: row[4], datasetName: row[5],
                    datasetDigest: row[6]
                ))
            }
            guard let limit else { return Page(items: metrics, nextPageToken: nil) }
            return Page(fetched: metrics, offset: page.offset, limit: limit)
        }
    }

    public func metricSeries(runID: String, key: String, axis: MetricAxis, columns: Int) async throws -> MetricSeries {
        // Step bounds are two seeks in the primary key (run_uuid, key, step, …).
        let steps: ClosedRange<Int64>? = try await writer.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_uuid = ?", arguments: [runID]) == true else {
                throw Self.runNotFound(runID)
            }
            let first = "SELECT step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step"
            guard let low = try Int64.fetchOne(db, sql: "\(first) LIMIT 1", arguments: [runID, key]),
                  let high = try Int64.fetchOne(db, sql: "\(first) DESC LIMIT 1", arguments: [runID, key]) else { return nil }
            return low...high
        }
        guard let steps else { return MetricSeries() }
        // Long histories are scanned in step ranges on parallel read connections, one
        // downsampler each; `merge` makes them one.
        // Steps are any Int64 a client sent, so the span (up to 2^64 - 1) is unsigned and the
        // offsets wrap back into Int64 exactly: lower + offset never passes upper.
        let span = UInt64(bitPattern: steps.upperBound &- steps.lowerBound)
        let count = span < 100_000 ? 1 : UInt64(min(ProcessInfo.processInfo.activeProcessorCount, 4))
        let ranges = (0..<count).map { k -> ClosedRange<Int64> in
            let low = k == 0 ? steps.lowerBound : steps.lowerBound &+ Int64(bitPattern: span / count * k + 1)
            let high = k == count - 1 ? steps.upperBound : steps.lowerBound &+ Int64(bitPattern: span / count * (k + 1))
            return low...high
        }
        let writer = writer
        var bounds = steps
        if axis == .time {
            // Time bounds take a pass over the timestamps, split the same way.
            bounds = try await withThrowingTaskGroup(of: ClosedRange<Int64>.self) { group in
                for range in ranges {
                    group.addTask {
                        try await writer.read { db in
                            let row = try Row.fetchOne(db, sql: "SELECT min(timestamp), max(timestamp) FROM metrics WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ?", arguments: [runID, key, range.lowerBound, range.upperBound])
                            let low: Int64 = row?[0] ?? 0
                            return low...max(low, row?[1] ?? low)
                        }
                    }
                }
                var bounds: ClosedRange<Int64>?
                for try await part in group { bounds = bounds.map { min($0.lowerBound, part.lowerBound)...max($0.upperBound, part.upperBound) } ?? part }
                return bounds ?? steps
            }
        }
        let empty = MetricDownsampler(axis: axis, lower: Double(bounds.lowerBound), upper: Double(bounds.upperBound), columns: columns)
        let parts = try await withThrowingTaskGroup(of: (Int, MetricDownsampler).self) { group in
            for (k, range) in ranges.enumerated() {
                group.addTask {
                    (k, try await writer.read { db in try Self.scanMetric(db, runID: runID, key: key, steps: range, into: empty) })
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        // Merged in step order, so ties between equal points resolve as in one pass.
        var result = empty
        for k in ranges.indices { result.merge(parts[k]!) }
        return result.series()
    }

    /// Feeds one step range of a metric's history to a downsampler, reading columns through
    /// SQLite's C API: decoding a million GRDB rows would cost several times the scan itself.
    private static func scanMetric(_ db: Database, runID: String, key: String, steps: ClosedRange<Int64>, into downsampler: MetricDownsampler) throws -> MetricDownsampler {
        var downsampler = downsampler
        let statement = try db.makeStatement(sql: """
            SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ?
            """)
        try statement.setArguments([runID, key, steps.lowerBound, steps.upperBound])
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return downsampler }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
            downsampler.add(
                step: sqlite3_column_int64(handle, 0), timestamp: sqlite3_column_int64(handle, 1),
                value: sqlite3_column_int(handle, 3) != 0 ? .nan : sqlite3_column_double(handle, 2)
            )
        }
    }

    // MARK: Helpers shared by the run operations

    static func runNotFound(_ id: String) -> AviaryError {
        .notFound("Run with id=\(id) not found")
    }

    /// Checks the run exists and is active; returns its experiment id.
    @discardableResult
    static func requireActiveRun(_ db: Database, id: String) throws -> Int64 {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?", arguments: [id]
        ) else {
            throw runNotFound(id)
        }
        let stage: String = row[0]
        guard stage == LifecycleStage.active.rawValue else {
            throw AviaryError.invalid("The run \(id) must be in the 'active' state. Current state is \(stage).")
        }
        return row[1]
    }

    static func insertMetrics(_ db: Database, runID: String, _ metrics: [Metric]) throws {
        guard !metrics.isEmpty else { return }
        let insert = try RawStatement(
            db,
            sql: """
                INSERT OR IGNORE INTO metrics (run_uuid, key, step, timestamp, value, is_nan, model_id, dataset_name, dataset_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        insert.bind(1, runID)
        // Only the newest value per key reaches latest_metrics: one upsert per key, not per row.
        var latest: [String: Metric] = [:]
        for metric in metrics {
            bindMetric(insert, metric, key: 2, step: 3, timestamp: 4, value: 5, isNaN: 6)
            insert.bind(7, metric.modelID)
            insert.bind(8, metric.datasetName)
            insert.bind(9, metric.datasetDigest)
            try insert.step()
            if let current = latest[metric.key], !isNewer(metric, than: current) { continue }
            latest[metric.key] = metric
        }
        let upsert = try RawStatement(
            db, sql: """
                INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_uuid, key) DO UPDATE SET
                    value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step
                WHERE (excluded.step, excluded.timestamp, excluded.value) >= (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
                """
        )
        upsert.bind(1, runID)
        for metric in latest.values {
            bindMetric(upsert, metric, key: 2, step: 6, timestamp: 5, value: 3, isNaN: 4)
            try upsert.step()
        }
    }

    /// NaN is stored as 0 with `is_nan` set, as mlflow server stores it.
    private static func bindMetric(
        _ statement: RawStatement, _ metric: Metric, key: Int32, step: Int32, timestamp: Int32, value: Int32, isNaN: Int32
    ) {
        statement.bind(key, metric.key)
        statement.bind(step, metric.step)
        statement.bind(timestamp, metric.timestamp)
        statement.bind(value, metric.value.isNaN ? 0 : metric.value)
        statement.bind(isNaN, Int64(metric.value.isNaN ? 1 : 0))
    }

    /// MLflow's notion of the latest value: greatest (step, timestamp, value).
    private static func isNewer(_ a: Metric, than b: Metric) -> Bool {
        let aValue = a.value.isNaN ? 0 : a.value
        let bValue = b.value.isNaN ? 0 : b.value
        return (a.step, a.timestamp, aValue) >= (b.step, b.timestamp, bValue)
    }

    static func insertParams(_ db: Database, runID: String, _ params: [Tag]) throws {
        guard !params.isEmpty else { return }
        let existing = try db.cachedStatement(sql: "SELECT value FROM params WHERE run_uuid = ? AND key = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)")
        for param in params {
            if let old = try String.fetchOne(existing, arguments: [runID, param.key]) {
                if old != param.value {
                    throw AviaryError.invalid(
                        "Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(old)' for run ID='\(runID)'. Attempted logging new value '\(param.value)'."
                    )
                }
                continue
            }
            try insert.execute(arguments: [runID, param.key, storedText(param.value)])
        }
    }

    static func insertTags(_ db: Database, runID: String, _ tags: [Tag]) throws {
        guard !tags.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tags (run_uuid, key, value) VALUES (?, ?, ?)")
        for tag in tags {
            try insert.execute(arguments: [runID, tag.key, storedText(tag.value)])
            if tag.key == RunInfo.runNameTag {
                try db.execute(sql: "UPDATE runs SET name = ? WHERE run_uuid = ?", arguments: [storedText(tag.value), runID])
            }
        }
    }
}
