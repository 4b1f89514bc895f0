import AviaryCore

/// The columns a model takes, in the order its trees index them, and the rules incoming data
/// must meet: from the MLmodel signature when there is one, else from the model file.
public struct InputSchema: Sendable, Equatable {
    /// The kinds of value a column accepts (MLflow's column types that a tree model can use).
    public enum ColumnType: String, Sendable {
        case double, float, long, integer, boolean
    }

    /// One input column: its name, the kind of value it takes, and whether it may be absent.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: ColumnType
        /// A required column must be present in every request; an optional one is missing (NaN) when absent.
        public var required: Bool

        /// A column named `name` taking values of `type`.
        public init(name: String, type: ColumnType, required: Bool) {
            self.name = name
            self.type = type
            self.required = required
        }
    }

    /// One entry per model feature.
    public let columns: [Column]
    /// False when neither the signature nor the model names the features: inputs are taken by position.
    public let isNamed: Bool

    /// Number of features.
    public var width: Int { columns.count }

    /// Unnamed features `f0…`, taken by position.
    public static func positional(width: Int) -> InputSchema {
        InputSchema(columns: (0..<width).map { Column(name: "f\($0)", type: .double, required: true) }, isNamed: false)
    }

    /// Named features of type double, all required.
    public static func named(_ names: [String]) -> InputSchema {
        InputSchema(columns: names.map { Column(name: $0, type: .double, required: true) }, isNamed: true)
    }

    public init(columns: [Column], isNamed: Bool) {
        self.columns = columns
        self.isNamed = isNamed
    }

    /// The schema, or an error naming the first repeated column name: a request names each
    /// column once, so a second column of the same name could never be filled.
    func checkedUnique(in source: String) throws -> InputSchema {
        var seen = Set<String>()
        if let repeated = columns.first(where: { !seen.insert($0.name).inserted }) {
            throw AviaryError.invalid("\(source) name the column '\(repeated.name)' twice; every feature needs its own name")
        }
        return self
    }

    /// Maps incoming column names to feature indices: `result[k]` is the feature column `k` fills.
    /// Unknown, duplicated or missing required columns are refused with the names the model expects.
    public func bind(columnNames names: [String]) throws -> [Int] {
        guard isNamed else {
            guard names.count == width else {
                throw AviaryError(.badRequest, "got \(names.count) columns; the model expects \(width) features (it has no feature names, so columns are taken by position)")
            }
            return Array(0..<width)
        }
        let index = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<Int>()
        let mapping = try names.map { name in
            guard let feature = index[name] else {
                throw AviaryError(.badRequest, "unknown column '\(name)'; the model expects \(expectedColumns)")
            }
            guard seen.insert(feature).inserted else {
                throw AviaryError(.badRequest, "column '\(name)' appears twice")
            }
            return feature
        }
        if let missing = columns.indices.first(where: { columns[$0].required && !seen.contains($0) }) {
            throw AviaryError(.badRequest, "missing column '\(columns[missing].name)'; the model expects \(expectedColumns)")
        }
        return mapping
    }

    /// `columns f0, f1, … (20)`: what an error message tells the caller to send.
    public var expectedColumns: String {
        let names = columns.prefix(8).map(\.name).joined(separator: ", ")
        return "columns \(names)\(columns.count > 8 ? ", …" : "") (\(columns.count) in all)"
    }
}
