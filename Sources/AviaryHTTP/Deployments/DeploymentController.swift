import AviaryCore
import Dispatch
import Foundation
import Hummingbird

/// `POST /deployments/{name}/invocations`: the MLflow scoring protocol in front of a
/// deployment's variants. The answer comes from the variant the request is assigned to, named
/// in `X-Aviary-Variant` with its `X-Aviary-Model-Version`; shadow variants score the same
/// body afterwards, off the response path, and are only counted.
public struct DeploymentController<Context: RequestContext>: Sendable {
    let deployments: [String: Deployment]

    public init(deployments: [Deployment]) {
        self.deployments = Dictionary(deployments.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static var endpoint: String { "/deployments/{name}/invocations" }
    /// `HTTPField.Name`, reached through Hummingbird's re-exported `HTTPFields`.
    typealias HeaderName = HTTPFields.Element.Name

    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("deployments/:name/invocations") { request, context in
            let name = try context.parameters.require("name")
            guard let deployment = deployments[name] else {
                throw AviaryError.notFound("No deployment named '\(name)'; this server has \(deployments.keys.sorted().joined(separator: ", "))")
            }
            let key = HeaderName(deployment.spec.stickyHeader).flatMap { request.headers[$0] }
            let variant = deployment.assign(key: key)
            let model = deployment.model(for: variant.name)
            let contentType = request.headers[.contentType]
            let (body, predictions) = try await Self.measured(model) {
                let body = try await model.collectBody(request)
                return (body, model.predict(try model.decode(body, contentType: contentType)))
            }
            for shadow in deployment.spec.variants where shadow.shadow {
                let shadowModel = deployment.model(for: shadow.name)
                Task.detached(priority: .utility) {
                    _ = try? await Self.measured(shadowModel) { shadowModel.predict(try shadowModel.decode(body, contentType: contentType)) }
                }
            }
            var response = ServedModel.json("{\"predictions\":\(PredictionEncoding.nestedList(predictions))}")
            response.headers[HeaderName("X-Aviary-Variant")!] = variant.name
            response.headers[HeaderName("X-Aviary-Model-Version")!] = model.version ?? ""
            return response
        }
        return routes
    }

    /// Runs `work` for `model`, counting it (with the status an error would get) and its latency.
    static func measured<T>(_ model: ServedModel, _ work: () async throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        model.metrics.inFlight.increment()
        defer { model.metrics.inFlight.decrement() }
        do {
            let result = try await work()
            model.metrics.record(endpoint: endpoint, code: 200, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            return result
        } catch {
            let code = (error as? AviaryError)?.code.httpStatus ?? (error as? HTTPError)?.status.code ?? 500
            model.metrics.record(endpoint: endpoint, code: code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            throw error
        }
    }
}
