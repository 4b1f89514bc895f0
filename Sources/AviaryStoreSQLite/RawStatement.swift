import GRDB
import GRDBSQLite

/// A cached statement driven through SQLite's C API.
///
/// GRDB boxes every argument as an existential and builds an argument array per call; on the
/// metric-ingest path (hundreds of rows per request) that cost more than the inserts themselves.
/// Bindings persist across `step()`, so values that repeat (the run id) are bound once.
struct RawStatement {
    private let statement: Statement
    private let database: Database

    init(_ database: Database, sql: String) throws {
        self.database = database
        self.statement = try database.cachedStatement(sql: sql)
    }

    private var handle: SQLiteStatement { statement.sqliteStatement }

    /// Binds text (copied by SQLite). Callers pass validated keys and ids, which hold no NUL.
    func bind(_ index: Int32, _ text: String) {
        _ = text.withCString { sqlite3_bind_text(handle, index, $0, -1, sqliteTransient) }
    }

    /// Binds optional text; `nil` binds SQL NULL.
    func bind(_ index: Int32, _ text: String?) {
        if let text { bind(index, text) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds an optional integer; `nil` binds SQL NULL.
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds numbers as a blob of native-endian float64 (copied by SQLite).
    func bind(_ index: Int32, _ values: ArraySlice<Double>) {
        values.withUnsafeBytes { bind(index, blob: $0) }
    }

    /// Binds bytes as a blob (copied by SQLite).
    func bind(_ index: Int32, bytes: [UInt8]) {
        bytes.withUnsafeBytes { bind(index, blob: $0) }
    }

    /// Binds a blob; an empty one as a zero-length blob, not the NULL a nil pointer would bind.
    private func bind(_ index: Int32, blob: UnsafeRawBufferPointer) {
        if let base = blob.baseAddress, !blob.isEmpty {
            // The 64-bit length: a blob past 2 GiB fails in SQLite (SQLITE_TOOBIG), not in Int32().
            sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(blob.count), sqliteTransient)
        } else {
            sqlite3_bind_zeroblob(handle, index, 0)
        }
    }

    /// Runs the statement to completion and resets it for the next row.
    func step() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: database.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) },
                sql: statement.sql
            )
        }
    }
}

/// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes (the C macro does not import into Swift).
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
