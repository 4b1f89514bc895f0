import AviaryCodecs
import AviaryCore
import AviaryModels
import Foundation
import Hummingbird

/// The Open Inference Protocol (KServe v2) REST endpoints under `/v2`: health, model
/// metadata and readiness, and `POST /v2/models/{name}/infer`. Errors are `{"error": "…"}`,
/// as the protocol specifies.
public struct InferenceController<Context: RequestContext>: Sendable {
    let model: ServedModel
    let serverVersion: String

    public init(model: ServedModel, serverVersion: String) {
        self.model = model
        self.serverVersion = serverVersion
    }

    /// The routes, relative to the `/v2` prefix.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get { _, _ in
            ServedModel.json(#"{"name":"aviary","version":"\#(serverVersion)","extensions":[]}"#)
        }
        routes.get("health/live") { _, _ in ServedModel.json(#"{"live":true}"#) }
        routes.get("health/ready") { _, _ in ServedModel.json(#"{"ready":true}"#) }
        routes.get("models/:name") { _, context in
            try await OpenInference.answer { try metadata(named: context.parameters.get("name")) }
        }
        routes.get("models/:name/ready") { _, context in
            try await OpenInference.answer {
                _ = try servedModel(named: context.parameters.get("name"))
                return try Self.encode(["name": model.name, "ready": true])
            }
        }
        routes.post("models/:name/infer") { request, context in
            try await OpenInference.answer {
                _ = try servedModel(named: context.parameters.get("name"))
                let body = try await model.collectBody(request)
                let json = try body.withUnsafeReadableBytes { try JSONValue.parse($0) }
                let inference = try InferenceRequest(json, schema: model.package.inputSchema)
                let predictions = model.predict(inference.batch)
                return OpenInference.response(predictions, name: model.name, version: model.version, requestID: inference.id)
            }
        }
        return routes
    }

    private func servedModel(named name: String?) throws -> ServedModel {
        guard name == model.name else {
            throw AviaryError.notFound("no model named '\(name ?? "")'; this server serves '\(model.name)'")
        }
        return model
    }

    private func metadata(named name: String?) throws -> Response {
        _ = try servedModel(named: name)
        let inputs = model.package.inputSchema.columns.map { ["name": $0.name, "datatype": "FP64", "shape": [-1]] as [String: Any] }
        let width = model.package.predictor.outputWidth
        var body: [String: Any] = [
            "name": model.name,
            "platform": "aviary-\(model.package.flavor)",
            "inputs": inputs,
            "outputs": [["name": "predictions", "datatype": datatype(model.package.predictor), "shape": width == 1 ? [-1] : [-1, width]]],
        ]
        if let version = model.version { body["versions"] = [version] }
        return try Self.encode(body)
    }

    private func datatype(_ predictor: any Predictor) -> String {
        predictor is LightGBMModel ? "FP64" : "FP32"
    }

    static func encode(_ object: [String: Any]) throws -> Response {
        ServedModel.json(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// Open Inference Protocol replies and errors, outside the generic controller so deployments
/// build them without run-time generic metadata lookups.
enum OpenInference {
    /// Runs `body`, turning failures into the protocol's `{"error": "…"}` replies.
    static func answer(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as AviaryError {
            return errorResponse(error.message, status: .init(code: error.code.httpStatus))
        } catch let error as HTTPError {
            return errorResponse(error.body ?? error.status.reasonPhrase, status: error.status)
        }
    }

    private static func errorResponse(_ message: String, status: HTTPResponse.Status) -> Response {
        ServedModel.json(#"{"error":"# + quoted(message) + "}", status: status)
    }

    /// An `infer` reply for `predictions` made by model `name` (its `version`), echoing the request's `id`.
    static func response(_ predictions: Predictions, name: String, version: String?, requestID: String?) -> Response {
        ServedModel.json(body(predictions, name: name, version: version, requestID: requestID))
    }

    /// The JSON of `response`.
    static func body(_ predictions: Predictions, name: String, version: String?, requestID: String?) -> String {
        let shape = predictions.width == 1 ? "[\(predictions.rowCount)]" : "[\(predictions.rowCount),\(predictions.width)]"
        let type = predictions.precision == .float32 ? "FP32" : "FP64"
        var text = #"{"model_name":"# + quoted(name)
        if let version { text += #","model_version":"# + quoted(version) }
        if let requestID { text += #","id":"# + quoted(requestID) }
        text += #","outputs":[{"name":"predictions","shape":\#(shape),"datatype":"\#(type)","data":"#
        text += PredictionEncoding.flatList(predictions) + "}]}"
        return text
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
