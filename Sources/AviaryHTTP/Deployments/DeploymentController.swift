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
    let deployments: [String: (deployment: Deployment, stickyHeader: HeaderName?)]

    public init(deployments: [Deployment]) {
        self.deployments = Dictionary(
            deployments.map { ($0.spec.name, ($0, HeaderName($0.spec.stickyHeader))) }, uniquingKeysWith: { first, _ in first }
        )
    }

    static var endpoint: String { "/deployments/{name}/invocations" }
    typealias HeaderName = DeploymentHeaders.Name

    /// The scoring and export routes, at the server's root.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("deployments/:name/invocations") { request, context in
            let name = try context.parameters.require("name")
            guard let (deployment, stickyHeader) = deployments[name] else {
                throw AviaryError.notFound("No deployment named '\(name)'; this server has \(deployments.keys.sorted().joined(separator: ", "))")
            }
            let key = stickyHeader.flatMap { request.headers[$0] }
            let variant = deployment.assign(key: key)
            let model = deployment.model(for: variant.name)
            let contentType = request.headers[.contentType]
            let body: ByteBuffer
            do {
                body = try await model.collectBody(request)
            } catch {
                model.metrics.record(endpoint: Self.endpoint, code: (error as? HTTPError)?.status.code ?? 400, nanoseconds: 0)
                throw error
            }
            let requestID = deployment.nextRequestID()
            let predictions = try Self.score(deployment, variant, model, body, contentType: contentType, requestID: requestID)
            for shadow in deployment.shadows {
                let shadowModel = deployment.model(for: shadow.name)
                Task.detached(priority: .utility) {
                    _ = try? Self.score(deployment, shadow, shadowModel, body, contentType: contentType, requestID: requestID)
                }
            }
            deployment.answered.wrappingAdd(1, ordering: .relaxed)
            var response = ServedModel.json("{\"predictions\":\(PredictionEncoding.nestedList(predictions))}")
            response.headers[DeploymentHeaders.variant] = variant.name
            response.headers[DeploymentHeaders.version] = model.version ?? ""
            response.headers[DeploymentHeaders.requestID] = requestID
            return response
        }
        routes.get("deployments/:name/predictions") { request, context in
            let (deployment, log) = try logged(context)
            let since = try Self.since(request)
            try log.flush()
            var csv = "request_id,variant,model_version,shadow,timestamp,latency_us,inputs,outputs\n"
            for record in try log.store.records(deployment: deployment.spec.name, since: since) {
                let fields = [record.requestID, record.variant, record.modelVersion, record.shadow ? "true" : "false", "\(record.timestamp)",
                              "\(record.latencyMicroseconds)", record.inputs, record.outputs]
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

    /// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Scores `body` with a variant's model, counting the request (with the status an error gets)
    /// and its latency, and logging it. Not generic on purpose: on this path a generic call
    /// re-instantiated type metadata on every request, a few percent of the time per request.
    static func score(
        _ deployment: Deployment, _ variant: DeploymentSpec.Variant, _ model: ServedModel, _ body: ByteBuffer, contentType: String?,
        requestID: String
    ) throws -> Predictions {
        let start = DispatchTime.now().uptimeNanoseconds
        model.metrics.inFlight.increment()
        defer { model.metrics.inFlight.decrement() }
        do {
            let batch = try model.decode(body, contentType: contentType)
            let predictions = model.predict(batch)
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            model.metrics.record(endpoint: endpoint, code: 200, nanoseconds: elapsed)
            if predictions.width == 1 {
                for value in predictions.values where value.isFinite { model.metrics.predictions.record(value) }
            }
            deployment.log?.record(PredictionRecord(
                requestID: requestID, deployment: deployment.spec.name, variant: variant.name, modelVersion: model.version ?? "",
                shadow: variant.shadow, timestamp: Int64(Date().timeIntervalSince1970 * 1000), latencyMicroseconds: Int64(elapsed / 1000),
                inputs: PredictionEncoding.features(batch, columns: model.columnsJSON),
                outputs: PredictionEncoding.nestedList(predictions)
            ))
            return predictions
        } catch {
            let code = (error as? AviaryError)?.code.httpStatus ?? (error as? HTTPError)?.status.code ?? 500
            model.metrics.record(endpoint: endpoint, code: code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
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
