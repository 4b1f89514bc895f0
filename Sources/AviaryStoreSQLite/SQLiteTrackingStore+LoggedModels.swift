import AviaryCore
import AviaryTracking
import GRDB

extension SQLiteTrackingStore {
    public func createLoggedModel(_ model: NewLoggedModel) async throws -> LoggedModel {
        try await writer.write { db in
            let experiment = try Self.fetchExperiment(db, id: model.experimentID)
            try Self.requireActive(experiment)
            try db.execute(
                sql: """
                    INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                                               status, model_type, source_run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    model.id, Int64(experiment.id), model.name, "\(experiment.artifactLocation)/models/\(model.id)/artifacts",
                    model.now, model.now, LoggedModelStatus.pending.rawValue, model.modelType, model.sourceRunID,
                ]
            )
            for tag in model.tags { try Self.upsertLoggedModelValue(db, table: "logged_model_tags", model.id, tag) }
            for param in model.params { try Self.upsertLoggedModelValue(db, table: "logged_model_params", model.id, param) }
            return try Self.loadLoggedModel(db, model.id)
        }
    }

    public func loggedModel(id: String) async throws -> LoggedModel {
        try await writer.read { db in try Self.loadLoggedModel(db, id) }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus, now: Int64) async throws -> LoggedModel {
        try await writer.write { db in
            try Self.requireLoggedModel(db, id)
            try db.execute(
                sql: "UPDATE logged_models SET status = ?, last_updated_time = ? WHERE model_id = ?", arguments: [status.rawValue, now, id]
            )
            return try Self.loadLoggedModel(db, id)
        }
    }

    public func setLoggedModelTags(id: String, _ tags: [Tag], now: Int64) async throws {
        try await writer.write { db in
            try Self.requireLoggedModel(db, id)
            for tag in tags { try Self.upsertLoggedModelValue(db, table: "logged_model_tags", id, tag) }
            try db.execute(sql: "UPDATE logged_models SET last_updated_time = ? WHERE model_id = ?", arguments: [now, id])
        }
    }

    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await writer.write { db in
            try Self.requireLoggedModel(db, id)
            try db.execute(sql: "DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?", arguments: [id, key])
            if db.changesCount == 0 { throw AviaryError.notFound("No tag with key '\(key)' on logged model \(id)") }
        }
    }

    public func logLoggedModelParams(id: String, _ params: [Tag]) async throws {
        try await writer.write { db in
            try Self.requireLoggedModel(db, id)
            for param in params { try Self.upsertLoggedModelValue(db, table: "logged_model_params", id, param) }
        }
    }

    public func deleteLoggedModel(id: String) async throws {
        try await writer.write { db in
            try Self.requireLoggedModel(db, id)
            try db.execute(sql: "DELETE FROM logged_models WHERE model_id = ?", arguments: [id])
        }
    }

    public func searchLoggedModels(_ query: LoggedModelQuery) async throws -> Page<LoggedModel> {
        var conditions = ["m.experiment_id IN (\(RunSearchSQL.placeholders(query.experimentIDs.count)))"]
        var values: [(any DatabaseValueConvertible)?] = query.experimentIDs.map { Int64($0) ?? -1 }
        for (field, value) in query.equalities {
            if field.hasPrefix("tags.") || field.hasPrefix("params.") {
                let table = field.hasPrefix("tags.") ? "logged_model_tags" : "logged_model_params"
                let key = String(field.drop(while: { $0 != "." }).dropFirst())
                conditions.append("EXISTS (SELECT 1 FROM \(table) t WHERE t.model_id = m.model_id AND t.key = ? AND t.value = ?)")
                values += [key, value]
            } else {
                // Only fixed column names reach here (checked by TrackingService).
                conditions.append("m.\(field) = ?")
                values.append(value)
            }
        }
        let sql = """
            SELECT m.model_id FROM logged_models m WHERE \(conditions.joined(separator: " AND "))
            ORDER BY m.creation_time DESC, m.model_id LIMIT ? OFFSET ?
            """
        let arguments = StatementArguments(values + [query.maxResults + 1, query.page.offset])
        return try await writer.read { db in
            let ids = try String.fetchAll(db, sql: sql, arguments: arguments)
            return Page(fetched: try ids.map { try Self.loadLoggedModel(db, $0) }, offset: query.page.offset, limit: query.maxResults)
        }
    }

    public func logOutputs(runID: String, _ outputs: [ModelOutput]) async throws {
        try await writer.write { db in
            try Self.requireActiveRun(db, id: runID)
            for output in outputs {
                try Self.requireLoggedModel(db, output.modelID)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_outputs (run_uuid, model_id, step) VALUES (?, ?, ?)",
                    arguments: [runID, output.modelID, output.step]
                )
            }
        }
    }

    // MARK: Helpers

    static func requireLoggedModel(_ db: Database, _ id: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM logged_models WHERE model_id = ?", arguments: [id]) == true else {
            throw AviaryError.notFound("Logged model with ID '\(id)' not found.")
        }
    }

    static func upsertLoggedModelValue(_ db: Database, table: String, _ id: String, _ pair: Tag) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO \(table) (model_id, key, value) VALUES (?, ?, ?)", arguments: [id, pair.key, storedText(pair.value)])
    }

    static func loadLoggedModel(_ db: Database, _ id: String) throws -> LoggedModel {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT experiment_id, name, artifact_location, creation_time, last_updated_time, status, status_message, model_type, source_run_id
                FROM logged_models WHERE model_id = ?
                """,
            arguments: [id]
        ) else {
            throw AviaryError.notFound("Logged model with ID '\(id)' not found.")
        }
        func pairs(_ table: String) throws -> [Tag] {
            try Row.fetchAll(db, sql: "SELECT key, value FROM \(table) WHERE model_id = ? ORDER BY key", arguments: [id])
                .map { Tag(key: $0[0], value: $0.storedText(1)) }
        }
        // Every value logged against the model, as mlflow server reports them.
        let metrics = try Row.fetchAll(
            db,
            sql: """
                SELECT key, value, is_nan, timestamp, step, dataset_name, dataset_digest FROM metrics
                WHERE model_id = ? ORDER BY key, step, timestamp
                """,
            arguments: [id]
        ).map { row -> Metric in
            let isNaN: Bool = row[2]
            return Metric(
                key: row[0], value: isNaN ? .nan : row[1], timestamp: row[3], step: row[4], modelID: id,
                datasetName: row[5], datasetDigest: row[6]
            )
        }
        let experimentID: Int64 = row[0]
        return LoggedModel(
            id: id, experimentID: String(experimentID), name: row[1], artifactURI: row[2], creationTimestamp: row[3],
            lastUpdatedTimestamp: row[4], status: LoggedModelStatus(rawValue: row[5]) ?? .unspecified, statusMessage: row[6],
            modelType: row[7], sourceRunID: row[8], tags: try pairs("logged_model_tags"), params: try pairs("logged_model_params"),
            metrics: metrics
        )
    }
}
