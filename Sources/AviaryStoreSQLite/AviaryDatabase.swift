import AviaryCore
import AviaryTracking
import Foundation
import GRDB

/// The SQLite database behind every Aviary store: connection setup and named migrations.
///
/// The server opens a `DatabasePool` (WAL, `synchronous=NORMAL`: a commit survives a killed
/// process without an fsync per request; `FULL` with `fullSync`: it survives power loss too, at
/// an fsync per commit); tests open an in-memory `DatabaseQueue`.
public struct AviaryDatabase: Sendable {
    /// The connection all stores share.
    public let writer: any DatabaseWriter
    /// Planner statistics, refreshed as the runs table grows.
    let statistics: PlannerStatistics

    /// Opens (creating if needed) the database file at `path` and migrates it.
    /// - Parameters:
    ///   - defaultArtifactRoot: where the default experiment keeps artifacts.
    ///   - fullSync: `synchronous=FULL`, an fsync at every commit, for power-loss safety.
    public static func open(path: String, defaultArtifactRoot: String, fullSync: Bool = false) throws -> AviaryDatabase {
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: configuration(fullSync: fullSync))
            // GRDB sets the writer to NORMAL when it switches the pool to WAL, after our setup.
            if fullSync { try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") } }
            return try AviaryDatabase(writer: pool, defaultArtifactRoot: defaultArtifactRoot)
        } catch {
            throw AviaryError(.invalidState, "Cannot open the SQLite database '\(path)': \(describe(error))")
        }
    }

    /// An empty database in memory, for tests.
    public static func inMemory(defaultArtifactRoot: String = "mlflow-artifacts:") throws -> AviaryDatabase {
        try AviaryDatabase(writer: DatabaseQueue(configuration: configuration()), defaultArtifactRoot: defaultArtifactRoot)
    }

    init(writer: any DatabaseWriter, defaultArtifactRoot: String) throws {
        self.writer = writer
        self.statistics = PlannerStatistics(writer: writer)
        try Self.migrator(defaultArtifactRoot: defaultArtifactRoot).migrate(writer)
        try statistics.refresh()
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error)" }
        return (error as NSError).localizedDescription
    }

    /// Connection settings every Aviary SQLite file shares (busy wait, WAL-safe sync, mmap).
    static func configuration(fullSync: Bool = false) -> Configuration {
        var configuration = Configuration()
        // Concurrent writers wait for the lock instead of failing.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: fullSync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            // Searches hop between B-trees by primary key; mapped pages spare a read() per page.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        return configuration
    }

    private static func migrator(defaultArtifactRoot: String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tracking") { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    artifact_location TEXT NOT NULL,
                    lifecycle_stage TEXT NOT NULL,
                    creation_time INTEGER NOT NULL,
                    last_update_time INTEGER NOT NULL
                );
                CREATE TABLE experiment_tags (
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (experiment_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE runs (
                    run_uuid TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
                    name TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    start_time INTEGER,
                    end_time INTEGER,
                    deleted_time INTEGER,
                    lifecycle_stage TEXT NOT NULL,
                    artifact_uri TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time DESC, run_uuid);
                CREATE TABLE metrics (
                    run_uuid TEXT NOT NULL,
                    key TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    value REAL NOT NULL,
                    is_nan INTEGER NOT NULL,
                    PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
                ) WITHOUT ROWID;
                CREATE TABLE latest_metrics (
                    run_uuid TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value REAL NOT NULL,
                    is_nan INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    step INTEGER NOT NULL,
                    PRIMARY KEY (run_uuid, key)
                ) WITHOUT ROWID;
                CREATE INDEX latest_metrics_by_key ON latest_metrics(key, value);
                CREATE TABLE params (
                    run_uuid TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_uuid, key)
                ) WITHOUT ROWID;
                CREATE INDEX params_by_key ON params(key, value);
                CREATE TABLE tags (
                    run_uuid TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_uuid, key)
                ) WITHOUT ROWID;
                CREATE INDEX tags_by_key ON tags(key, value);
                CREATE TABLE datasets (
                    dataset_id INTEGER PRIMARY KEY,
                    experiment_id INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    source_type TEXT NOT NULL,
                    source TEXT NOT NULL,
                    schema TEXT,
                    profile TEXT,
                    UNIQUE (experiment_id, name, digest)
                );
                CREATE TABLE run_inputs (
                    run_uuid TEXT NOT NULL,
                    dataset_id INTEGER NOT NULL REFERENCES datasets(dataset_id),
                    position INTEGER NOT NULL,
                    PRIMARY KEY (run_uuid, dataset_id)
                ) WITHOUT ROWID;
                CREATE INDEX run_inputs_by_dataset ON run_inputs(dataset_id);
                CREATE TABLE input_tags (
                    run_uuid TEXT NOT NULL,
                    dataset_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_uuid, dataset_id, key)
                ) WITHOUT ROWID;
                """)
            let now = Clock.nowMillis()
            try db.execute(
                sql: """
                    INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (0, ?, ?, 'active', ?, ?)
                    """,
                arguments: [Experiment.defaultName, "\(defaultArtifactRoot)/0", now, now]
            )
        }
        migrator.registerMigration("v2-registry") { db in
            try db.execute(sql: """
                CREATE TABLE registered_models (
                    name TEXT PRIMARY KEY,
                    creation_time INTEGER NOT NULL,
                    last_updated_time INTEGER NOT NULL,
                    description TEXT NOT NULL,
                    -- Version numbers are never reused, even after deletes.
                    next_version INTEGER NOT NULL DEFAULT 1
                ) WITHOUT ROWID;
                CREATE TABLE registered_model_tags (
                    name TEXT NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (name, key)
                ) WITHOUT ROWID;
                CREATE TABLE model_versions (
                    name TEXT NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
                    version INTEGER NOT NULL,
                    creation_time INTEGER NOT NULL,
                    last_updated_time INTEGER NOT NULL,
                    user_id TEXT NOT NULL,
                    current_stage TEXT NOT NULL,
                    description TEXT NOT NULL,
                    source TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    run_link TEXT NOT NULL,
                    model_id TEXT,
                    PRIMARY KEY (name, version)
                ) WITHOUT ROWID;
                CREATE INDEX model_versions_by_run ON model_versions(run_id);
                CREATE TABLE model_version_tags (
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (name, version, key),
                    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE registered_model_aliases (
                    name TEXT NOT NULL,
                    alias TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    PRIMARY KEY (name, alias),
                    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-logged-models") { db in
            try db.execute(sql: """
                CREATE TABLE logged_models (
                    model_id TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
                    name TEXT NOT NULL,
                    artifact_location TEXT NOT NULL,
                    creation_time INTEGER NOT NULL,
                    last_updated_time INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    status_message TEXT NOT NULL DEFAULT '',
                    model_type TEXT NOT NULL,
                    source_run_id TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX logged_models_by_experiment ON logged_models(experiment_id, creation_time DESC);
                CREATE INDEX logged_models_by_run ON logged_models(source_run_id);
                CREATE TABLE logged_model_tags (
                    model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE logged_model_params (
                    model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE run_outputs (
                    run_uuid TEXT NOT NULL,
                    model_id TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    PRIMARY KEY (run_uuid, model_id)
                ) WITHOUT ROWID;
                ALTER TABLE model_versions ADD COLUMN storage_location TEXT;
                """)
        }
        migrator.registerMigration("v4-metric-model-links") { db in
            try db.execute(sql: """
                ALTER TABLE metrics ADD COLUMN model_id TEXT;
                ALTER TABLE metrics ADD COLUMN dataset_name TEXT;
                ALTER TABLE metrics ADD COLUMN dataset_digest TEXT;
                -- Partial: plain run metrics (the ingest hot path) pay nothing for it.
                CREATE INDEX metrics_by_model ON metrics(model_id, key) WHERE model_id IS NOT NULL;
                """)
        }
        return migrator
    }
}
