import AviaryCore
import AviaryRegistry
import AviaryTracking
import GRDB

/// `RegistryStore` on SQLite through GRDB: one transaction per call.
public struct SQLiteRegistryStore: RegistryStore {
    let writer: any DatabaseWriter

    public init(database: AviaryDatabase) {
        self.writer = database.writer
    }

    // MARK: Registered models

    public func createRegisteredModel(name: String, description: String, tags: [Tag], now: Int64) async throws -> RegisteredModel {
        try await writer.write { db in
            if try Self.modelExists(db, name) {
                throw AviaryError.alreadyExists("Registered Model (name=\(name)) already exists.")
            }
            try db.execute(
                sql: "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)",
                arguments: [name, now, now, storedText(description)]
            )
            for tag in tags { try Self.upsertModelTag(db, name, tag) }
            return try Self.loadModel(db, name)
        }
    }

    public func registeredModel(named name: String) async throws -> RegisteredModel {
        try await writer.read { db in try Self.loadModel(db, name) }
    }

    public func renameRegisteredModel(_ name: String, to newName: String, now: Int64) async throws -> RegisteredModel {
        try await writer.write { db in
            try Self.requireModel(db, name)
            if name != newName, try Self.modelExists(db, newName) {
                throw AviaryError.alreadyExists("Registered Model (name=\(newName)) already exists.")
            }
            // Versions, tags and aliases follow through ON UPDATE CASCADE.
            try db.execute(
                sql: "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?", arguments: [newName, now, name]
            )
            return try Self.loadModel(db, newName)
        }
    }

    public func updateRegisteredModel(_ name: String, description: String, now: Int64) async throws -> RegisteredModel {
        try await writer.write { db in
            try Self.requireModel(db, name)
            try db.execute(
                sql: "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?",
                arguments: [storedText(description), now, name]
            )
            return try Self.loadModel(db, name)
        }
    }

    public func deleteRegisteredModel(_ name: String) async throws {
        try await writer.write { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "DELETE FROM registered_models WHERE name = ?", arguments: [name])
        }
    }

    public func searchRegisteredModels(_ query: RegistryQuery) async throws -> Page<RegisteredModel> {
        let statement = RegistrySearchSQL(registeredModels: query)
        return try await writer.read { db in
            let names = try String.fetchAll(db, sql: statement.sql, arguments: statement.arguments)
            return Page(fetched: try names.map { try Self.loadModel(db, $0) }, offset: query.page.offset, limit: query.maxResults)
        }
    }

    public func setRegisteredModelTag(_ name: String, _ tag: Tag, now: Int64) async throws {
        try await writer.write { db in
            try Self.requireModel(db, name)
            try Self.upsertModelTag(db, name, tag)
        }
    }

    public func deleteRegisteredModelTag(_ name: String, key: String) async throws {
        try await writer.write { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "DELETE FROM registered_model_tags WHERE name = ? AND key = ?", arguments: [name, key])
        }
    }

    // MARK: Aliases

    public func setAlias(_ name: String, alias: String, version: Int64, now: Int64) async throws {
        try await writer.write { db in
            try Self.requireVersion(db, name, version)
            try db.execute(
                sql: "INSERT OR REPLACE INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)",
                arguments: [name, alias, version]
            )
            try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", arguments: [now, name])
        }
    }

    public func deleteAlias(_ name: String, alias: String) async throws {
        try await writer.write { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
        }
    }

    public func modelVersion(_ name: String, alias: String) async throws -> ModelVersion {
        try await writer.read { db in
            try Self.requireModel(db, name)
            guard let version = try Int64.fetchOne(
                db, sql: "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias]
            ) else {
                // mlflow server reports an unknown alias as INVALID_PARAMETER_VALUE.
                throw AviaryError.invalid("Registered model alias \(alias) not found.")
            }
            return try Self.loadVersion(db, name, version)
        }
    }

    // MARK: Model versions

    public func createModelVersion(_ new: NewModelVersion) async throws -> ModelVersion {
        try await writer.write { db in
            guard let version = try Int64.fetchOne(db, sql: "SELECT next_version FROM registered_models WHERE name = ?", arguments: [new.name]) else {
                throw Self.modelNotFound(new.name)
            }
            try db.execute(
                sql: """
                    INSERT INTO model_versions (name, version, creation_time, last_updated_time, user_id, current_stage,
                                                description, source, run_id, run_link, model_id, storage_location)
                    VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    new.name, version, new.now, new.now, new.userID, storedText(new.description), new.source, new.runID,
                    new.runLink, new.modelID, new.storageLocation,
                ]
            )
            let (next, overflow) = version.addingReportingOverflow(1)
            guard !overflow else { throw AviaryError.invalid("Registered model '\(new.name)' has no version numbers left") }
            try db.execute(
                sql: "UPDATE registered_models SET next_version = ?, last_updated_time = ? WHERE name = ?",
                arguments: [next, new.now, new.name]
            )
            for tag in new.tags { try Self.upsertVersionTag(db, new.name, version, tag) }
            return try Self.loadVersion(db, new.name, version)
        }
    }

    public func modelVersion(_ name: String, version: Int64) async throws -> ModelVersion {
        try await writer.read { db in try Self.loadVersion(db, name, version) }
    }

    public func updateModelVersion(_ name: String, version: Int64, description: String, now: Int64) async throws -> ModelVersion {
        try await writer.write { db in
            try Self.requireVersion(db, name, version)
            try db.execute(
                sql: "UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?",
                arguments: [storedText(description), now, name, version]
            )
            return try Self.loadVersion(db, name, version)
        }
    }

    public func deleteModelVersion(_ name: String, version: Int64) async throws {
        try await writer.write { db in
            try Self.requireVersion(db, name, version)
            try db.execute(sql: "DELETE FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version])
        }
    }

    public func searchModelVersions(_ query: RegistryQuery) async throws -> Page<ModelVersion> {
        let statement = RegistrySearchSQL(modelVersions: query)
        return try await writer.read { db in
            let keys = try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map { (name: $0[0] as String, version: $0[1] as Int64) }
            return Page(fetched: try Self.loadVersions(db, keys), offset: query.page.offset, limit: query.maxResults)
        }
    }

    public func transitionStage(_ name: String, version: Int64, to stage: ModelStage, archiveExisting: Bool, now: Int64) async throws -> ModelVersion {
        try await writer.write { db in
            try Self.requireVersion(db, name, version)
            if archiveExisting, stage == .staging || stage == .production {
                try db.execute(
                    sql: """
                        UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?
                        WHERE name = ? AND current_stage = ? AND version != ?
                        """,
                    arguments: [now, name, stage.rawValue, version]
                )
            }
            try db.execute(
                sql: "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?",
                arguments: [stage.rawValue, now, name, version]
            )
            return try Self.loadVersion(db, name, version)
        }
    }

    public func setModelVersionTag(_ name: String, version: Int64, _ tag: Tag) async throws {
        try await writer.write { db in
            try Self.requireVersion(db, name, version)
            try Self.upsertVersionTag(db, name, version, tag)
        }
    }

    public func deleteModelVersionTag(_ name: String, version: Int64, key: String) async throws {
        try await writer.write { db in
            try Self.requireVersion(db, name, version)
            try db.execute(
                sql: "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?", arguments: [name, version, key]
            )
        }
    }
}
