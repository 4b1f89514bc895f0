import AviaryCore
import Foundation

/// A parsed JSON document, numbers kept as `Double` (what a scoring request carries).
///
/// `JSONValue.parse` reads bytes straight into this tree, several times faster than
/// `JSONSerialization` on Linux for number-heavy scoring bodies, and accepts Python's
/// `NaN`, `Infinity` and `-Infinity` tokens (what `json.dumps` writes for missing floats).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A short name of the value's kind for error messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string(let text): "the string \"\(text.prefix(30))\""
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// Parses one complete JSON document; trailing non-space bytes are an error.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.parseValue(depth: 0)
        parser.scanner.skipWhitespace()
        guard parser.scanner.isAtEnd else { throw parser.error("unexpected data after the JSON value") }
        return value
    }
}

/// The document parser behind `JSONValue.parse`; `JSONScanner` reads its tokens.
struct JSONParser {
    var scanner: JSONScanner
    static let maximumDepth = 64

    init(bytes: UnsafeRawBufferPointer) {
        scanner = JSONScanner(bytes)
    }

    func error(_ reason: String) -> AviaryError {
        Self.error(scanner.error(reason))
    }

    static func error(_ syntax: JSONScanner.SyntaxError) -> AviaryError {
        AviaryError(.badRequest, "invalid JSON at byte \(syntax.position): \(syntax.reason)")
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
        guard let byte = scanner.peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "N"): try expect("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try expect("Infinity"); return .number(.infinity)
        default: return .number(try parseNumber())
        }
    }

    private mutating func expect(_ word: StaticString) throws {
        guard scanner.literal(word) else { throw error("expected \(word)") }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        scanner.position += 1
        var members: [(key: String, value: JSONValue)] = []
        if scanner.consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            guard scanner.peek() == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let key = try parseString()
            guard scanner.consume(UInt8(ascii: ":")) else { throw error("expected ':' after a member name") }
            members.append((key, try parseValue(depth: depth + 1)))
            guard let byte = scanner.peek() else { throw error("unexpected end of input in an object") }
            if byte == UInt8(ascii: ",") { scanner.position += 1; continue }
            if byte == UInt8(ascii: "}") { scanner.position += 1; return .object(members) }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        scanner.position += 1
        var items: [JSONValue] = []
        if scanner.consume(UInt8(ascii: "]")) { return .array(items) }
        while true {
            items.append(try parseValue(depth: depth + 1))
            guard let byte = scanner.peek() else { throw error("unexpected end of input in a list") }
            if byte == UInt8(ascii: ",") { scanner.position += 1; continue }
            if byte == UInt8(ascii: "]") { scanner.position += 1; return .array(items) }
            throw error("expected ',' or ']' in a list")
        }
    }

    /// Scoring has always read ill-formed UTF-8 as U+FFFD rather than refusing the request.
    private mutating func parseString() throws -> String {
        do {
            return try scanner.string(invalidUTF8: .replace)
        } catch {
            throw Self.error(error)
        }
    }

    /// A JSON number, checked against the grammar, rounded as `strtod` rounds it.
    private mutating func parseNumber() throws -> Double {
        if scanner.bytes[scanner.position] == UInt8(ascii: "-"), scanner.position + 1 < scanner.bytes.count,
           scanner.bytes[scanner.position + 1] == UInt8(ascii: "I") {
            scanner.position += 1
            try expect("Infinity")
            return -.infinity
        }
        guard let (text, _) = scanner.number() else { throw error("expected a value") }
        return DecimalNumber.parse(text)
    }
}
