import AviaryCodecs
import AviaryCore
import AviaryModels
import Foundation
import Hummingbird
import NIOCore

/// The model a scoring server answers for, with the request limits every endpoint shares.
///
/// A class, not a struct: a request passes it along several times (a deployment's lane, the
/// handler, the scorer), and copying a struct of strings, arrays and the package's fields cost
/// a retain and a release per field each time.
public final class ServedModel: Sendable {
    /// The loaded model with its input schema.
    public let package: ModelPackage
    /// The name clients address it by (`/v2/models/{name}`).
    public let name: String
    /// The registry version, when it came from `models:/`.
    public let version: String?
    /// Largest request body accepted, in bytes.
    public let maximumBodySize: Int
    /// Where requests and scored rows are counted.
    public let metrics: ScoringMetrics
    /// The input column names as a JSON array, for the prediction log.
    let columnsJSON: String

    public init(package: ModelPackage, name: String, version: String?, maximumBodySize: Int, metrics: ScoringMetrics? = nil) {
        self.package = package
        self.name = name
        self.version = version
        self.maximumBodySize = maximumBodySize
        self.metrics = metrics ?? .disabled(model: name)
        let names = package.inputSchema.columns.map(\.name)
        self.columnsJSON = (try? JSONSerialization.data(withJSONObject: names)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// The request body, refused with 413 beyond `maximumBodySize`.
    func collectBody(_ request: Request) async throws -> ByteBuffer {
        try await Self.collectBody(request, upTo: maximumBodySize)
    }

    /// The request body, refused with 413 beyond `limit` bytes.
    static func collectBody(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "the request body is larger than \(limit) bytes; split it into smaller requests")
        }
    }

    /// The batch in a `/invocations` body: JSON, or CSV when the content type says so.
    func decode(_ body: ByteBuffer, contentType: String?) throws -> FeatureBatch {
        switch Self.mediaType(contentType) {
        case "application/json":
            let json = try body.withUnsafeReadableBytes { try JSONValue.parse($0) }
            return try ScoringInput.batch(fromJSON: json, schema: package.inputSchema)
        case "text/csv":
            return try ScoringInput.batch(fromCSV: Data(buffer: body), schema: package.inputSchema)
        case let type:
            throw AviaryError(.badRequest, "content type '\(type)' is not supported; send application/json or text/csv")
        }
    }

    /// The media type of a `Content-Type` value, lowercased, without parameters (`; charset=…`)
    /// or surrounding blanks; JSON when absent or empty. Trimmed by hand: Foundation's
    /// `trimmingCharacters` bridges through `NSString`, which cost ~3% of a 1-row request.
    static func mediaType(_ contentType: String?) -> String {
        guard let contentType else { return "application/json" }
        var type = contentType.prefix { $0 != ";" }
        while type.first == " " || type.first == "\t" { type.removeFirst() }
        while type.last == " " || type.last == "\t" { type.removeLast() }
        return type.isEmpty ? "application/json" : type.lowercased()
    }

    /// The first value of header `name`: unlike the `HTTPFields` subscript, this does not join
    /// repeated fields into a new string.
    static func firstValue(_ headers: HTTPFields, _ name: HTTPFields.Element.Name) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The path of MLflow's scoring endpoint.
    static let invocationsPath = "/invocations"

    /// Answers a `POST /invocations` request: `{"predictions": …}`.
    func answerInvocations(_ request: Request) async throws -> Response {
        let body = try await collectBody(request)
        let batch = try decode(body, contentType: Self.firstValue(request.headers, .contentType))
        return Self.json("{\"predictions\":\(PredictionEncoding.nestedList(predict(batch)))}")
    }

    func predict(_ batch: FeatureBatch) -> Predictions {
        let predictions = package.predictor.predict(batch)
        metrics.rows.increment(by: Int64(predictions.rowCount))
        return predictions
    }

    /// Scores the `serving_input_example.json` saved with the model as an `/invocations` body;
    /// returns its row count, or nil when the model has no example.
    public func scoreInputExample() throws -> Int? {
        guard let example = package.servingInputExample else { return nil }
        // Straight to the predictor: a start-up check is not traffic to count.
        return package.predictor.predict(try decode(ByteBuffer(data: example), contentType: "application/json")).rowCount
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
