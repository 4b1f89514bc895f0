import AviaryCore
import Foundation

/// Reads Universal Binary JSON (https://ubjson.org), as XGBoost writes it (`model.ubj`, the
/// format `mlflow.xgboost.log_model` uses by default) into the same shapes `JSONSerialization`
/// produces: `[String: Any]`, `[Any]`, numbers, strings and `NSNull`. Typed arrays of numbers
/// (`[$d#…`) become `[Float]` / `[Double]` / `[Int]` without boxing each element.
public struct UBJSONReader {
    private let bytes: [UInt8]
    private var position = 0

    /// Nesting deeper than this is refused: a model never needs it, a hostile file would
    /// otherwise overflow the stack.
    private static let maximumDepth = 64

    init(_ data: Data) {
        bytes = [UInt8](data)
    }

    /// Parses one complete document.
    public static func parse(_ data: Data) throws -> Any {
        var reader = UBJSONReader(data)
        let value = try reader.readValue(depth: 0)
        return value
    }

    private mutating func readValue(depth: Int) throws -> Any {
        var marker = try readByte()
        while marker == UInt8(ascii: "N") { marker = try readByte() }
        return try readValue(marker: marker, depth: depth)
    }

    private mutating func readValue(marker: UInt8, depth: Int) throws -> Any {
        switch marker {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "S"): return try readString()
        case UInt8(ascii: "Z"): return NSNull()
        case UInt8(ascii: "T"): return true
        case UInt8(ascii: "F"): return false
        case UInt8(ascii: "C"): return String(UnicodeScalar(try readByte()))
        case UInt8(ascii: "d"): return Double(Float(bitPattern: UInt32(try readBigEndian(4))))
        case UInt8(ascii: "D"): return Double(bitPattern: try readBigEndian(8))
        default: return try readInteger(marker: marker)
        }
    }

    private mutating func readInteger(marker: UInt8) throws -> Int {
        switch marker {
        case UInt8(ascii: "i"): return Int(Int8(bitPattern: try readByte()))
        case UInt8(ascii: "U"): return Int(try readByte())
        case UInt8(ascii: "I"): return Int(Int16(bitPattern: UInt16(try readBigEndian(2))))
        case UInt8(ascii: "l"): return Int(Int32(bitPattern: UInt32(try readBigEndian(4))))
        case UInt8(ascii: "L"): return Int(Int64(bitPattern: try readBigEndian(8)))
        default: throw corrupt("unknown type marker 0x\(String(marker, radix: 16))")
        }
    }

    private mutating func readObject(depth: Int) throws -> [String: Any] {
        guard depth <= Self.maximumDepth else { throw corrupt("nesting deeper than \(Self.maximumDepth)") }
        let (type, count) = try readContainerHeader()
        var object: [String: Any] = [:]
        var index = 0
        while true {
            if let count {
                if index == count { break }
            } else if try peekByte() == UInt8(ascii: "}") {
                position += 1
                break
            }
            let keyLength = try readInteger(marker: try readByte())
            let key = try readUTF8(length: keyLength)
            object[key] = try type.map { try readValue(marker: $0, depth: depth) } ?? readValue(depth: depth)
            index += 1
        }
        return object
    }

    private mutating func readArray(depth: Int) throws -> Any {
        guard depth <= Self.maximumDepth else { throw corrupt("nesting deeper than \(Self.maximumDepth)") }
        let (type, count) = try readContainerHeader()
        if let type, let count {
            switch type {
            case UInt8(ascii: "d"): return try (0..<count).map { _ in Float(bitPattern: UInt32(try readBigEndian(4))) }
            case UInt8(ascii: "D"): return try (0..<count).map { _ in Double(bitPattern: try readBigEndian(8)) }
            case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"):
                return try (0..<count).map { _ in try readInteger(marker: type) }
            default: return try (0..<count).map { _ in try readValue(marker: type, depth: depth) }
            }
        }
        var items: [Any] = []
        if let count { items.reserveCapacity(count) }
        while true {
            if let count {
                if items.count == count { break }
            } else if try peekByte() == UInt8(ascii: "]") {
                position += 1
                break
            }
            items.append(try readValue(depth: depth))
        }
        return items
    }

    /// The optional `$type` and `#count` after `[` or `{`.
    private mutating func readContainerHeader() throws -> (type: UInt8?, count: Int?) {
        var type: UInt8?
        if try peekByte() == UInt8(ascii: "$") {
            position += 1
            type = try readByte()
            // Elements of these types take no bytes, so `[$Z#L…` asks for any number of values
            // from a dozen bytes (and nesting them, for their product). XGBoost never writes them.
            if let type, [UInt8(ascii: "Z"), UInt8(ascii: "N"), UInt8(ascii: "T"), UInt8(ascii: "F")].contains(type) {
                throw corrupt("a typed container of zero-byte elements ('\(UnicodeScalar(type))')")
            }
        }
        var count: Int?
        if try peekByte() == UInt8(ascii: "#") {
            position += 1
            let n = try readInteger(marker: try readByte())
            guard n >= 0, n <= bytes.count - position else { throw corrupt("container count \(n) exceeds the file") }
            count = n
        } else if type != nil {
            throw corrupt("typed container without a count")
        }
        return (type, count)
    }

    private mutating func readString() throws -> String {
        try readUTF8(length: readInteger(marker: readByte()))
    }

    private mutating func readUTF8(length: Int) throws -> String {
        guard length >= 0, length <= bytes.count - position else { throw corrupt("string length \(length) exceeds the file") }
        defer { position += length }
        return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
    }

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw corrupt("unexpected end of file") }
        defer { position += 1 }
        return bytes[position]
    }

    private func peekByte() throws -> UInt8 {
        guard position < bytes.count else { throw corrupt("unexpected end of file") }
        return bytes[position]
    }

    private mutating func readBigEndian(_ width: Int) throws -> UInt64 {
        guard width <= bytes.count - position else { throw corrupt("unexpected end of file") }
        var value: UInt64 = 0
        for _ in 0..<width {
            value = value << 8 | UInt64(bytes[position])
            position += 1
        }
        return value
    }

    private func corrupt(_ reason: String) -> AviaryError {
        AviaryError.invalid("UBJSON document is corrupt at byte \(position): \(reason)")
    }
}
