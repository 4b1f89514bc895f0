import AviaryCore
import AviaryModels
import AviaryMonitoring
import Dispatch
import Foundation
import Hummingbird

/// `POST /deployments/{name}/invocations`: the MLflow scoring protocol in front of a
/// deployment's variants. The answer comes from the variant the request is assigned to, named
/// in `X-Aviary-Variant` with its `X-Aviary-Model-Version`; shadow variants score the same
/// body afterwards, off the response path, and are only counted and logged. `X-Request-Id`
/// names the request in the prediction log, which `GET /deployments/{name}/predictions`
/// exports as CSV (`?since=` milliseconds since 1970).
public struct DeploymentController<Context: RequestContext>: Sendable {
    let host: DeploymentHost

    public init(host: DeploymentHost) {
        self.host = host
    }

    static var endpoint: String { "/deployments/{name}/invocations" }
    static var inferEndpoint: String { "/v2/models/{name}/infer" }

    /// The deployment the route's `name` parameter names.
    func deployment(_ context: Context) throws -> Deployment {
        let name = try context.parameters.require("name")
        guard let deployment = host.deployment(named: name) else {
            let names = host.all.map(\.spec.name)
            throw AviaryError.notFound("No deployment named '\(name)'; this server has \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        return deployment
    }

    /// The scoring and export routes, at the server's root.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("deployments/:name/invocations") { request, context in
            try await invoke(request, context, wire: .mlflow(contentType: request.headers[.contentType]))
        }
        // The Open Inference Protocol with the deployment's name as the model name.
        routes.post("v2/models/:name/infer") { request, context in
            try await InferenceController<Context>.answer { try await invoke(request, context, wire: .openInference) }
        }
        routes.get("deployments/:name/predictions") { request, context in
            let (deployment, log) = try logged(context)
            let since = try Self.since(request)
            try log.flush()
            var csv = "request_id,variant,model_version,shadow,timestamp,latency_us,inputs,outputs\n"
            for record in try log.store.records(deployment: deployment.spec.name, since: since) {
                let inputs = PredictionEncoding.features(record.features, columns: record.columns, featureCount: record.features.count / max(record.rowCount, 1))
                let outputs = PredictionEncoding.nestedList(record.outputs, width: record.outputWidth, float32: record.float32)
                let fields = [record.requestID, record.variant, record.modelVersion, record.shadow ? "true" : "false", "\(record.timestamp)",
                              "\(record.latencyMicroseconds)", inputs, outputs]
                csv += fields.map(Self.csvField).joined(separator: ",") + "\n"
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        routes.post("deployments/:name/feedback") { request, context in try await feedback(request, context) }
        routes.get("deployments/:name/quality") { request, context in try quality(request, context) }
        routes.get("deployments/:name/monitors") { request, context in try monitors(request, context) }
        routes.get("deployments/:name/gate") { request, context in try gate(request, context) }
        return routes
    }

    /// The request formats a deployment answers in.
    enum Wire: Sendable {
        /// MLflow's scoring protocol: JSON or CSV by content type.
        case mlflow(contentType: String?)
        /// The Open Inference Protocol's `infer` request.
        case openInference

        var endpoint: String {
            switch self {
            case .mlflow: DeploymentController.endpoint
            case .openInference: DeploymentController.inferEndpoint
            }
        }
    }

    /// Scores a request with the variant it is assigned to, starts the shadows, and answers
    /// with the variant, version and request id in headers.
    func invoke(_ request: Request, _ context: Context, wire: Wire) async throws -> Response {
        let deployment = try deployment(context)
        let variant = deployment.assign(key: deployment.stickyHeader.flatMap { request.headers[$0] })
        let model = deployment.model(for: variant.name)
        let body: ByteBuffer
        do {
            body = try await model.collectBody(request)
        } catch {
            model.metrics.record(endpoint: wire.endpoint, code: (error as? HTTPError)?.status.code ?? 400, nanoseconds: 0)
            throw error
        }
        let requestID = deployment.nextRequestID()
        let (predictions, callerID) = try Self.score(deployment, variant, model, body, wire: wire, requestID: requestID)
        for shadow in deployment.shadows {
            let shadowModel = deployment.model(for: shadow.name)
            Task.detached(priority: .utility) {
                _ = try? Self.score(deployment, shadow, shadowModel, body, wire: wire, requestID: requestID)
            }
        }
        deployment.answered.wrappingAdd(1, ordering: .relaxed)
        var response: Response
        switch wire {
        case .mlflow:
            response = ServedModel.json("{\"predictions\":\(PredictionEncoding.nestedList(predictions))}")
        case .openInference:
            response = InferenceController<Context>.inferResponse(predictions, name: deployment.spec.name, version: model.version, requestID: callerID)
        }
        response.headers[DeploymentHeaders.variant] = variant.name
        response.headers[DeploymentHeaders.version] = model.version ?? ""
        response.headers[DeploymentHeaders.requestID] = requestID
        return response
    }

    /// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Scores `body` with a variant's model, counting the request (with the status an error gets)
    /// and its latency, and logging it. Not generic on purpose: on this path a generic call
    /// re-instantiated type metadata on every request, a few percent of the time per request.
    static func score(
        _ deployment: Deployment, _ variant: DeploymentSpec.Variant, _ model: ServedModel, _ body: ByteBuffer, wire: Wire,
        requestID: String
    ) throws -> (Predictions, callerID: String?) {
        let start = DispatchTime.now().uptimeNanoseconds
        model.metrics.inFlight.increment()
        defer { model.metrics.inFlight.decrement() }
        do {
            let batch: FeatureBatch
            var callerID: String?
            switch wire {
            case .mlflow(let contentType):
                batch = try model.decode(body, contentType: contentType)
            case .openInference:
                let json = try body.withUnsafeReadableBytes { try JSONValue.parse($0) }
                let inference = try InferenceRequest(json, schema: model.package.inputSchema)
                batch = inference.batch
                callerID = inference.id
            }
            let predictions = model.predict(batch)
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            model.metrics.record(endpoint: wire.endpoint, code: 200, nanoseconds: elapsed)
            if predictions.width == 1 {
                for value in predictions.values where value.isFinite { model.metrics.predictions.record(value) }
            }
            deployment.log?.record(PredictionRecord(
                requestID: requestID, deployment: deployment.spec.name, variant: variant.name, modelVersion: model.version ?? "",
                shadow: variant.shadow, timestamp: Int64(Date().timeIntervalSince1970 * 1000), latencyMicroseconds: Int64(elapsed / 1000),
                columns: model.columnsJSON, features: batch.rowMajor, outputs: predictions.values, outputWidth: predictions.width,
                float32: predictions.precision == .float32
            ))
            return (predictions, callerID)
        } catch {
            let code = (error as? AviaryError)?.code.httpStatus ?? (error as? HTTPError)?.status.code ?? 500
            model.metrics.record(endpoint: wire.endpoint, code: code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            throw error
        }
    }
}

/// The response headers that say who answered; parsed once, not per request.
enum DeploymentHeaders {
    /// `HTTPField.Name`, reached through Hummingbird's re-exported `HTTPFields`.
    typealias Name = HTTPFields.Element.Name
    static let variant = Name("X-Aviary-Variant")!
    static let version = Name("X-Aviary-Model-Version")!
    static let requestID = Name("X-Request-Id")!
}
