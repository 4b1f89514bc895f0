import AviaryCore

/// Accumulates one column while a CSV file is read. Its kind is taken from the first present
/// value unless forced; a later value that does not fit marks the column for a second read as
/// categorical (the original texts are needed, and are not kept for numbers).
struct ColumnBuilder {
    let name: String
    let forced: DataColumn.Kind?
    private(set) var kind: DataColumn.Kind?
    private(set) var needsRereadAsCategorical = false
    private var numbers: [Double] = []
    private var codes: [Int32] = []
    private var categories: [String] = []
    private var codeOf: [String: Int32] = [:]
    /// Missing values seen before the first present one (the kind was not known yet).
    private var leadingMissing = 0
    /// Every value so far is an integer literal and none is missing (pandas would read int64).
    private var integerLiterals = true

    init(name: String, forced: DataColumn.Kind?) {
        self.name = name
        self.forced = forced
        kind = forced
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        if needsRereadAsCategorical { return }
        if ValueParsing.isMissing(bytes) {
            integerLiterals = false
            switch kind {
            case nil: leadingMissing += 1
            case .categorical: codes.append(-1)
            default: numbers.append(.nan)
            }
            return
        }
        if kind == nil {
            kind = Self.guessKind(bytes)
            switch kind! {
            case .categorical: codes.append(contentsOf: repeatElement(-1, count: leadingMissing))
            default: numbers.append(contentsOf: repeatElement(.nan, count: leadingMissing))
            }
        }
        switch kind! {
        case .numeric:
            guard let value = ValueParsing.number(bytes) else { return try mismatch(bytes, expected: "a number") }
            if integerLiterals, !ValueParsing.isIntegerLiteral(bytes) { integerLiterals = false }
            numbers.append(value)
        case .boolean:
            guard let value = ValueParsing.boolean(bytes) else { return try mismatch(bytes, expected: "true or false") }
            numbers.append(value ? 1 : 0)
        case .datetime:
            guard let value = ValueParsing.timestamp(bytes) else { return try mismatch(bytes, expected: "an ISO 8601 date or time") }
            numbers.append(value)
        case .categorical:
            let text = String(decoding: bytes, as: UTF8.self)
            if let code = codeOf[text] {
                codes.append(code)
            } else {
                let code = Int32(categories.count)
                codeOf[text] = code
                categories.append(text)
                codes.append(code)
            }
        }
    }

    /// A value that does not fit the column's kind: an error when the kind was forced, else
    /// the column becomes categorical.
    private mutating func mismatch(_ bytes: UnsafeRawBufferPointer, expected: String) throws {
        if forced != nil {
            throw AviaryError.invalid("column '\(name)' was declared \(kind!.rawValue) but holds '\(String(decoding: bytes.prefix(40), as: UTF8.self))'; expected \(expected)")
        }
        needsRereadAsCategorical = true
        numbers = []
    }

    static func guessKind(_ bytes: UnsafeRawBufferPointer) -> DataColumn.Kind {
        if ValueParsing.number(bytes) != nil { return .numeric }
        if ValueParsing.boolean(bytes) != nil { return .boolean }
        if ValueParsing.timestamp(bytes) != nil { return .datetime }
        return .categorical
    }

    func finish() throws -> DataColumn {
        switch kind {
        case nil:
            // Every value missing: an all-NaN numeric column.
            return DataColumn(name: name, kind: .numeric, numbers: Array(repeating: .nan, count: leadingMissing))
        case .categorical:
            return DataColumn(name: name, kind: .categorical, codes: codes, categories: categories)
        case let kind?:
            return DataColumn(name: name, kind: kind, numbers: numbers, isIntegerTyped: kind == .numeric && integerLiterals)
        }
    }
}
