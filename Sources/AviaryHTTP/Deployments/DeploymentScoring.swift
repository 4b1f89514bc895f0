import AviaryCore
import AviaryModels
import AviaryMonitoring
import Dispatch
import Foundation
import Hummingbird

/// The request path of a deployment: assign a variant, score, start the shadows, log, answer.
///
/// Kept out of the generic `DeploymentController<Context>` on purpose: types and functions
/// nested in a generic type have their metadata looked up at run time on every request, which
/// cost a few percent of the time per request on this path.
enum DeploymentScoring {
    /// The request formats a deployment answers in.
    enum Wire: Sendable {
        /// MLflow's scoring protocol: JSON or CSV by content type.
        case mlflow(contentType: String?)
        /// The Open Inference Protocol's `infer` request.
        case openInference

        var endpoint: String {
            switch self {
            case .mlflow: "/deployments/{name}/invocations"
            case .openInference: "/v2/models/{name}/infer"
            }
        }
    }

    /// Scores a request with the variant it is assigned to, starts the shadows, and answers
    /// with the variant, version and request id in headers.
    static func invoke(_ request: Request, _ deployment: Deployment, wire: Wire) async throws -> Response {
        let lane = deployment.lane(deployment.assignedIndex(key: deployment.stickyHeader.flatMap { firstValue(request.headers, $0) }))
        let model = lane.model
        let body: ByteBuffer
        do {
            body = try await model.collectBody(request)
        } catch {
            model.metrics.record(endpoint: wire.endpoint, code: (error as? HTTPError)?.status.code ?? 400, nanoseconds: 0)
            throw error
        }
        let requestID = deployment.nextRequestID()
        let (predictions, callerID) = try score(deployment, lane, body, wire: wire, requestID: requestID)
        for index in deployment.shadows {
            let shadow = deployment.lane(index)
            Task.detached(priority: .utility) {
                _ = try? Self.score(deployment, shadow, body, wire: wire, requestID: requestID)
            }
        }
        deployment.answered.wrappingAdd(1, ordering: .relaxed)
        var response: Response
        switch wire {
        case .mlflow:
            response = ServedModel.json("{\"predictions\":\(PredictionEncoding.nestedList(predictions))}")
        case .openInference:
            response = OpenInference.response(predictions, name: deployment.spec.name, version: model.version, requestID: callerID)
        }
        // Appended, not assigned: assigning a header scans the fields to replace any of that name.
        response.headers.append(contentsOf: lane.headers)
        response.headers.append(HTTPFields.Element(name: DeploymentHeaders.requestID, value: requestID))
        return response
    }

    /// The first value of header `name`: unlike the `HTTPFields` subscript, this does not join
    /// repeated fields into a new string.
    static func firstValue(_ headers: HTTPFields, _ name: DeploymentHeaders.Name) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// Scores `body` with a variant's model, counting the request (with the status an error gets)
    /// and its latency, and logging it.
    static func score(_ deployment: Deployment, _ lane: Lane, _ body: ByteBuffer, wire: Wire, requestID: String) throws -> (Predictions, callerID: String?) {
        let model = lane.model
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
            lane.metrics(wire).recordAnswered(nanoseconds: elapsed)
            if predictions.width == 1 {
                for value in predictions.values where value.isFinite { model.metrics.predictions.record(value) }
            }
            if let log = deployment.log, let source = lane.logSource {
                let latency = Int64(elapsed / 1000)
                batch.withRowMajor { features in
                    log.record(source: source, requestID: requestID, timestamp: Int64(Date().timeIntervalSince1970 * 1000), latencyMicroseconds: latency,
                               features: features, outputs: predictions.values, outputWidth: predictions.width, float32: predictions.precision == .float32)
                }
            }
            return (predictions, callerID)
        } catch {
            let code = (error as? AviaryError)?.code.httpStatus ?? (error as? HTTPError)?.status.code ?? 500
            model.metrics.record(endpoint: wire.endpoint, code: code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            throw error
        }
    }
}
