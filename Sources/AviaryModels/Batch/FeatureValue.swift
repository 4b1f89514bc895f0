import AviaryCodecs
import AviaryCore

/// Turns the text of one input value into the `Double` a tree model reads, with the
/// missing-value spellings pandas reads as NaN.
public enum FeatureValue {
    /// Texts read as a missing value (NaN): empty, and pandas' default NA spellings.
    static let missingSpellings: Set<Substring> = ["", "nan", "NaN", "NAN", "NA", "N/A", "null", "NULL", "None", "<NA>"]

    /// Parses `text` for `column`; a value that is not a number (or a boolean, for boolean
    /// columns) is refused with the column's name and what it expects.
    public static func parse(_ text: Substring, column: InputSchema.Column) throws -> Double {
        let trimmed = text.trimmingSpaces
        if missingSpellings.contains(trimmed) { return .nan }
        if let number = Double(trimmed) { return try checked(number, column: column) }
        if column.type == .boolean {
            if ["true", "True", "TRUE"].contains(trimmed) { return 1 }
            if ["false", "False", "FALSE"].contains(trimmed) { return 0 }
        }
        throw AviaryError(.badRequest, "column '\(column.name)': expected \(column.type.expectation), got '\(trimmed.prefix(40))'")
    }

    /// Parses the bytes of one CSV field: plain decimal numbers without a `String` in between,
    /// anything else as `parse(_:column:)` does.
    public static func parse(bytes: UnsafeRawBufferPointer, column: InputSchema.Column) throws -> Double {
        if !bytes.isEmpty, DecimalNumber.numberLength(bytes) == bytes.count {
            return try checked(DecimalNumber.parse(bytes), column: column)
        }
        return try parse(Substring(String(decoding: bytes, as: UTF8.self)), column: column)
    }

    /// A JSON number for `column`: integer columns refuse fractions.
    public static func checked(_ number: Double, column: InputSchema.Column) throws -> Double {
        if column.type == .long || column.type == .integer, number.isFinite, number.rounded(.towardZero) != number {
            throw AviaryError(.badRequest, "column '\(column.name)': expected \(column.type.expectation), got \(number)")
        }
        return number
    }
}

extension InputSchema.ColumnType {
    /// What a value of this type looks like, for error messages.
    var expectation: String {
        switch self {
        case .double, .float: "a number"
        case .long, .integer: "an integer"
        case .boolean: "a boolean"
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
