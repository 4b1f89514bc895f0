/// The JSON grammar at byte level, shared by the parsers that read request bodies straight
/// into their own values: `JSONValue.parse` (scoring) and the log-batch parser.
///
/// It reads tokens — whitespace, punctuation, strings, numbers, literals — and leaves the
/// document's shape to its caller. A string's escapes are decoded, a UTF-16 surrogate pair
/// joined, and a lone surrogate refused (no Swift string can hold one). Errors carry the byte
/// position; callers word them for their surface.
public struct JSONScanner {
    /// The whole document.
    public let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    public var position = 0

    /// A scanner at the start of `bytes`, which must outlive it.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Why a token could not be read, and where.
    public struct SyntaxError: Error, Sendable {
        /// The byte offset at which reading stopped.
        public var position: Int
        /// What was wrong, e.g. "unterminated string".
        public var reason: String

        /// An error at `position`.
        @inlinable
        public init(position: Int, reason: String) {
            self.position = position
            self.reason = reason
        }
    }

    /// What a string does with bytes that are not UTF-8.
    @frozen
    public enum InvalidUTF8: Sendable {
        /// Each ill-formed sequence becomes U+FFFD, as `String(decoding:as:)` does.
        case replace
        /// The string is an error.
        case refuse
    }

    /// An error at the current position.
    @inlinable
    public func error(_ reason: String) -> SyntaxError {
        SyntaxError(position: position, reason: reason)
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// Moves past spaces, tabs and line ends.
    @inlinable
    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed; nil at the end.
    @inlinable
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` if it comes next after whitespace.
    @inlinable
    public mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Consumes `word` (`true`, `null`, `NaN`, …) if the bytes at the position spell it.
    @inlinable
    public mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              UnsafeRawBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[position..<position + count])
        else { return false }
        position += count
        return true
    }

    /// A string, the position on its opening quote.
    @inlinable
    public mutating func string(invalidUTF8: InvalidUTF8) throws(SyntaxError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, the common case.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let units = UnsafeRawBufferPointer(rebasing: bytes[start..<position]).assumingMemoryBound(to: UInt8.self)
                guard let text = Self.text(units, invalidUTF8) else { throw error("a string that is not UTF-8") }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start, invalidUTF8: invalidUTF8) }
            guard byte >= 0x20 else { throw error("control character in a string") }
            position += 1
        }
        throw error("unterminated string")
    }

    /// The rest of a string from its first backslash (at the position), decoding escapes.
    @usableFromInline
    mutating func escapedString(from start: Int, invalidUTF8: InvalidUTF8) throws(SyntaxError) -> String {
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") {
                guard let text = decoded.withUnsafeBufferPointer({ Self.text($0, invalidUTF8) }) else {
                    throw error("a string that is not UTF-8")
                }
                return text
            }
            guard byte == UInt8(ascii: "\\") else {
                guard byte >= 0x20 else { throw error("control character in a string") }
                decoded.append(byte)
                continue
            }
            guard position < bytes.count else { break }
            let escape = bytes[position]
            position += 1
            if let byte = JSONEscape.simple(escape) {
                decoded.append(byte)
            } else if escape == UInt8(ascii: "u") {
                UTF8.encode(try unicodeEscape()) { decoded.append($0) }
            } else {
                throw error("invalid escape \\\(Unicode.Scalar(escape))")
            }
        }
        throw error("unterminated string")
    }

    /// UTF-8 as a String; nil when it is not UTF-8 and `invalidUTF8` says refuse.
    @usableFromInline
    static func text(_ units: UnsafeBufferPointer<UInt8>, _ invalidUTF8: InvalidUTF8) -> String? {
        switch invalidUTF8 {
        case .replace: String(decoding: units, as: UTF8.self)
        case .refuse: String(validating: units, as: UTF8.self)
        }
    }

    /// The scalar of a `\uXXXX` escape (the `\u` already read), joining a UTF-16 surrogate
    /// pair. A lone surrogate is not a Unicode scalar, so no string can hold it: refused.
    @usableFromInline
    mutating func unicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
        let unit = try hex4()
        if (0xDC00..<0xE000).contains(unit) { throw error("\\u\(hex(unit)) is a lone low surrogate; escape a pair high then low") }
        guard (0xD800..<0xDC00).contains(unit) else {
            // Every other 16-bit value is a scalar.
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        }
        guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
            throw error("\\u\(hex(unit)) is a high surrogate without the low surrogate escape that must follow it")
        }
        position += 2
        let low = try hex4()
        guard (0xDC00..<0xE000).contains(low) else {
            throw error("\\u\(hex(unit)) is a high surrogate followed by \\u\(hex(low)), which is not a low surrogate")
        }
        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
    }

    private func hex(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The bytes of a number at the position (after whitespace), checked against JSON's
    /// grammar (no leading zeros, digits on both sides of the point), and whether it is an
    /// integer (no fraction, no exponent); nil when no number starts here.
    @inlinable
    public mutating func number() -> (text: UnsafeRawBufferPointer, isInteger: Bool)? {
        skipWhitespace()
        let start = position
        guard let isInteger = scanNumber() else {
            position = start
            return nil
        }
        return (UnsafeRawBufferPointer(rebasing: bytes[start..<position]), isInteger)
    }

    /// Moves past a number; whether it is an integer, or nil where the grammar breaks.
    @inlinable
    mutating func scanNumber() -> Bool? {
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
            skipDigits()
        }
        return isInteger
    }

    @inlinable
    mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    @inlinable
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
