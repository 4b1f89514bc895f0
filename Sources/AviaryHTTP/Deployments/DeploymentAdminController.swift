import AviaryCore
import AviaryDeployments
import Foundation
import Hummingbird

/// Creates, replaces and removes deployments while the server runs. Implemented by whoever can
/// load models (the command line's deployment supervisor).
public protocol DeploymentManaging: Sendable {
    /// Loads every variant of `spec` and serves it in place of any deployment of the same name.
    /// Throws (and changes nothing) if a model cannot be loaded; `text` is the spec as given, kept
    /// so the deployment comes back after a restart.
    func apply(_ spec: DeploymentSpec, text: String) async throws
    /// Stops serving `name` and forgets its spec.
    func remove(_ name: String) async throws
}

/// The deployments API, under `/api/2.0/aviary/deployments`:
///
/// - `GET /` lists the deployments with each variant's weight and the version it serves;
/// - `GET /{name}` shows one;
/// - `PUT /{name}` with the spec (YAML, or the same fields as JSON) creates or replaces it;
///   a spec that does not parse or whose models do not load is a 400 naming the field or the
///   variant, and the deployment keeps serving its last good configuration;
/// - `DELETE /{name}` removes it.
public struct DeploymentAdminController<Context: RequestContext>: Sendable {
    let host: DeploymentHost
    let manager: any DeploymentManaging

    public static var path: String { "api/2.0/aviary/deployments" }
    /// Largest spec accepted.
    static var maximumSpecSize: Int { 1 << 20 }

    public init(host: DeploymentHost, manager: any DeploymentManaging) {
        self.host = host
        self.manager = manager
    }

    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get { _, _ in
            try Self.json(["deployments": host.all.map(Self.describe)])
        }
        routes.get(":name") { _, context in
            try Self.json(["deployment": Self.describe(try found(context))])
        }
        routes.put(":name") { request, context in
            let name = try context.parameters.require("name")
            let body = try await ServedModel.collectBody(request, upTo: Self.maximumSpecSize)
            let text = String(buffer: body)
            let spec = try DeploymentSpec(yaml: text)
            guard spec.name == name else {
                throw AviaryError.invalid("name: the spec is named '\(spec.name)' but was sent to /deployments/\(name); make them agree")
            }
            try await manager.apply(spec, text: text)
            return try Self.json(["deployment": Self.describe(try found(context))])
        }
        routes.delete(":name") { _, context in
            let deployment = try found(context)
            try await manager.remove(deployment.spec.name)
            return try Self.json([:])
        }
        return routes
    }

    private func found(_ context: Context) throws -> Deployment {
        let name = try context.parameters.require("name")
        guard let deployment = host.deployment(named: name) else { throw AviaryError.notFound("No deployment named '\(name)'") }
        return deployment
    }

    static func describe(_ deployment: Deployment) -> [String: Any] {
        var body: [String: Any] = [
            "name": deployment.spec.name, "task": deployment.spec.task.rawValue, "sticky_header": deployment.spec.stickyHeader,
            "variants": deployment.spec.variants.map { variant in
                [
                    "name": variant.name, "model": variant.model, "weight": variant.weight, "shadow": variant.shadow,
                    "version": deployment.model(for: variant.name).version ?? "",
                ] as [String: Any]
            },
            "prediction_log": deployment.log != nil, "monitored": deployment.monitor != nil,
            "shadows_skipped": deployment.shadowsSkipped.load(ordering: .relaxed),
        ]
        if let gate = deployment.spec.gate { body["gate"] = ["metric": gate.metric, "alpha": gate.alpha, "min_samples": gate.minSamples] }
        return body
    }

    static func json(_ object: [String: Any]) throws -> Response {
        ServedModel.json(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    }
}
