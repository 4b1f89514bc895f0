import AviaryCore
import AviaryTracking
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A single-pass parser for `runs/log-batch` bodies, straight from bytes into `Metric` and `Tag`
/// values.
///
/// Foundation's `JSONDecoder` spent a third of the server's CPU on this request (profiled with
/// `perf` under 8 concurrent clients). This parser accepts only well-formed JSON and returns
/// `nil` for anything it does not handle itself (a `null`, a number where an integer must be
/// exact, malformed input); the caller then falls back to `JSONDecoder`, which either accepts
/// the unusual-but-valid body or produces the error message naming the field. So the fast path
/// never changes what is accepted, only how quickly.
package struct LogBatchParser {
    /// The decoded request.
    package struct Batch: Sendable {
        package var runID: String?
        package var metrics: [Metric] = []
        package var params: [Tag] = []
        package var tags: [Tag] = []
        /// Index of each metric without a timestamp (the caller reports it).
        var metricsMissingTimestamp: [Int] = []
    }

    /// A log-batch body: the fast parser, or `JSONDecoder` for whatever it declines, whose
    /// errors name the field.
    package static func decode(_ bytes: [UInt8]) throws -> Batch {
        guard let batch = parse(bytes) else { return try decodeGenerically(bytes) }
        if let missing = batch.metricsMissingTimestamp.first { throw WireMetric.missingTimestamp(field: "metrics[\(missing)]") }
        return batch
    }

    /// The body through `JSONDecoder` alone: the fallback, and the reference the fuzz harness
    /// holds the fast parser to (whatever both accept, they must read alike).
    package static func decodeGenerically(_ bytes: [UInt8]) throws -> Batch {
        let body = try RequestDecoding.decode(LogBatchRequest.self, from: Data(bytes))
        return Batch(
            runID: body.run_id,
            metrics: try (body.metrics ?? []).enumerated().map { try $1.metric(field: "metrics[\($0)]") },
            params: (body.params ?? []).map(\.tag),
            tags: (body.tags ?? []).map(\.tag)
        )
    }

    /// Deeper nesting than any log-batch needs is left to the generic decoder (which limits it).
    private static let maxDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a body, or returns `nil` to ask for the generic decoder.
    package static func parse(_ bytes: [UInt8]) -> Batch? {
        var parser = LogBatchParser(bytes)
        guard let batch = parser.batch() else { return nil }
        parser.skipWhitespace()
        return parser.index == bytes.count ? batch : nil
    }

    // MARK: Request shape

    private mutating func batch() -> Batch? {
        var batch = Batch()
        let ok = object { parser, field in
            switch field {
            case .runID: batch.runID = parser.string(); return batch.runID != nil
            case .metrics:
                return parser.array { parser in
                    guard let (metric, hasTimestamp) = parser.metric() else { return false }
                    if !hasTimestamp { batch.metricsMissingTimestamp.append(batch.metrics.count) }
                    batch.metrics.append(metric)
                    return true
                }
            case .params:
                return parser.array { parser in
                    guard let tag = parser.keyValue() else { return false }
                    batch.params.append(tag)
                    return true
                }
            case .tags:
                return parser.array { parser in
                    guard let tag = parser.keyValue() else { return false }
                    batch.tags.append(tag)
                    return true
                }
            default: return parser.skipValue()
            }
        }
        return ok ? batch : nil
    }

    private mutating func metric() -> (Metric, Bool)? {
        var key: String?
        var value: Double?
        var timestamp: Int64?
        var step: Int64 = 0
        var links: [Field: String] = [:]
        let ok = object { parser, field in
            switch field {
            case .key: key = parser.string(); return key != nil
            case .value: value = parser.double(); return value != nil
            case .timestamp: timestamp = parser.integer(); return timestamp != nil
            case .step:
                guard let parsed = parser.integer() else { return false }
                step = parsed
                return true
            case .modelID, .datasetName, .datasetDigest:
                guard let parsed = parser.string() else { return false }
                if !parsed.isEmpty { links[field] = parsed }
                return true
            default: return parser.skipValue()
            }
        }
        guard ok, let key, let value else { return nil }
        let metric = Metric(
            key: key, value: value, timestamp: timestamp ?? 0, step: step, modelID: links[.modelID],
            datasetName: links[.datasetName], datasetDigest: links[.datasetDigest]
        )
        return (metric, timestamp != nil)
    }

    private mutating func keyValue() -> Tag? {
        var key: String?
        var value = ""
        let ok = object { parser, field in
            switch field {
            case .key: key = parser.string(); return key != nil
            case .value:
                guard let parsed = parser.string() else { return false }
                value = parsed
                return true
            default: return parser.skipValue()
            }
        }
        guard ok, let key else { return nil }
        return Tag(key: key, value: value)
    }

    // MARK: JSON grammar

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// The field names this request uses; anything else is `.other` and skipped.
    private enum Field: CaseIterable {
        case runID, metrics, params, tags, key, value, timestamp, step, modelID, datasetName, datasetDigest, other

        var name: [UInt8] {
            switch self {
            case .runID: Array("run_id".utf8)
            case .metrics: Array("metrics".utf8)
            case .params: Array("params".utf8)
            case .tags: Array("tags".utf8)
            case .key: Array("key".utf8)
            case .value: Array("value".utf8)
            case .timestamp: Array("timestamp".utf8)
            case .step: Array("step".utf8)
            case .modelID: Array("model_id".utf8)
            case .datasetName: Array("dataset_name".utf8)
            case .datasetDigest: Array("dataset_digest".utf8)
            case .other: []
            }
        }

        static let known: [(Field, [UInt8])] = allCases.filter { $0 != .other }.map { ($0, $0.name) }
    }

    /// `{ "field": value, … }`, calling `member` for each field. A known field given twice is
    /// declined, because JSONDecoder's choice between duplicates is not specified.
    private mutating func object(_ member: (inout LogBatchParser, Field) -> Bool) -> Bool {
        guard depth < Self.maxDepth, consume(UInt8(ascii: "{")) else { return false }
        depth += 1
        defer { depth -= 1 }
        if consume(UInt8(ascii: "}")) { return true }
        var seen: [Field] = []
        repeat {
            guard let field = fieldName(), consume(UInt8(ascii: ":")) else { return false }
            if field != .other {
                if seen.contains(field) { return false }
                seen.append(field)
            }
            guard member(&self, field) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    /// A field name compared in place, without building a String; escaped names are declined.
    private mutating func fieldName() -> Field? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x20 { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        let name = bytes[start..<index]
        index += 1
        for (field, spelling) in Field.known where name.elementsEqual(spelling) { return field }
        return .other
    }

    private mutating func array(_ element: (inout LogBatchParser) -> Bool) -> Bool {
        guard depth < Self.maxDepth, consume(UInt8(ascii: "[")) else { return false }
        depth += 1
        defer { depth -= 1 }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    private mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        // Fast path: no escapes, the common case.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                let end = index
                return bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\\") else { return nil }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                if let byte = JSONEscape.simple(escape) {
                    scalars.append(byte)
                    continue
                }
                switch escape {
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    scalars.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                scalars.append(byte)
            }
        }
        return nil
    }

    /// `\uXXXX`, joining a UTF-16 surrogate pair into one scalar.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = hexDigit(byte) else { return nil }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The byte range of a JSON number, checked against the grammar, and whether it is an integer.
    private mutating func numberRange() -> (Range<Int>, isInteger: Bool)? {
        skipWhitespace()
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return (start..<index, isInteger)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A double: a JSON number, or the strings protobuf uses for NaN and infinities.
    private mutating func double() -> Double? {
        if peek() == UInt8(ascii: "\"") {
            switch string() {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return nil  // numeric strings and the rest: the generic decoder decides
            }
        }
        guard let (range, _) = numberRange() else { return nil }
        // The grammar check above already vetted every byte.
        let value = bytes.withUnsafeBytes { DecimalNumber.parse(UnsafeRawBufferPointer(rebasing: $0[range])) }
        return value.isFinite ? value : nil
    }

    /// An int64 written as a JSON integer; anything else goes to the generic decoder.
    private mutating func integer() -> Int64? {
        guard peek() != UInt8(ascii: "\""), let (range, isInteger) = numberRange(), isInteger else { return nil }
        let negative = bytes[range.lowerBound] == UInt8(ascii: "-")
        var magnitude: UInt64 = 0
        for byte in bytes[(negative ? range.lowerBound + 1 : range.lowerBound)..<range.upperBound] {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Skips any JSON value (for fields this request does not use).
    private mutating func skipValue() -> Bool {
        switch peek() {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"): return object { parser, _ in parser.skipValue() }
        case UInt8(ascii: "["): return array { parser in parser.skipValue() }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return false  // null: let the generic decoder judge it
        default: return numberRange() != nil
        }
    }

    private mutating func literal(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else { return false }
        index += expected.count
        return true
    }
}
