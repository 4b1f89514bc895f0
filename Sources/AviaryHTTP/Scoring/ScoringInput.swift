import AviaryCodecs
import AviaryCore
import AviaryModels
import Foundation

/// Builds a `FeatureBatch` from the input formats of MLflow's scoring protocol, checked
/// against the model's `InputSchema`: every error names the column and what was expected.
public enum ScoringInput {
    /// The top-level keys `/invocations` accepts, one of them per request.
    static let formats = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    /// A JSON body: `{"dataframe_split": …}`, `{"dataframe_records": …}`, `{"instances": …}` or `{"inputs": …}`.
    public static func batch(fromJSON body: JSONValue, schema: InputSchema) throws -> FeatureBatch {
        guard case .object(let members) = body else {
            throw AviaryError(.badRequest, "the request body must be a JSON object with one of \(formats.joined(separator: ", "))")
        }
        let keys = members.map(\.key).filter { $0 != "params" }
        if let unknown = keys.first(where: { !formats.contains($0) }) {
            throw AviaryError(.badRequest, "unknown key '\(unknown)'; the body takes one of \(formats.joined(separator: ", ")) (and optional params)")
        }
        guard keys.count == 1, let format = keys.first, let payload = body[format] else {
            throw AviaryError(.badRequest, "the body must hold exactly one of \(formats.joined(separator: ", ")); got \(keys.isEmpty ? "none" : keys.joined(separator: ", "))")
        }
        var builder = BatchBuilder(schema: schema)
        switch (format, payload) {
        case ("dataframe_split", .object):
            try builder.addSplit(payload)
        case ("dataframe_records", .array(let records)):
            try builder.addRecords(records, field: format)
        case (_, .array(let rows)) where format == "instances" || format == "inputs":
            try builder.addRows(rows, field: format)
        case (_, .object(let columns)) where format == "instances" || format == "inputs":
            try builder.addColumns(columns)
        default:
            throw AviaryError(.badRequest, "'\(format)' must be \(format == "dataframe_split" ? "an object with columns and data" : "a list"), got \(payload.kind)")
        }
        return try builder.finish()
    }

    /// A `text/csv` body with a header row.
    public static func batch(fromCSV body: Data, schema: InputSchema) throws -> FeatureBatch {
        var reader = CSVReader(data: body)
        guard let header = try reader.next() else { throw AviaryError(.badRequest, "the CSV body is empty; send a header row and at least one row") }
        var builder = BatchBuilder(schema: schema)
        let mapping = try builder.bind(header)
        while let record = try reader.next() {
            guard record.count == header.count else {
                throw AviaryError(.badRequest, "CSV line \(reader.line) has \(record.count) fields; the header has \(header.count)")
            }
            for (k, field) in record.enumerated() {
                try builder.append(text: Substring(field), feature: mapping[k])
            }
            builder.rowCount += 1
        }
        return try builder.finish()
    }
}

/// Accumulates columns for one request.
struct BatchBuilder {
    let schema: InputSchema
    var columns: [[Double]]
    var rowCount = 0

    init(schema: InputSchema) {
        self.schema = schema
        columns = Array(repeating: [], count: schema.width)
    }

    mutating func bind(_ names: [String]) throws -> [Int] {
        try schema.bind(columnNames: names)
    }

    /// `{"columns": [...], "data": [[...], ...]}`; without columns, rows are positional.
    mutating func addSplit(_ split: JSONValue) throws {
        guard case .array(let rows)? = split["data"] else {
            throw AviaryError(.badRequest, "dataframe_split needs 'data', a list of rows")
        }
        var mapping = Array(0..<schema.width)
        if let names = split["columns"] {
            guard case .array(let items) = names else { throw AviaryError(.badRequest, "dataframe_split 'columns' must be a list of names") }
            let strings = try items.map { item -> String in
                guard case .string(let name) = item else { throw AviaryError(.badRequest, "dataframe_split 'columns' must be strings, got \(item.kind)") }
                return name
            }
            mapping = try schema.isNamed ? bind(strings) : positional(strings.count)
        }
        for row in rows {
            guard case .array(let values) = row else { throw AviaryError(.badRequest, "dataframe_split 'data' row \(rowCount) must be a list, got \(row.kind)") }
            guard values.count == mapping.count else {
                throw AviaryError(.badRequest, "dataframe_split row \(rowCount) has \(values.count) values; expected \(mapping.count), one per column")
            }
            for (k, value) in values.enumerated() { try append(value, feature: mapping[k]) }
            rowCount += 1
        }
    }

