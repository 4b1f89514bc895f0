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
            // One row per flush and source instead of one per request (see `PredictionBlock`).
            // Rows from before become blocks, in their order.
            migrator.registerMigration("v5-blocks") { db in
                try db.execute(sql: """
                    CREATE TABLE prediction_blocks (
                        id INTEGER PRIMARY KEY,
                        deployment TEXT NOT NULL,
                        variant TEXT NOT NULL,
                        model_version TEXT NOT NULL,
                        shadow INTEGER NOT NULL,
                        columns_id INTEGER NOT NULL,
                        first_timestamp INTEGER NOT NULL,
                        last_timestamp INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        id_group INTEGER,
                        min_number INTEGER,
                        max_number INTEGER,
                        entries BLOB NOT NULL,
                        request_ids BLOB NOT NULL,
                        features BLOB NOT NULL,
                        outputs BLOB NOT NULL
                    );
                    CREATE INDEX prediction_blocks_by_time ON prediction_blocks(deployment, last_timestamp);
                    CREATE INDEX prediction_blocks_by_end ON prediction_blocks(last_timestamp);
                    CREATE INDEX prediction_blocks_by_request ON prediction_blocks(deployment, shadow, id_group, max_number);
                    CREATE INDEX prediction_blocks_by_span ON prediction_blocks(max_number - min_number);
                    """)
                // Streamed, a block per source every 4,096 rows, as flushes would have written them:
                // memory and blob sizes stay bounded, and retention can drop old rows block by block.
                let names = try Self.columnNames(db)
                let rows = try Row.fetchCursor(db, sql: "SELECT deployment, \(Self.legacyRecordColumns) FROM predictions ORDER BY rowid")
                var chunk: [PredictionRecord] = []
                while let row = try rows.next() {
                    chunk.append(PredictionRecord(
                        requestID: row[1], deployment: row[0], variant: row[2], modelVersion: row[3], shadow: row[4], timestamp: row[5],
                        latencyMicroseconds: row[6], columns: names[row[7]] ?? "[]", features: try Self.doubles(row, 8), outputs: try Self.doubles(row, 9),
                        outputWidth: row[10], float32: row[11]
                    ))
                    if chunk.count == 4096 {
                        try Self.write(PredictionBatch(chunk), db)
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                try Self.write(PredictionBatch(chunk), db)
                try db.execute(sql: "DROP TABLE predictions")
            }
            try migrator.migrate(pool)
        } catch {
            throw AviaryError(.invalidState, "Cannot open the prediction log '\(path)': \((error as? DatabaseError)?.message ?? "\(error)")")
        }
    }

    public func append(_ batch: PredictionBatch) throws {
        try pool.write { db in try Self.write(batch, db) }
    }

    /// Most features and outputs in one block (32 MB): a backlog the writer restored after failed
    /// writes becomes several blocks, not one blob beyond SQLite's limit that fails every retry.
    static let maximumBlockNumbers = 1 << 22

    /// Writes `batch` as one block per source, more for a source beyond `maximumBlockNumbers`.
    static func write(_ batch: PredictionBatch, _ db: Database) throws {
        var bySource = [[Int]](repeating: [], count: batch.sources.count)
        for (index, entry) in batch.entries.enumerated() { bySource[entry.source].append(index) }
        let insertBlock = try RawStatement(db, sql: """
            INSERT INTO prediction_blocks (deployment, variant, model_version, shadow, columns_id, first_timestamp, last_timestamp, count, id_group,
                                           min_number, max_number, entries, request_ids, features, outputs)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (source, all) in zip(batch.sources, bySource) {
            for indices in blockSlices(all, of: batch) {
                let block = PredictionBlock(batch, indices)
                guard let times = block.timeRange else { continue }
                insertBlock.bind(1, source.deployment)
                insertBlock.bind(2, source.variant)
                insertBlock.bind(3, source.modelVersion)
                insertBlock.bind(4, Int64(source.shadow ? 1 : 0))
                insertBlock.bind(5, try columnsID(db, source.columns))
                insertBlock.bind(6, times.lowerBound)
                insertBlock.bind(7, times.upperBound)
                insertBlock.bind(8, Int64(block.entries.count))
                let range = requestRange(batch, indices)
                insertBlock.bind(9, range?.group)
                insertBlock.bind(10, range?.numbers.lowerBound)
                insertBlock.bind(11, range?.numbers.upperBound)
                insertBlock.bind(12, bytes: block.packedEntries)
                insertBlock.bind(13, bytes: block.requestIDs)
                insertBlock.bind(14, block.features[...])
                insertBlock.bind(15, block.outputs[...])
                try insertBlock.step()
            }
        }
    }

    /// `indices` in runs whose features and outputs add up to at most `maximumBlockNumbers` (or
    /// one request, if it alone has more).
    static func blockSlices(_ indices: [Int], of batch: PredictionBatch) -> [ArraySlice<Int>] {
        var blocks: [ArraySlice<Int>] = []
        var start = 0
        var numbers = 0
        for (position, index) in indices.enumerated() {
            let entry = batch.entries[index]
            let size = entry.features.count + entry.outputs.count
            if position > start && numbers + size > maximumBlockNumbers {
                blocks.append(indices[start..<position])
                (start, numbers) = (position, 0)
            }
            numbers += size
        }
        if start < indices.count { blocks.append(indices[start...]) }
        return blocks
    }

    /// The `RequestID` group and number range of the requests at `indices`; nil when any id
    /// is not a `RequestID` or they are not all of one group (such a block is found by a scan).
    static func requestRange(_ batch: PredictionBatch, _ indices: ArraySlice<Int>) -> (group: Int64, numbers: ClosedRange<Int64>)? {
        var range: (group: Int64, numbers: ClosedRange<Int64>)?
        for index in indices {
            guard let (group, number) = RequestID.parse(batch.entries[index].requestID) else { return nil }
            guard let known = range else {
                range = (group, number...number)
                continue
            }
            guard known.group == group else { return nil }
            range = (group, min(known.numbers.lowerBound, number)...max(known.numbers.upperBound, number))
        }
        return range
    }

    /// The answered (not shadow) block of `deployment` that holds `requestID`, with each of its
    /// request ids' scored row counts; blocks already in `read` are not read again.
    ///
    /// A block holding `RequestID` number n has `min_number <= n <= max_number`, so its
    /// `max_number` lies between n and n plus the widest block's span (`widestSpan`): an index
    /// range, however long the log. Any other id can only be in a block without a range.
    static func answeredBlock(
        _ db: Database, requestID: String, deployment: String, widestSpan: Int64, read: inout [Int64: [String: Int]]
    ) throws -> [String: Int]? {
        var candidates = try Int64.fetchAll(
            db, sql: "SELECT id FROM prediction_blocks WHERE deployment = ? AND shadow = 0 AND id_group IS NULL", arguments: [deployment]
        )
        if let (group, number) = RequestID.parse(requestID) {
            candidates += try Int64.fetchAll(db, sql: """
                SELECT id FROM prediction_blocks
                WHERE deployment = ? AND shadow = 0 AND id_group = ? AND max_number BETWEEN ? AND ? AND min_number <= ?
                """, arguments: [deployment, group, number, number + widestSpan, number])
        }
        for id in candidates {
            if read[id] == nil {
                let row = try Row.fetchOne(db, sql: "SELECT entries, request_ids, x'', outputs FROM prediction_blocks WHERE id = ?", arguments: [id])!
                let block = try PredictionBlock(row, column: 0, features: false)
                read[id] = Dictionary(
                    block.entries.indices.map { k in
                        let entry = block.entries[k]
                        return (block.requestID(k), entry.outputWidth > 0 ? entry.outputs.count / entry.outputWidth : 0)
                    },
                    uniquingKeysWith: { first, _ in first }
                )
            }
            if let rows = read[id], rows[requestID] != nil { return rows }
        }
        return nil
    }

    /// The ids of `deployment`'s blocks with records since `since` that can hold one of `requestIDs`:
    /// those whose `RequestID` range takes one of them in, and those without a range.
    static func blockIDs(_ db: Database, holding requestIDs: some Collection<String>, deployment: String, since: Int64) throws -> [Int64] {
        var numbers: [Int64: [Int64]] = [:]
        for id in requestIDs {
            if let (group, number) = RequestID.parse(id) { numbers[group, default: []].append(number) }
        }
        for group in numbers.keys { numbers[group]!.sort() }
        let ranges = try Row.fetchCursor(db, sql: """
            SELECT id, id_group, min_number, max_number FROM prediction_blocks WHERE deployment = ? AND last_timestamp >= ?
            """, arguments: [deployment, since])
        var blocks: [Int64] = []
        while let row = try ranges.next() {
            guard let group = row[1] as Int64? else {
                blocks.append(row[0])
                continue
            }
            guard let labelled = numbers[group] else { continue }
            // The first labelled number at or above the block's lowest must not be past its highest.
            let first = labelled.sortedLowerBound(row[2])
            if first < labelled.count, labelled[first] <= row[3] as Int64 { blocks.append(row[0]) }
        }
        return blocks
    }

    /// The widest `max_number - min_number` of any block (read through its index), for `answeredBlock`.
    static func widestSpan(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT max_number - min_number FROM prediction_blocks WHERE max_number - min_number IS NOT NULL
            ORDER BY max_number - min_number DESC LIMIT 1
            """) ?? 0
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

    /// The columns of the per-request table before v5, after `deployment`.
    static let legacyRecordColumns = "request_id, variant, model_version, shadow, timestamp, latency_us, columns_id, features, outputs, output_width, float32"

    /// The columns `BlockRecords` reads, in order.
    static let blockColumns = "id, deployment, variant, model_version, shadow, columns_id, entries, request_ids, features, outputs"

    /// A block read with `blockColumns`, with what its records share.
    struct BlockRecords {
        let id: Int64
        let block: PredictionBlock
        let deployment: String
        let variant: String
        let modelVersion: String
        let shadow: Bool
        let columns: String

        init(_ row: Row, names: [Int64: String]) throws {
            id = row[0]
            deployment = row[1]
            variant = row[2]
            modelVersion = row[3]
            shadow = row[4]
            columns = names[row[5]] ?? "[]"
            block = try PredictionBlock(row, column: 6)
        }

        /// Entry `k` as a record.
        func record(_ k: Int) -> PredictionRecord {
            let entry = block.entries[k]
            return PredictionRecord(
                requestID: block.requestID(k), deployment: deployment, variant: variant, modelVersion: modelVersion, shadow: shadow,
                timestamp: entry.timestamp, latencyMicroseconds: entry.latencyMicroseconds, columns: columns,
                features: Array(block.features[entry.features]), outputs: Array(block.outputs[entry.outputs]), outputWidth: entry.outputWidth,
                float32: entry.float32
            )
        }
    }

    /// Where a record sits, for a stable order among equal timestamps: by block, then within it.
    private struct Position: Comparable {
        var timestamp: Int64
        var block: Int64
        var slot: Int

        static func < (a: Position, b: Position) -> Bool {
            (a.timestamp, a.block, a.slot) < (b.timestamp, b.block, b.slot)
        }
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

    /// Deletes the blocks whose records are all older than `cutoff`: a record outlives the
    /// cutoff by at most its flush interval, and retention never writes a block again.
    public func deleteOlder(than cutoff: Int64) throws -> Int {
        try pool.write { db in
            let deleted = try Int.fetchOne(db, sql: "SELECT total(count) FROM prediction_blocks WHERE last_timestamp < ?", arguments: [cutoff]) ?? 0
            try db.execute(sql: "DELETE FROM prediction_blocks WHERE last_timestamp < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM feedback WHERE timestamp < ?", arguments: [cutoff])
            return deleted
        }
    }

    public func records(deployment: String, since: Int64) throws -> [PredictionRecord] {
        try pool.read { db in
            let names = try Self.columnNames(db)
            var found: [(Position, PredictionRecord)] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.blockColumns) FROM prediction_blocks WHERE deployment = ? AND last_timestamp >= ?
                """, arguments: [deployment, since])
            while let row = try rows.next() {
                let stored = try BlockRecords(row, names: names)
                for (k, entry) in stored.block.entries.enumerated() where entry.timestamp >= since {
                    found.append((Position(timestamp: entry.timestamp, block: stored.id, slot: k), stored.record(k)))
                }
            }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Reads blocks in the order of their first record, so once a block starting at `t` is read,
    /// every record before `t` is known: those go out, sorted, and only blocks overlapping in time
    /// are held. A page ends at `limit` records; the next re-reads the blocks around its cursor.
    public func records(deployment: String, since: Int64, after cursor: PredictionRecordCursor?, limit: Int) throws -> (records: [PredictionRecord], next: PredictionRecordCursor?) {
        try pool.read { db in
            let names = try Self.columnNames(db)
            let after = cursor.map { Position(timestamp: $0.timestamp, block: $0.block, slot: $0.slot) }
            let blocks = try Row.fetchAll(db, sql: """
                SELECT id, first_timestamp FROM prediction_blocks WHERE deployment = ? AND last_timestamp >= ? ORDER BY first_timestamp, id
                """, arguments: [deployment, max(since, after?.timestamp ?? since)]).map { (id: $0[0] as Int64, first: $0[1] as Int64) }
            var pending: [(Position, PredictionRecord)] = []
            var page: [(Position, PredictionRecord)] = []
            var read = 0
            while read < blocks.count, page.count < limit {
                let id = blocks[read].id
                read += 1
                guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.blockColumns) FROM prediction_blocks WHERE id = ?", arguments: [id]) else { continue }
                let stored = try BlockRecords(row, names: names)
                for (k, entry) in stored.block.entries.enumerated() where entry.timestamp >= since {
                    let position = Position(timestamp: entry.timestamp, block: id, slot: k)
                    if let after, !(after < position) { continue }
                    pending.append((position, stored.record(k)))
                }
                // No block still to come holds a record before the next one's first.
                let horizon = read < blocks.count ? blocks[read].first : .max
                pending.sort { $0.0 < $1.0 }
                let ready = pending.prefix { $0.0.timestamp < horizon }.count
                page += pending[..<ready]
                pending.removeFirst(ready)
            }
            let more = page.count > limit || read < blocks.count || !pending.isEmpty
            let kept = page.prefix(max(limit, 1))
            let next = more ? kept.last.map { PredictionRecordCursor(timestamp: $0.0.timestamp, block: $0.0.block, slot: $0.0.slot) } : nil
            return (kept.map(\.1), next)
        }
    }

    public func latest(deployment: String, count: Int) throws -> [PredictionRecord] {
        guard count > 0 else { return [] }
        return try pool.read { db in
            let names = try Self.columnNames(db)
            var found: [(Position, PredictionRecord)] = []
            // Blocks newest first, until the `count` newest records so far are newer than the next block's newest.
            var threshold = Int64.min
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.blockColumns), last_timestamp FROM prediction_blocks WHERE deployment = ? AND shadow = 0
                ORDER BY last_timestamp DESC, id DESC
                """, arguments: [deployment])
            while let row = try rows.next() {
                guard (row[10] as Int64) >= threshold else { break }
                let stored = try BlockRecords(row, names: names)
                for (k, entry) in stored.block.entries.enumerated() {
                    found.append((Position(timestamp: entry.timestamp, block: stored.id, slot: k), stored.record(k)))
                }
                if threshold == .min, found.count >= count {
                    // Fixed once: more blocks could only raise it, so stopping below it is safe.
                    threshold = found.map(\.0.timestamp).sorted(by: >)[count - 1]
                }
            }
            return found.sorted { $0.0 < $1.0 }.suffix(count).map(\.1)
        }
    }

    public func recordFeedback(_ feedback: [Feedback], deployment: String, timestamp: Int64) throws {
        try pool.write { db in
            var read: [Int64: [String: Int]] = [:]
            var unknown: [String] = []
            let widestSpan = try Self.widestSpan(db)
            for (k, item) in feedback.enumerated() {
                guard let rows = try Self.answeredBlock(db, requestID: item.requestID, deployment: deployment, widestSpan: widestSpan, read: &read)?[item.requestID] else {
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
            let truths = Dictionary(
                try Row.fetchAll(db, sql: "SELECT request_id, truth FROM feedback WHERE deployment = ?", arguments: [deployment]).map { ($0[0] as String, $0[1] as String) },
                uniquingKeysWith: { first, _ in first }
            )
            guard !truths.isEmpty else { return [] }
            // Only the blocks of the window that can hold a labelled id, read without their
            // features: labels usually come for a fraction of the traffic, and the window can be
            // the whole retention period.
            let blocks = try Self.blockIDs(db, holding: truths.keys, deployment: deployment, since: since)
            var found: [(Position, LabeledPrediction)] = []
            let read = try db.cachedStatement(sql: """
                SELECT variant, model_version, shadow, entries, request_ids, x'', outputs FROM prediction_blocks WHERE id = ?
                """)
            for id in blocks {
                let row = try Row.fetchOne(read, arguments: [id])!
                let block = try PredictionBlock(row, column: 3, features: false)
                for (k, entry) in block.entries.enumerated() where entry.timestamp >= since {
                    guard let text = truths[block.requestID(k)] else { continue }
                    found.append((Position(timestamp: entry.timestamp, block: id, slot: k), LabeledPrediction(
                        variant: row[0], modelVersion: row[1], shadow: row[2], timestamp: entry.timestamp,
                        outputs: Array(block.outputs[entry.outputs]), outputWidth: entry.outputWidth, truth: LoggedValues.numbers(text[...])
                    )))
                }
            }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
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
