import AviaryCore
import AviaryModels
import Dispatch
import Foundation
import Hummingbird

/// `POST /deployments/{name}/invocations`: the MLflow scoring protocol in front of a
/// deployment's variants. The answer comes from the variant the request is assigned to, named
/// in `X-Aviary-Variant` with its `X-Aviary-Model-Version`; shadow variants score the same
/// body afterwards, off the response path, and are only counted.
public struct DeploymentController<Context: RequestContext>: Sendable {
    let deployments: [String: (deployment: Deployment, stickyHeader: HeaderName?)]

    public init(deployments: [Deployment]) {
        self.deployments = Dictionary(
            deployments.map { ($0.spec.name, ($0, HeaderName($0.spec.stickyHeader))) }, uniquingKeysWith: { first, _ in first }
        )
    }


    static var endpoint: String { "/deployments/{name}/invocations" }
    typealias HeaderName = DeploymentHeaders.Name

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
            let predictions = try Self.score(model, body, contentType: contentType)
            for shadow in deployment.spec.variants where shadow.shadow {
                let shadowModel = deployment.model(for: shadow.name)
                Task.detached(priority: .utility) { _ = try? Self.score(shadowModel, body, contentType: contentType) }
            }
            var response = ServedModel.json("{\"predictions\":\(PredictionEncoding.nestedList(predictions))}")
            response.headers[DeploymentHeaders.variant] = variant.name
            response.headers[DeploymentHeaders.version] = model.version ?? ""
            return response
        }
        return routes
    }

    /// Scores `body` with `model`, counting the request (with the status an error gets) and its
    /// latency. Not generic on purpose: on this path a generic call re-instantiated type metadata
    /// on every request, a few percent of the time per request.
    static func score(_ model: ServedModel, _ body: ByteBuffer, contentType: String?) throws -> Predictions {
        let start = DispatchTime.now().uptimeNanoseconds
        model.metrics.inFlight.increment()
        defer { model.metrics.inFlight.decrement() }
        do {
            let predictions = model.predict(try model.decode(body, contentType: contentType))
            model.metrics.record(endpoint: endpoint, code: 200, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
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
}
