import AviaryCodecs
import Foundation

/// A JSON value the OpenAPI document is assembled from, written with sorted keys so the same
/// routes always give the same bytes.
///
/// A tree of its own rather than `JSONValue`: that one keeps numbers as `Double` and members in
/// document order for scoring; the document needs integers and no order but the sorted one.
public indirect enum OpenAPIJSON: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case array([OpenAPIJSON])
    case object([String: OpenAPIJSON])

    /// The member `key` of an object.
    public subscript(key: String) -> OpenAPIJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// Every `$ref` target in the tree, e.g. `#/components/schemas/Run`.
    var references: Set<String> {
        switch self {
        case .object(let members):
            var found = Set(members.values.flatMap(\.references))
            if case .string(let target)? = members["$ref"] { found.insert(target) }
            return found
        case .array(let items):
            return Set(items.flatMap(\.references))
        default:
            return []
        }
    }

    /// The compact JSON text, keys sorted, slashes unescaped.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of strings, numbers and containers cannot fail; an empty body would
        // show up in the route test at once.
        return (try? encoder.encode(self)) ?? Data()
    }
}

extension OpenAPIJSON: Encodable {
    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in members { try container.encode(value, forKey: MemberKey(stringValue: key)) }
        }
    }
}

extension OpenAPIJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: OpenAPIJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, OpenAPIJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
