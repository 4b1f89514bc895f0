#if canImport(Glibc)
import Glibc
#endif

/// Converts the text of a JSON number to the nearest `Double`, as `strtod` does, without the
/// C call for the common cases: Clinger's fast path when the digits fit in 53 bits and the
/// power of ten is at most 22 (both sides are then exact doubles and one IEEE multiplication or
/// division rounds correctly), and the Eisel–Lemire algorithm (as in fast_float) for up to 19
/// digits, the 17-digit shortest forms pandas and Python write. What neither settles (more
/// digits, subnormals, the rare ambiguous product) goes to `strtod`.
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
                if significantDigits > 19 { return slowPath(text) }
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
        } else if significantDigits <= 15, exponent >= 0, exponent <= 22 {
            value = Double(mantissa) * powersOfTen[exponent]
        } else if significantDigits <= 15, exponent < 0, exponent >= -22 {
            value = Double(mantissa) / powersOfTen[-exponent]
        } else if let nearest = eiselLemire(mantissa, exponent) {
            value = nearest
        } else {
            return slowPath(text)
        }
        return negative ? -value : value
    }

    /// w · 10^q rounded to the nearest double, or nil when this cheap path cannot be sure (the
    /// caller then asks strtod). A port of fast_float's `compute_float<binary64>`.
    static func eiselLemire(_ w: UInt64, _ q: Int) -> Double? {
        guard q >= smallestPowerOfFive, q <= 308 else { return nil }
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << UInt64(leadingZeros)
        let index = 2 * (q - smallestPowerOfFive)
        var (high, low) = normalized.multipliedFullWidth(by: powersOfFive[index])
        // 55 bits are needed (52 + implicit + rounding + a possible shift); when the product's
        // bits below them are all ones, the table's low word can still carry into them.
        let precisionMask = UInt64.max >> 55
        if high & precisionMask == precisionMask {
            let second = normalized.multipliedFullWidth(by: powersOfFive[index + 1]).high
            let (sum, carry) = low.addingReportingOverflow(second)
            low = sum
            if carry { high &+= 1 }
        }
        if low == .max { return nil }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var mantissa = high >> shift
        // ⌊q·log2(5)⌋ + q + 63, exact for |q| < 400.
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 - (leadingZeros + (1 ^ upperBit)) + 1023 + 1
        guard power2 > 0 else { return nil }  // subnormal
        // Exactly halfway between two doubles: round to even instead of up.
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << shift == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        guard power2 < 2047 else { return nil }  // overflow to infinity
        return Double(bitPattern: UInt64(power2) << 52 | mantissa)
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
