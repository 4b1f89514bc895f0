import Foundation
import GRDB

/// A user string as SQLite should store it.
///
/// GRDB binds text as NUL-terminated, which would silently cut a value at an embedded NUL;
/// such values are stored as UTF-8 blobs instead, and read back as the same `String`.
func storedText(_ value: String) -> any DatabaseValueConvertible {
    value.utf8.contains(0) ? Data(value.utf8) : value
}

extension Row {
    /// Reads a column written with `storedText`: text, or a UTF-8 blob holding NUL bytes.
    /// (Reading a blob straight into `String` would stop at the first NUL.)
    func storedText(_ index: Int) -> String {
        let value: DatabaseValue = self[index]
        return String.fromDatabaseValue(value) ?? ""
    }
}
