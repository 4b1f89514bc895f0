#if canImport(Glibc)
import Glibc
#endif

/// Converts the text of a JSON number to the nearest `Double`, as `strtod` does, without the
/// C call for the common case: Clinger's fast path is exact when the digits fit in 53 bits
/// and the power of ten is at most 22 (both sides are then exact doubles and one IEEE
/// multiplication or division rounds correctly). Longer numbers go to `strtod`.
public enum DecimalNumber {
    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// `text` must already match the JSON number grammar (`numberLength` checks it).
    public static func parse(_ text: UnsafeRawBufferPointer) -> Double {
        var i = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var inFraction = false
        while i < text.count {
            let byte = text[i]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if mantissa != 0 || byte != UInt8(ascii: "0") { significantDigits += 1 }
                if significantDigits > 15 { return slowPath(text) }
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                if inFraction { exponent -= 1 }
            } else {
                break  // e or E
            }
            i += 1
        }
        if i < text.count {
            i += 1
            var exponentSign = 1
            if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
                if text[i] == UInt8(ascii: "-") { exponentSign = -1 }
                i += 1
            }
            var written = 0
            while i < text.count {
                written = written * 10 + Int(text[i] &- UInt8(ascii: "0"))
                if written > 400 { return slowPath(text) }
                i += 1
            }
            exponent += exponentSign * written
        }
        let value: Double
        if mantissa == 0 {
            value = 0
        } else if exponent >= 0, exponent <= 22 {
            value = Double(mantissa) * powersOfTen[exponent]
        } else if exponent < 0, exponent >= -22 {
            value = Double(mantissa) / powersOfTen[-exponent]
        } else {
            return slowPath(text)
        }
        return negative ? -value : value
    }

    /// The length of the JSON number at the start of `text` (`-`, digits, optional fraction and
    /// exponent), or nil when `text` does not start with one.
    public static func numberLength(_ text: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < text.count, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < text.count, text[i] == UInt8(ascii: "-") { i += 1 }
        guard digits() > 0 else { return nil }
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        return i
    }

    private static func slowPath(_ text: UnsafeRawBufferPointer) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for k in 0..<text.count { buffer[k] = CChar(bitPattern: text[k]) }
            buffer[text.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
