import AviaryCore
import Foundation
import Testing
@testable import AviaryCodecs

/// The scoring JSON parser against the references: `strtod` (through `Double(String)`) for
/// every number, `JSONSerialization` for documents.
@Suite("Scoring JSON parser")
struct JSONValueTests {
    static func parse(_ text: String) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBytes { try JSONValue.parse($0) }
    }

    /// Numbers of every shape the fast path handles and every shape it must hand to strtod.
    static func randomNumberTexts(count: Int) -> [String] {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "0.0", "1e22", "1e23", "9007199254740993", "123456789012345", "1234567890123456",
                     "0.1", "0.30000000000000004", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                     "-0.13210486329130304", "1E-22", "1e-23", "0.000001234", "12345678901234567890"]
        for _ in 0..<count {
            let digits = Int.random(in: 1...19, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            text += String(Int.random(in: 1...9, using: &generator))
            text += (1..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            if Bool.random(using: &generator) {
                let point = Int.random(in: 1...text.count, using: &generator)
                let index = text.index(text.startIndex, offsetBy: max(point, text.hasPrefix("-") ? 2 : 1))
                if index < text.endIndex { text.insert(".", at: index) }
            }
            if Int.random(in: 0..<3, using: &generator) == 0 { text += "e\(Int.random(in: -30...30, using: &generator))" }
            texts.append(text)
        }
        return texts
    }

    @Test("every number equals strtod's rounding, bit for bit")
    func numbers() throws {
        for text in Self.randomNumberTexts(count: 20_000) {
            let expected = try #require(Double(text))
            guard case .number(let parsed) = try Self.parse(text) else {
                Issue.record("\(text) did not parse as a number")
                continue
            }
            #expect(parsed.bitPattern == expected.bitPattern, "\(text): \(parsed) != \(expected)")
        }
    }

    @Test("documents agree with JSONSerialization")
    func documents() throws {
        let text = #"{"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "x\"\\\/\n\u00e9\ud83d\udc26"}, "d": []}"#
        let parsed = try Self.parse(text)
        let reference = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        guard case .array(let list)? = parsed["a"] else { Issue.record("a is not a list"); return }
        #expect(list == [.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null])
        #expect(parsed["b"]?["c"] == .string((reference?["b"] as? [String: Any])?["c"] as? String ?? "?"))
        #expect(parsed["d"] == .array([]))
        #expect(try Self.parse("[NaN, Infinity, -Infinity]") == .array([.number(.nan), .number(.infinity), .number(-.infinity)]))
    }

    @Test("malformed documents are refused with the byte offset", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01x", "1.", "1e", "-", "[1] 2", "\"abc", "{\"a\":tru}", "[\"\u{01}\"]",
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func malformed(text: String) throws {
        #expect(throws: (any Error).self) { try Self.parse(text) }
    }
}

/// `\\u` escapes: UTF-16 pairs join into one scalar; a lone surrogate has no scalar and is refused
/// (issue 19: `{"inputs":"\\ud800\\u0041"}` killed the server through an overflow).
@Suite("Scoring JSON escapes")
struct JSONEscapeTests {
    @Test("lone and mismatched surrogates are refused with a message naming the escape", arguments: [
        #"{"inputs":"\ud800\u0041"}"#, #""\ud800""#, #""\udbff\ud800""#, #""\udc00""#, #""x\udfff""#, #""\ud800\n""#, #""\ud800\u""#,
    ])
    func loneSurrogates(text: String) throws {
        let error = try #require(throws: AviaryError.self) { try JSONValueTests.parse(text) }
        #expect(error.message.contains("surrogate") || error.message.contains("\\u escape"), "\(error.message)")
    }

    @Test("every scalar written as a \\u escape (a pair above U+FFFF) reads back as Foundation reads it")
    func scalars() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let value = UInt32.random(in: 0...0x10FFFF, using: &generator)
            guard let scalar = Unicode.Scalar(value) else { continue }
            let units = Array(String(Character(scalar)).utf16)
            let text = "\"a" + units.map { "\\u" + String(format: "%04x", $0) }.joined() + "b\""
            let expected = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String
            #expect(try JSONValueTests.parse(text) == .string(try #require(expected)), "\(text)")
        }
    }
}

/// The shortest decimal forms of random doubles (what Python and pandas write, mostly 17
/// digits, through the Eisel–Lemire path) must read back bit for bit.
@Suite("Decimal conversion")
struct DecimalNumberTests {
    @Test("200,000 random doubles round-trip through their shortest text")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            let bits = UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &generator)
            let value = Bool.random(using: &generator) ? Double(bitPattern: bits) : Double.random(in: -1e6...1e6, using: &generator)
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            guard case .number(let parsed) = try JSONValueTests.parse(text) else {
                Issue.record("\(text) did not parse")
                continue
            }
            #expect(parsed.bitPattern == value.bitPattern, "\(text)")
        }
    }
}
