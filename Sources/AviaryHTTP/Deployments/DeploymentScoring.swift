import AviaryCodecs
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
        /// MLflow's scoring protocol, `/deployments/{name}/invocations`: JSON or CSV by content type.
        case mlflow
        /// The Open Inference Protocol's `infer` request, `/v2/models/{name}/infer`.
        case openInference

        var endpoint: String {
            switch self {
            case .mlflow: "/deployments/{name}/invocations"
            case .openInference: "/v2/models/{name}/infer"
            }
        }
    }

    /// A scoring path of a deployment, parsed without the router.
    struct Route {
        /// The `{name}` segment.
        let name: String
        let wire: Wire

        /// The route `path` matches; nil for any other path, or an empty name.
        ///
        /// Compared byte by byte: splitting the path into segments and comparing those cost
        /// about 2 µs, nearly 2% of a 1-row request's CPU.
        init?(path: String) {
            var path = path
            let match = path.withUTF8 { bytes -> Route? in
                if let name = Self.segment(of: bytes, between: "/deployments/", and: "/invocations") { return Route(name: name, wire: .mlflow) }
                if let name = Self.segment(of: bytes, between: "/v2/models/", and: "/infer") { return Route(name: name, wire: .openInference) }
                return nil
            }
            guard let match else { return nil }
            self = match
        }

        private init(name: String, wire: Wire) {
            self.name = name
            self.wire = wire
        }

        /// What lies between `prefix` and `suffix` when `path` is exactly those around one
        /// non-empty segment; nil otherwise.
        private static func segment(of path: UnsafeBufferPointer<UInt8>, between prefix: StaticString, and suffix: StaticString) -> String? {
            let head = prefix.utf8CodeUnitCount
            let tail = suffix.utf8CodeUnitCount
            guard path.count > head + tail,
                  path.prefix(head).elementsEqual(UnsafeBufferPointer(start: prefix.utf8Start, count: head)),
                  path.suffix(tail).elementsEqual(UnsafeBufferPointer(start: suffix.utf8Start, count: tail))
            else { return nil }
            let name = UnsafeBufferPointer(rebasing: path[head..<(path.count - tail)])
            guard !name.contains(UInt8(ascii: "/")) else { return nil }
            return String(decoding: name, as: UTF8.self)
        }
    }

    /// The deployment a route's `name` parameter names, or a 404 listing the hosted ones.
    static func deployment(_ host: DeploymentHost, _ parameters: Parameters) throws -> Deployment {
        let name = try parameters.require("name")
        guard let deployment = host.deployment(named: name) else {
            let names = host.all.map(\.spec.name)
            throw AviaryError.notFound("No deployment named '\(name)'; this server has \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        return deployment
    }

    /// Answers a request to `deployment` in `wire`'s format, with that protocol's errors.
    static func answer(_ request: Request, _ deployment: Deployment, _ wire: Wire) async throws -> Response {
        switch wire {
        case .mlflow:
            try await invoke(request, deployment, wire: .mlflow)
        case .openInference:
            try await OpenInference.answer { try await invoke(request, deployment, wire: .openInference) }
        }
    }

    /// Scores a request with the variant it is assigned to, starts the shadows, and answers
    /// with the variant, version and request id in headers.
    static func invoke(_ request: Request, _ deployment: Deployment, wire: Wire) async throws -> Response {
        let lane = deployment.lane(deployment.assignedIndex(key: deployment.stickyHeader.flatMap { ServedModel.firstValue(request.headers, $0) }))
        let model = lane.model
        let body: ByteBuffer
        do {
            body = try await model.collectBody(request)
        } catch {
            model.metrics.record(endpoint: wire.endpoint, code: (error as? HTTPError)?.status.code ?? 400, nanoseconds: 0)
            throw error
        }
        let requestID = deployment.nextRequestID()
        let contentType = wire == .mlflow ? ServedModel.firstValue(request.headers, .contentType) : nil
        let (predictions, callerID) = try score(deployment, lane, body, wire: wire, contentType: contentType, requestID: requestID)
        for index in deployment.shadows {
            guard deployment.reserveShadow() else { continue }
            let shadow = deployment.lane(index)
            Task.detached(priority: .utility) {
                defer { deployment.releaseShadow() }
                _ = try? Self.score(deployment, shadow, body, wire: wire, contentType: contentType, requestID: requestID)
            }
        }
        deployment.answered.wrappingAdd(1, ordering: .relaxed)
        let text = switch wire {
        case .mlflow: "{\"predictions\":\(PredictionEncoding.nestedList(predictions))}"
        case .openInference: OpenInference.body(predictions, name: deployment.spec.name, version: model.version, requestID: callerID)
        }
        // All fields in one literal: `HTTPFields`' dictionary-literal initialiser is compiled in
        // its module, while appending to or assigning a field goes through generic collection
        // code with a run-time metadata lookup per call.
        let headers: HTTPFields = [
            .contentType: "application/json", DeploymentHeaders.variant: lane.variant.name, DeploymentHeaders.version: lane.versionHeader,
            DeploymentHeaders.requestID: requestID,
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Scores `body` with a variant's model, counting the request (with the status an error gets)
    /// and its latency, and logging it.
    static func score(
        _ deployment: Deployment, _ lane: Lane, _ body: ByteBuffer, wire: Wire, contentType: String?, requestID: String
    ) throws -> (Predictions, callerID: String?) {
        let model = lane.model
        let start = DispatchTime.now().uptimeNanoseconds
        model.metrics.inFlight.increment()
        defer { model.metrics.inFlight.decrement() }
        do {
            let batch: FeatureBatch
            var callerID: String?
            switch wire {
            case .mlflow:
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
