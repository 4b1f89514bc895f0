import AviaryCodecs
import Foundation
import Testing

/// The token reader both fast parsers share (scoring and log-batch): what it accepts as a
/// number or a string must be what Foundation's JSON parser accepts, and read alike.
@Suite("JSON scanner")
struct JSONScannerTests {
    /// The number at the start of `text` and whether it is an integer, or nil; the position
    /// must come back where it was when nothing is read.
    static func number(_ text: String) -> (String, Bool)? {
        Array(text.utf8).withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            guard let (number, isInteger) = scanner.number() else {
                #expect(scanner.position == 0, "\(text)")
                return nil
            }
            return (String(decoding: number, as: UTF8.self), isInteger)
        }
    }

    @Test("a number is read as far as Foundation's grammar reaches, and only where it accepts one", arguments: [
        "0", "-0", "7", "-12", "0.5", "1e5", "1E+5", "2e-3", "-0.0e0", "123456789012345678901234567890",
        "01", "-", "1.", ".5", "1e", "1e+", "+1", "--1", "0x10", "00", "-01",
    ])
    func numberGrammar(text: String) throws {
        // Foundation reads the document `[text]`; a number cut short there leaves a byte the array refuses.
        let foundation = (try? JSONSerialization.jsonObject(with: Data("[\(text)]".utf8))) != nil
        let scanned = Self.number(text)
        #expect((scanned?.0 == text) == foundation, "\(text): scanner \(scanned.map { $0.0 } ?? "nil"), Foundation \(foundation)")
        if let (number, isInteger) = scanned, number == text {
            #expect(isInteger == !text.contains(where: { ".eE".contains($0) }), "\(text)")
        }
    }

    @Test("strings decode as Foundation decodes them, escapes and pairs included", arguments: [
        #""plain""#, #""tab\tnew\nline""#, #""\"quoted\" \\ \/""#, #""\u00e9\u4e2d\ud83d\ude00""#, #""""#, "\"é中😀\"",
    ])
    func strings(text: String) throws {
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String)
        for policy in [JSONScanner.InvalidUTF8.replace, .refuse] {
            let read = try Array(text.utf8).withUnsafeBytes { bytes in
                var scanner = JSONScanner(bytes)
                let value = try scanner.string(invalidUTF8: policy)
                #expect(scanner.isAtEnd)
                return value
            }
            #expect(read == expected)
        }
    }

    @Test("ill-formed UTF-8 becomes U+FFFD or an error, as the caller asks; control characters are errors")
    func invalidBytes() throws {
        let latin1: [UInt8] = [0x22, 0x63, 0x61, 0x66, 0xE9, 0x22]  // "caf\xE9", Latin-1
        let replaced = try latin1.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            return try scanner.string(invalidUTF8: .replace)
        }
        #expect(replaced == "caf\u{FFFD}")
        for bytes in [latin1, [0x22, 0x61, 0x5C, 0x6E, 0xFF, 0x22], [0x22, 0x61, 0x0A, 0x22]] {
            let error = bytes.withUnsafeBytes { bytes in
                var scanner = JSONScanner(bytes)
                return #expect(throws: JSONScanner.SyntaxError.self) { try scanner.string(invalidUTF8: .refuse) }
            }
            #expect(error?.reason.contains("UTF-8") == true || error?.reason.contains("control") == true, "\(error?.reason ?? "")")
        }
    }
}
