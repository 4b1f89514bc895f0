import AviaryCodecs
import AviaryCore
import AviaryTracking
import Foundation

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

    /// The tokens; any error they raise declines the body.
    private var scanner: JSONScanner
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        scanner = JSONScanner(bytes)
    }

    /// Parses a body, or returns `nil` to ask for the generic decoder.
    package static func parse(_ bytes: [UInt8]) -> Batch? {
        bytes.withUnsafeBytes { bytes in
            var parser = LogBatchParser(bytes)
            guard let batch = parser.batch() else { return nil }
            parser.scanner.skipWhitespace()
            return parser.scanner.isAtEnd ? batch : nil
        }
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
        guard depth < Self.maxDepth, scanner.consume(UInt8(ascii: "{")) else { return false }
        depth += 1
        defer { depth -= 1 }
        if scanner.consume(UInt8(ascii: "}")) { return true }
        var seen: [Field] = []
        repeat {
            guard let field = fieldName(), scanner.consume(UInt8(ascii: ":")) else { return false }
            if field != .other {
                if seen.contains(field) { return false }
                seen.append(field)
            }
            guard member(&self, field) else { return false }
        } while scanner.consume(UInt8(ascii: ","))
        return scanner.consume(UInt8(ascii: "}"))
    }

    /// A field name compared in place, without building a String; escaped names are declined.
    private mutating func fieldName() -> Field? {
        guard scanner.consume(UInt8(ascii: "\"")) else { return nil }
        let bytes = scanner.bytes
        let start = scanner.position
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") || bytes[end] < 0x20 { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        scanner.position = end + 1
        // Length first, then memcmp: `elementsEqual` over a slice of the raw buffer walked
        // every candidate byte by byte, +5% of the whole request (callgrind).
        let length = end - start
        for (field, spelling) in Field.known where spelling.count == length {
            if spelling.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress! + start, length) }) == 0 { return field }
        }
        return .other
    }

    private mutating func array(_ element: (inout LogBatchParser) -> Bool) -> Bool {
        guard depth < Self.maxDepth, scanner.consume(UInt8(ascii: "[")) else { return false }
        depth += 1
        defer { depth -= 1 }
        if scanner.consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while scanner.consume(UInt8(ascii: ","))
        return scanner.consume(UInt8(ascii: "]"))
    }

    /// A string; nil for anything that is not a well-formed one, ill-formed UTF-8 included (the
    /// generic decoder then words the error).
    private mutating func string() -> String? {
        guard scanner.peek() == UInt8(ascii: "\"") else { return nil }
        return try? scanner.string(invalidUTF8: .refuse)
    }

    /// A double: a JSON number, or the strings protobuf uses for NaN and infinities.
    private mutating func double() -> Double? {
        if scanner.peek() == UInt8(ascii: "\"") {
            switch string() {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return nil  // numeric strings and the rest: the generic decoder decides
            }
        }
        guard let (text, _) = scanner.number() else { return nil }
        let value = DecimalNumber.parse(text)
        return value.isFinite ? value : nil
    }

    /// An int64 written as a JSON integer; anything else goes to the generic decoder.
    private mutating func integer() -> Int64? {
        guard scanner.peek() != UInt8(ascii: "\""), let (text, isInteger) = scanner.number(), isInteger else { return nil }
        let negative = text[0] == UInt8(ascii: "-")
        var magnitude: UInt64 = 0
        for byte in text.dropFirst(negative ? 1 : 0) {
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
        switch scanner.peek() {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"): return object { parser, _ in parser.skipValue() }
        case UInt8(ascii: "["): return array { parser in parser.skipValue() }
        case UInt8(ascii: "t"): return scanner.literal("true")
        case UInt8(ascii: "f"): return scanner.literal("false")
        case UInt8(ascii: "n"): return false  // null: let the generic decoder judge it
        default: return scanner.number() != nil
        }
    }
}
