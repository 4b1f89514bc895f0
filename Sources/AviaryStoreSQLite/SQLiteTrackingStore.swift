import AviaryCore
import AviaryTracking
import GRDB

/// `TrackingStore` on SQLite through GRDB: one transaction per call, prepared statements.
public struct SQLiteTrackingStore: TrackingStore {
    let writer: any DatabaseWriter
    let statistics: PlannerStatistics
    /// Experiments created without an artifact location get `<root>/<experiment id>`.
    let defaultArtifactRoot: String

    public init(database: AviaryDatabase, defaultArtifactRoot: String) {
        self.writer = database.writer
        self.statistics = database.statistics
        self.defaultArtifactRoot = defaultArtifactRoot
    }

    // MARK: Experiments

    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag], now: Int64) async throws -> String {
        let root = defaultArtifactRoot
        return try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM experiments WHERE name = ?", arguments: [name]) == true {
                throw AviaryError.alreadyExists("Experiment(name=\(name)) already exists.")
            }
            try db.execute(
                sql: """
                    INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, '', 'active', ?, ?)
                    """,
                arguments: [name, now, now]
            )
            let id = db.lastInsertedRowID
            try db.execute(
                sql: "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                arguments: [artifactLocation ?? "\(root)/\(id)", id]
            )
            for tag in tags {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                    arguments: [id, tag.key, storedText(tag.value)]
                )
            }
            return String(id)
        }
    }

    public func experiment(id: String) async throws -> Experiment {
        try await writer.read { db in try Self.fetchExperiment(db, id: id) }
    }

    public func experiment(named name: String) async throws -> Experiment {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM experiments WHERE name = ?", arguments: [name]) else {
                throw AviaryError.notFound("Could not find experiment with name '\(name)'")
            }
            return try Self.experiment(from: row, db)
        }
    }

    public func renameExperiment(id: String, to newName: String, now: Int64) async throws {
        try await writer.write { db in
            let experiment = try Self.fetchExperiment(db, id: id)
            guard experiment.lifecycleStage == .active else {
                throw AviaryError.invalid("Cannot rename a non-active experiment.")
            }
            if experiment.name == newName { return }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM experiments WHERE name = ?", arguments: [newName]) == true {
                // mlflow server reports a rename collision as BAD_REQUEST, unlike a create collision.
                throw AviaryError(.badRequest, "Cannot rename experiment \(id): an experiment named '\(newName)' already exists.")
            }
            try db.execute(
                sql: "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                arguments: [newName, now, experiment.id]
            )
        }
    }

    public func setExperimentLifecycle(id: String, to stage: LifecycleStage, now: Int64) async throws {
        try await writer.write { db in
            let experiment = try Self.fetchExperiment(db, id: id)
            if stage == .active, experiment.lifecycleStage == .active {
                throw AviaryError.invalid("Cannot restore an active experiment.")
            }
            if stage == .deleted, experiment.lifecycleStage == .deleted {
                throw AviaryError.notFound("Experiment \(id) is already deleted.")
            }
            try db.execute(
                sql: "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                arguments: [stage.rawValue, now, experiment.id]
            )
            // MLflow deletes and restores an experiment's runs along with it.
            try db.execute(
                sql: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                arguments: [stage.rawValue, stage == .deleted ? now : nil, experiment.id]
            )
        }
    }

    public func setExperimentTag(id: String, _ tag: Tag) async throws {
        try await writer.write { db in
            let experiment = try Self.fetchExperiment(db, id: id)
            try Self.requireActive(experiment)
            try db.execute(
                sql: "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                arguments: [experiment.id, tag.key, storedText(tag.value)]
            )
        }
    }

    public func deleteExperimentTag(id: String, key: String) async throws {
        try await writer.write { db in
            let experiment = try Self.fetchExperiment(db, id: id)
            try Self.requireActive(experiment)
            try db.execute(
                sql: "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", arguments: [experiment.id, key]
            )
            if db.changesCount == 0 {
                throw AviaryError.notFound("No tag with name: \(key) in experiment with id \(id)")
            }
        }
    }

    public func searchExperiments(_ query: ExperimentQuery) async throws -> Page<Experiment> {
        let statement = ExperimentSearchSQL(query: query)
        return try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments)
            let experiments = try rows.map { try Self.experiment(from: $0, db) }
            return Page(fetched: experiments, offset: query.page.offset, limit: query.maxResults)
        }
    }

    static func fetchExperiment(_ db: Database, id: String) throws -> Experiment {
        guard let numericID = Int64(id) else {
            throw AviaryError.invalid("Invalid experiment id '\(id)': experiment ids are integers")
        }
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM experiments WHERE experiment_id = ?", arguments: [numericID]) else {
            throw AviaryError.notFound("No Experiment with id=\(id) exists")
        }
        return try experiment(from: row, db)
    }

    static func experiment(from row: Row, _ db: Database) throws -> Experiment {
        let id: Int64 = row["experiment_id"]
        let tags = try Row.fetchAll(
            db, sql: "SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key", arguments: [id]
        ).map { Tag(key: $0[0], value: $0.storedText(1)) }
        return Experiment(
            id: String(id), name: row["name"], artifactLocation: row["artifact_location"],
            lifecycleStage: LifecycleStage(rawValue: row["lifecycle_stage"]) ?? .active,
            creationTime: row["creation_time"], lastUpdateTime: row["last_update_time"], tags: tags
        )
    }

    static func requireActive(_ experiment: Experiment) throws {
        guard experiment.lifecycleStage == .active else {
            throw AviaryError.invalid(
                "The experiment \(experiment.id) must be in the 'active' state. Current state is \(experiment.lifecycleStage.rawValue)."
            )
        }
    }
}
