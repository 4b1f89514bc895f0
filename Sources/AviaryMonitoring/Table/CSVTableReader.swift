import AviaryCodecs
import AviaryCore
import Foundation

/// Loads a CSV file (with a header row) into a `DataTable`, inferring each column's kind:
/// numeric when every present value is a number (`NaN`, `inf` included), boolean when every
/// one is true/false, datetime when every one is an ISO 8601 date or timestamp, categorical
/// otherwise. Empty fields and pandas' NA spellings are missing. `overrides` fixes a column's
/// kind instead.
public struct CSVTableReader {
    /// Column kinds fixed by the caller instead of inferred.
    public var overrides: [String: DataColumn.Kind]

    public init(overrides: [String: DataColumn.Kind] = [:]) {
        self.overrides = overrides
    }

    /// Reads several files at once, one per core.
    public func read(_ urls: [URL]) throws -> [DataTable] {
        try Parallel.map(urls) { url in Result { try read(url) } }.map { try $0.get() }
    }

    /// Reads one file; a ragged row, an empty or binary file, or a value that breaks an override is an error naming the line.
    public func read(_ url: URL) throws -> DataTable {
        try read(name: url.lastPathComponent) {
            guard let handle = FileHandle(forReadingAtPath: url.path) else {
                throw AviaryError.invalid("cannot read \(url.path): no such readable file")
            }
            return (CSVReader(fileHandle: handle), { try? handle.close() })
        }
    }

    /// Reads CSV text held in memory, named `name` in errors.
    public func read(data: Data, name: String) throws -> DataTable {
        try read(name: name) { (CSVReader(data: data), {}) }
    }

    /// Reads the CSV `open` starts (again, when mixed columns need a second pass).
    private func read(name: String, open: () throws -> (CSVReader, close: () -> Void)) throws -> DataTable {
        let opened = try open()
        var reader = opened.0
        defer { opened.close() }
        guard let header = try reader.next(), !(header.count == 1 && header[0].isEmpty) else {
            throw AviaryError.invalid("\(name) is empty; it needs a header row and data rows")
        }
        if header.contains(where: { $0.contains("\u{FFFD}") || $0.contains("\0") }) {
            throw AviaryError.invalid("\(name) is not a UTF-8 text CSV file (its first line holds binary data)")
        }
        var seen = Set<String>()
        if let repeated = header.first(where: { !seen.insert($0).inserted }) {
            throw AviaryError.invalid("\(name) names the column '\(repeated)' twice; every column needs its own name")
        }
        if let unknown = overrides.keys.sorted().first(where: { !header.contains($0) }) {
            throw AviaryError.invalid("no column '\(unknown)' in \(name); its columns are \(header.joined(separator: ", "))")
        }
        var builders = header.map { ColumnBuilder(name: $0, forced: overrides[$0]) }
        var rows = 0
        while true {
            let fieldCount = try reader.nextRecord { k, bytes in
                guard k < builders.count else { return }
                try builders[k].append(bytes)
            }
            guard let fieldCount else { break }
            guard fieldCount == header.count else {
                throw AviaryError.invalid("\(name) line \(reader.line) has \(fieldCount) fields; the header has \(header.count)")
            }
            rows += 1
        }
        guard rows > 0 else { throw AviaryError.invalid("\(name) has a header but no rows") }
        let mixed = builders.filter(\.needsRereadAsCategorical).map(\.name)
        if !mixed.isEmpty {
            // Numbers mixed with text: read again keeping those columns' texts as categories.
            var categorical = self
            for column in mixed { categorical.overrides[column] = .categorical }
            return try categorical.read(name: name, open: open)
        }
        return DataTable(columns: try builders.map { try $0.finish() }, rowCount: rows)
    }
}
