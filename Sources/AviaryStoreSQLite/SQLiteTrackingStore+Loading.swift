import AviaryCore
import AviaryTracking
import GRDB

extension SQLiteTrackingStore {
    public func searchRuns(_ query: RunQuery) async throws -> Page<Run> {
        let statement = RunSearchSQL(query: query)
        return try await writer.read { db in
            let ids = try String.fetchAll(db, sql: statement.sql, arguments: statement.arguments)
            let runs = try Self.loadRuns(db, ids: ids)
            return Page(fetched: runs, offset: query.page.offset, limit: query.maxResults)
        }
    }

    /// Loads whole runs for `ids`, in the order given, with one query per table per chunk
    /// rather than per run.
    static func loadRuns(_ db: Database, ids: [String]) throws -> [Run] {
        var runs: [String: Run] = [:]
        runs.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            start += chunk.count
            try loadChunk(db, ids: chunk, into: &runs)
        }
        return ids.compactMap { runs[$0] }
    }

    private static func loadChunk(_ db: Database, ids: [String], into runs: inout [String: Run]) throws {
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let arguments = StatementArguments(ids)
        let infos = try Row.fetchCursor(
            db,
            sql: """
                SELECT run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
                FROM runs WHERE run_uuid IN (\(placeholders))
                """,
            arguments: arguments
        )
        while let row = try infos.next() {
            let experimentID: Int64 = row[2]
            let info = RunInfo(
                runID: row[0], runName: row.storedText(1), experimentID: String(experimentID), userID: row[3],
                status: RunStatus(rawValue: row[4]) ?? .running, startTime: row[5], endTime: row[6],
                artifactURI: row[7], lifecycleStage: LifecycleStage(rawValue: row[8]) ?? .active
            )
            runs[info.runID] = Run(info: info, metrics: [], params: [], tags: [], inputs: [])
        }
        let metrics = try Row.fetchCursor(
            db,
            sql: "SELECT run_uuid, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_uuid IN (\(placeholders)) ORDER BY key",
            arguments: arguments
        )
        while let row = try metrics.next() {
            let isNaN: Bool = row[3]
            runs[row[0]]?.metrics.append(Metric(key: row[1], value: isNaN ? .nan : row[2], timestamp: row[4], step: row[5]))
        }
        let params = try Row.fetchCursor(
            db, sql: "SELECT run_uuid, key, value FROM params WHERE run_uuid IN (\(placeholders)) ORDER BY key", arguments: arguments
        )
        while let row = try params.next() {
            runs[row[0]]?.params.append(Tag(key: row[1], value: row.storedText(2)))
        }
        let tags = try Row.fetchCursor(
            db, sql: "SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (\(placeholders)) ORDER BY key", arguments: arguments
        )
        while let row = try tags.next() {
            runs[row[0]]?.tags.append(Tag(key: row[1], value: row.storedText(2)))
        }
        let inputs = try Row.fetchAll(
            db,
            sql: """
                SELECT i.run_uuid, d.dataset_id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
                FROM run_inputs i JOIN datasets d ON d.dataset_id = i.dataset_id
                WHERE i.run_uuid IN (\(placeholders)) ORDER BY i.run_uuid, i.position
                """,
            arguments: arguments
        )
        for row in try Row.fetchAll(
            db, sql: "SELECT run_uuid, model_id, step FROM run_outputs WHERE run_uuid IN (\(placeholders)) ORDER BY step, model_id",
            arguments: arguments
        ) {
            runs[row[0]]?.outputs.append(ModelOutput(modelID: row[1], step: row[2]))
        }
        guard !inputs.isEmpty else { return }
        var inputTags: [String: [Tag]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT run_uuid, dataset_id, key, value FROM input_tags WHERE run_uuid IN (\(placeholders)) ORDER BY key",
            arguments: arguments
        ) {
            let datasetID: Int64 = row[1]
            inputTags["\(row[0] as String)/\(datasetID)", default: []].append(Tag(key: row[2], value: row[3]))
        }
        for row in inputs {
            let runID: String = row[0]
            let datasetID: Int64 = row[1]
            let dataset = Dataset(name: row[2], digest: row[3], sourceType: row[4], source: row[5], schema: row[6], profile: row[7])
            runs[runID]?.inputs.append(DatasetInput(dataset: dataset, tags: inputTags["\(runID)/\(datasetID)"] ?? []))
        }
    }
}
