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


    /// The deployment the route's `name` parameter names.
    func deployment(_ context: Context) throws -> Deployment {
        try DeploymentScoring.deployment(host, context.parameters)
    }

    /// The scoring and export routes, at the server's root.
    /// Records per page of the CSV export.
    static var exportPage: Int { 2048 }

    /// One record as a line of the CSV export.
    static func csvLine(_ record: PredictionRecord) -> String {
        let inputs = PredictionEncoding.features(record.features, columns: record.columns, featureCount: record.features.count / max(record.rowCount, 1))
        let outputs = PredictionEncoding.nestedList(record.outputs, width: record.outputWidth, float32: record.float32)
        let fields = [record.requestID, record.variant, record.modelVersion, record.shadow ? "true" : "false", "\(record.timestamp)",
                      "\(record.latencyMicroseconds)", inputs, outputs]
        return fields.map(csvField).joined(separator: ",") + "\n"
    }

    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        // `ScoringRouter` answers these ahead of the router for hosted names; the routes
        // serve a router used without it, and give the 404 for a name this server lacks.
        routes.post("deployments/:name/invocations") { request, context in
            try await DeploymentScoring.answer(request, deployment(context), .mlflow)
        }
        // The Open Inference Protocol with the deployment's name as the model name.
        routes.post("v2/models/:name/infer") { request, context in
            // The lookup inside: an unknown name gets the protocol's error shape too.
            try await OpenInference.answer { try await DeploymentScoring.answer(request, deployment(context), .openInference) }
        }
        routes.get("deployments/:name/predictions") { request, context in
            let (deployment, log) = try logged(context)
            let since = try Self.since(request)
            try log.flush()
            // Streamed a page at a time: a log of millions of requests is never one string.
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "request_id,variant,model_version,shadow,timestamp,latency_us,inputs,outputs\n"))
                var cursor: PredictionRecordCursor?
                repeat {
                    let page = try log.store.records(deployment: deployment.spec.name, since: since, after: cursor, limit: Self.exportPage)
                    try await writer.write(ByteBuffer(string: page.records.map(Self.csvLine).joined()))
                    cursor = page.next
                } while cursor != nil
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: body)
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
}

/// The response headers that say who answered; parsed once, not per request.
enum DeploymentHeaders {
    /// `HTTPField.Name`, reached through Hummingbird's re-exported `HTTPFields`.
    typealias Name = HTTPFields.Element.Name
    static let variant = Name("X-Aviary-Variant")!
    static let version = Name("X-Aviary-Model-Version")!
    static let requestID = Name("X-Request-Id")!
}
