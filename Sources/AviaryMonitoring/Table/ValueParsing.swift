import AviaryCodecs
import AviaryCore
import Foundation

/// Reads the text of one CSV field as a number, a boolean or a timestamp.
enum ValueParsing {
    /// Texts read as a missing value (pandas' default NA spellings), packed into 32 bits: all are at most 4 bytes.
    private static let missingSpellings: Set<UInt32> = Set(["NA", "N/A", "null", "NULL", "None", "<NA>", "nan", "NaN", "NAN", "-nan"].map { packed(Array($0.utf8)) })

    static func isMissing(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.isEmpty || (bytes.count <= 4 && missingSpellings.contains(packed(bytes)))
    }

    private static func packed<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        bytes.reduce(UInt32(bytes.count)) { $0 << 8 | UInt32($1) }
    }

    /// A decimal number, or `inf` / `-inf` / `Infinity` spellings; nil for anything else.
    static func number(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if !bytes.isEmpty, DecimalNumber.numberLength(bytes) == bytes.count { return DecimalNumber.parse(bytes) }
        guard bytes.count <= 40 else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        switch text {
        case "inf", "Inf", "INF", "+inf", "infinity", "Infinity", "+Infinity": return .infinity
        case "-inf", "-Inf", "-INF", "-infinity", "-Infinity": return -.infinity
        default:
            // A leading '+', a bare '.5' or '5.': numbers pandas reads that JSON's grammar does not allow.
            guard let first = text.first, "+.0123456789-".contains(first), let value = Double(text), value.isFinite else { return nil }
            return value
        }
    }

    /// `-12`, `7`: digits with an optional sign, nothing else.
    static func isIntegerLiteral(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var digits = bytes[...]
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        switch String(decoding: bytes, as: UTF8.self) {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fff]]`, optionally
    /// `Z` or `±HH:MM`: seconds since 1970-01-01 UTC.
    static func timestamp(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard bytes.count >= 10, bytes.count <= 40 else { return nil }
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<n {
                let b = bytes[i]
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                i += 1
            }
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard i < bytes.count, bytes[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        guard i < bytes.count else { return seconds }
        guard expect("T") || expect(" "), let hour = digits(2), expect(":"), let minute = digits(2),
              hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(":") {
            guard let second = digits(2), second < 61 else { return nil }
            seconds += Double(second)
            if expect(".") {
                var scale = 0.1
                var any = false
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                    seconds += Double(bytes[i] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        if expect("Z") { return i == bytes.count ? seconds : nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            let sign: Double = bytes[i] == UInt8(ascii: "+") ? 1 : -1
            i += 1
            guard let offsetHours = digits(2), expect(":"), let offsetMinutes = digits(2) else { return nil }
            seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        }
        return i == bytes.count ? seconds : nil
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