    /// `[{"f0": 1.0, ...}, ...]`: a key missing from a record is a missing value.
    mutating func addRecords(_ records: [JSONValue], field: String) throws {
        guard schema.isNamed else {
            throw AviaryError(.badRequest, "\(field) records need column names, but this model's features have none; send rows as lists instead")
        }
        var names: [String] = []
        var positions: [String: Int] = [:]
        for record in records {
            guard case .object(let members) = record else { throw AviaryError(.badRequest, "\(field) entry \(rowCount) must be an object, got \(record.kind)") }
            for (name, _) in members where positions[name] == nil {
                positions[name] = names.count
                names.append(name)
            }
        }
        let mapping = try bind(names)
        for record in records {
            guard case .object(let members) = record else { continue }
            for (name, value) in members { try append(value, feature: mapping[positions[name]!]) }
            rowCount += 1
            padMissing()
        }
    }

    /// `[[...], ...]` positional rows or `[{...}, ...]` records.
    mutating func addRows(_ rows: [JSONValue], field: String) throws {
        if case .object? = rows.first { return try addRecords(rows, field: field) }
        for row in rows {
            guard case .array(let values) = row else {
                throw AviaryError(.badRequest, "\(field) row \(rowCount) must be a list of \(schema.width) values, got \(row.kind)")
            }
            guard values.count == schema.width else {
                throw AviaryError(.badRequest, "\(field) row \(rowCount) has \(values.count) values; the model expects \(schema.width) features (\(schema.expectedColumns))")
            }
            for (j, value) in values.enumerated() { try append(value, feature: j) }
            rowCount += 1
        }
    }

    /// `{"f0": [...], "f1": [...]}`: one list per column, all of one length.
    mutating func addColumns(_ members: [(key: String, value: JSONValue)]) throws {
        let mapping = schema.isNamed ? try bind(members.map(\.key)) : try positional(members.count)
        var length: Int?
        for (k, member) in members.enumerated() {
            guard case .array(let values) = member.value else {
                throw AviaryError(.badRequest, "column '\(member.key)' must be a list of values, got \(member.value.kind)")
            }
            if let length, values.count != length {
                throw AviaryError(.badRequest, "column '\(member.key)' has \(values.count) values; the other columns have \(length)")
            }
            length = values.count
            for value in values { try append(value, feature: mapping[k]) }
        }
        rowCount = length ?? 0
    }

    func positional(_ count: Int) throws -> [Int] {
        try schema.bind(columnNames: Array(repeating: "", count: count))
    }

    mutating func append(_ value: JSONValue, feature: Int) throws {
        let column = schema.columns[feature]
        switch value {
        case .number(let number): columns[feature].append(try FeatureValue.checked(number, column: column))
        case .null: columns[feature].append(.nan)
        case .bool(let flag) where column.type == .boolean: columns[feature].append(flag ? 1 : 0)
        default:
            throw AviaryError(.badRequest, "column '\(column.name)': expected \(column.type == .boolean ? "a boolean" : "a number") or null, got \(value.kind)")
        }
    }

    mutating func append(text: Substring, feature: Int) throws {
        columns[feature].append(try FeatureValue.parse(text, column: schema.columns[feature]))
    }

    /// Fills optional columns a record left out.
    private mutating func padMissing() {
        for j in columns.indices where columns[j].count < rowCount { columns[j].append(.nan) }
    }

    /// The batch; an empty one, or a required column left incomplete, is refused.
    mutating func finish() throws -> FeatureBatch {
        guard rowCount > 0 else { throw AviaryError(.badRequest, "the request holds no rows; send at least one row to score") }
        for j in columns.indices where columns[j].count != rowCount {
            guard columns[j].isEmpty, !schema.columns[j].required else {
                throw AviaryError(.badRequest, "column '\(schema.columns[j].name)' has \(columns[j].count) values for \(rowCount) rows")
            }
            columns[j] = Array(repeating: .nan, count: rowCount)
        }
        return FeatureBatch(columns: columns)
    }
}
