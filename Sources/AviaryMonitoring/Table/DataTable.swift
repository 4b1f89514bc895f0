/// A dataset held column by column, each column typed: what the profiles, quality rules and
/// drift tests read.
public struct DataTable: Sendable {
    /// The columns in file order.
    public var columns: [DataColumn]
    public let rowCount: Int

    public init(columns: [DataColumn], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The column named `name`.
    public subscript(name: String) -> DataColumn? {
        columns.first { $0.name == name }
    }

    public var columnNames: [String] { columns.map(\.name) }
}

/// One typed column.
public struct DataColumn: Sendable {
    /// How a column's values are read and compared.
    public enum Kind: String, Sendable, CaseIterable {
        /// Numbers; `NaN` marks a missing value, ±infinity is kept.
        case numeric
        /// Labels from a finite set, stored as codes into `categories`.
        case categorical
        /// `true` / `false` (stored as 1 / 0, NaN when missing).
        case boolean
        /// Timestamps (stored as seconds since 1970 UTC, NaN when missing).
        case datetime
    }

    public let name: String
    public let kind: Kind
    /// For numeric, boolean and datetime columns: one value per row, NaN when missing.
    public var numbers: [Double]
    /// For categorical columns: one code per row into `categories`, -1 when missing.
    public var codes: [Int32]
    /// For categorical columns: the distinct labels, in order of first appearance.
    public var categories: [String]
    /// A numeric column whose every value is written as an integer and none is missing: what
    /// pandas reads as `int64`, which numpy bins with a width of at least 1.
    public var isIntegerTyped: Bool

    public init(name: String, kind: Kind, numbers: [Double] = [], codes: [Int32] = [], categories: [String] = [], isIntegerTyped: Bool = false) {
        self.name = name
        self.kind = kind
        self.numbers = numbers
        self.codes = codes
        self.categories = categories
        self.isIntegerTyped = isIntegerTyped
    }

    /// Rows in the column, missing ones included.
    public var count: Int { kind == .categorical ? codes.count : numbers.count }

    /// Number of missing values (NaN, or code -1).
    public var missingCount: Int {
        kind == .categorical ? codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } : numbers.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
    }

    /// The row's value as text (for examples in reports); nil when missing.
    public func text(at row: Int) -> String? {
        switch kind {
        case .categorical: return codes[row] < 0 ? nil : categories[Int(codes[row])]
        case .boolean: return numbers[row].isNaN ? nil : (numbers[row] != 0 ? "true" : "false")
        case .numeric, .datetime:
            let value = numbers[row]
            if value.isNaN { return nil }
            // Whole numbers as written in a CSV (`500`, not `500.0`).
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description
        }
    }
}
