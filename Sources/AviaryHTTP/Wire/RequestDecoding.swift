import AviaryCore
import Foundation
import Hummingbird

/// Reads MLflow API requests: JSON bodies for POST/PATCH/DELETE, the query string for GET.
///
/// Every failure becomes `INVALID_PARAMETER_VALUE` (or `BAD_REQUEST` for a wrong content
/// type) naming the field, so the client gets MLflow's 400 instead of a 500.
enum RequestDecoding {
    /// Largest JSON body accepted by the API (a full log-batch is well under 1 MB).
    static let maxBodySize = 16 * 1024 * 1024

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if request.method == .get || request.method == .head {
            return try decode(type, from: try JSONSerialization.data(withJSONObject: queryObject(request.uri.query)))
        }
        return try decode(type, from: Data(try await jsonBody(of: request)))
    }

    /// The bytes of a JSON request body, after checking the content type; `{}` when empty.
    static func jsonBody(of request: Request) async throws -> [UInt8] {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            throw AviaryError.invalid(
                "Bad Request. Content-Type must be 'application/json' for \(request.method) requests, got '\(contentType)'."
            )
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw AviaryError.invalid("Request body is larger than the \(maxBodySize / 1024 / 1024) MB limit")
        }
        return buffer.readableBytes == 0 ? Array("{}".utf8) : Array(buffer.readableBytesView)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw AviaryError.invalid(describe(error))
        } catch let error as AviaryError {
            throw error
        } catch {
            throw AviaryError.invalid("Malformed request: \(error)")
        }
    }

    /// The query string as a JSON-able object; repeated keys become arrays.
    static func queryObject(_ query: String?) -> [String: Any] {
        var object: [String: Any] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decodeComponent(parts[0])
            let value = parts.count > 1 ? decodeComponent(parts[1]) : ""
            switch object[key] {
            case nil: object[key] = arrayFields.contains(key) ? [value] : value
            case var values as [String]: values.append(value); object[key] = values
            case let single as String: object[key] = [single, value]
            default: break
            }
        }
        return object
    }

    /// Query fields that are repeated lists in MLflow's protos.
    private static let arrayFields: Set<String> = ["order_by", "experiment_ids", "run_ids", "stages"]

    private static func decodeComponent(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Turns a decoding failure into a message naming the field and the rule.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var result = ""
            for key in codingPath {
                if let index = key.intValue {
                    result += "[\(index)]"
                } else {
                    result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return result
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "Missing value for required parameter '\(field)'. See the API docs for more information about request parameters."
        case .typeMismatch(let type, let context):
            return "Invalid value for parameter '\(path(context.codingPath))' supplied: expected \(typeName(type, context))"
        case .valueNotFound(let type, let context):
            return "Invalid value null for parameter '\(path(context.codingPath))' supplied: expected \(typeName(type, context))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "Malformed JSON in request body: \(context.debugDescription)"
            }
            return "Invalid value for parameter '\(path(context.codingPath))' supplied: \(context.debugDescription)"
        @unknown default:
            return "Malformed request"
        }
    }

    private static func typeName(_ type: Any.Type, _ context: DecodingError.Context) -> String {
        if type == String.self { return "a string" }
        if type == Int64.self { return "a 64-bit integer" }
        if type == Double.self { return "a number" }
        if "\(type)".hasPrefix("Array") { return "a list" }
        if "\(type)".hasPrefix("Dictionary") || "\(type)".contains("Request") { return "an object" }
        return context.debugDescription
    }
}

/// Writes MLflow API responses as JSON, with NaN and infinities as protobuf spells them.
enum ResponseEncoding {
    /// The encoder of every API answer: protobuf's JSON for non-finite numbers, slashes unescaped.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder().encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// `{}`, the body of MLflow's empty responses.
    static func empty() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }
}
