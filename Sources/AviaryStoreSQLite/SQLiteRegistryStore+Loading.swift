import AviaryCore
import AviaryRegistry
import AviaryTracking
import GRDB

extension SQLiteRegistryStore {
    static func modelNotFound(_ name: String) -> AviaryError {
        .notFound("Registered Model with name=\(name) not found")
    }

    static func modelExists(_ db: Database, _ name: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM registered_models WHERE name = ?", arguments: [name]) == true
    }

    static func requireModel(_ db: Database, _ name: String) throws {
        guard try modelExists(db, name) else { throw modelNotFound(name) }
    }

    static func requireVersion(_ db: Database, _ name: String, _ version: Int64) throws {
        guard try Bool.fetchOne(
            db, sql: "SELECT 1 FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version]
        ) == true else {
            try requireModel(db, name)
            throw AviaryError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
    }

    static func upsertModelTag(_ db: Database, _ name: String, _ tag: Tag) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)",
            arguments: [name, tag.key, storedText(tag.value)]
        )
    }

    static func upsertVersionTag(_ db: Database, _ name: String, _ version: Int64, _ tag: Tag) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
            arguments: [name, version, tag.key, storedText(tag.value)]
        )
    }

    static func loadModel(_ db: Database, _ name: String) throws -> RegisteredModel {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT creation_time, last_updated_time, description FROM registered_models WHERE name = ?", arguments: [name]
        ) else {
            throw modelNotFound(name)
        }
        let tags = try Row.fetchAll(
            db, sql: "SELECT key, value FROM registered_model_tags WHERE name = ? ORDER BY key", arguments: [name]
        ).map { Tag(key: $0[0], value: $0.storedText(1)) }
        let aliases = try Row.fetchAll(
            db, sql: "SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias", arguments: [name]
        ).map { ModelAlias(alias: $0[0], version: $0[1]) }
        // The newest version in each stage.
        let latest = try Int64.fetchAll(
            db,
            sql: "SELECT MAX(version) FROM model_versions WHERE name = ? GROUP BY current_stage ORDER BY MAX(version)",
            arguments: [name]
        )
        return RegisteredModel(
            name: name, creationTimestamp: row[0], lastUpdatedTimestamp: row[1], description: row.storedText(2),
            tags: tags, aliases: aliases, latestVersions: try latest.map { try loadVersion(db, name, $0) }
        )
    }

    /// Loads many versions, in the order given, with three queries per chunk rather than three
    /// per version (a search page holds up to 200,000).
    static func loadVersions(_ db: Database, _ keys: [(name: String, version: Int64)]) throws -> [ModelVersion] {
        var loaded: [String: ModelVersion] = [:]
        func id(_ name: String, _ version: Int64) -> String { "\(version)/\(name)" }
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(start + 400, keys.count)]
            start += chunk.count
            let pairs = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
            let arguments = StatementArguments(chunk.flatMap { [$0.name, $0.version] as [(any DatabaseValueConvertible)?] })
            var tags: [String: [Tag]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT name, version, key, value FROM model_version_tags WHERE (name, version) IN (VALUES \(pairs)) ORDER BY key",
                arguments: arguments
            ) {
                tags[id(row[0], row[1]), default: []].append(Tag(key: row[2], value: row.storedText(3)))
            }
            var aliases: [String: [String]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT name, version, alias FROM registered_model_aliases WHERE (name, version) IN (VALUES \(pairs)) ORDER BY alias",
                arguments: arguments
            ) {
                aliases[id(row[0], row[1]), default: []].append(row[2])
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT name, version, creation_time, last_updated_time, user_id, current_stage, description, source, run_id,
                           run_link, model_id, storage_location
                    FROM model_versions WHERE (name, version) IN (VALUES \(pairs))
                    """,
                arguments: arguments
            ) {
                let key = id(row[0], row[1])
                loaded[key] = ModelVersion(
                    name: row[0], version: row[1], creationTimestamp: row[2], lastUpdatedTimestamp: row[3], userID: row[4],
                    currentStage: ModelStage(rawValue: row[5]) ?? .none, description: row.storedText(6), source: row[7],
                    runID: row[8], runLink: row[9], tags: tags[key] ?? [], aliases: aliases[key] ?? [], modelID: row[10],
                    storageLocation: row[11] ?? row[7]
                )
            }
        }
        return keys.compactMap { loaded[id($0.name, $0.version)] }
    }

    static func loadVersion(_ db: Database, _ name: String, _ version: Int64) throws -> ModelVersion {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT creation_time, last_updated_time, user_id, current_stage, description, source, run_id, run_link, model_id,
                       storage_location
                FROM model_versions WHERE name = ? AND version = ?
                """,
            arguments: [name, version]
        ) else {
            try requireModel(db, name)
            throw AviaryError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        let tags = try Row.fetchAll(
            db, sql: "SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key", arguments: [name, version]
        ).map { Tag(key: $0[0], value: $0.storedText(1)) }
        let aliases = try String.fetchAll(
            db, sql: "SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias", arguments: [name, version]
        )
        return ModelVersion(
            name: name, version: version, creationTimestamp: row[0], lastUpdatedTimestamp: row[1], userID: row[2],
            currentStage: ModelStage(rawValue: row[3]) ?? .none, description: row.storedText(4), source: row[5], runID: row[6],
            runLink: row[7], tags: tags, aliases: aliases, modelID: row[8], storageLocation: row[9] ?? row[5]
        )
    }
}
