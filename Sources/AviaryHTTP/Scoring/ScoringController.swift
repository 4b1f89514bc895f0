import AviaryCore
import AviaryModels
import Foundation
import Hummingbird

/// MLflow's scoring protocol, as `mlflow models serve` speaks it: `GET /ping`, `/health`,
/// `/version`, and `POST /invocations` taking `dataframe_split`, `dataframe_records`,
/// `instances`, `inputs` or `text/csv`, answering `{"predictions": …}`.
public struct ScoringController<Context: RequestContext>: Sendable {
    let model: ServedModel
    let version: String

    public init(model: ServedModel, version: String) {
        self.model = model
        self.version = version
    }

    /// The routes, at the server's root.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("ping") { _, _ in Response(status: .ok) }
        routes.get("health") { _, _ in Response(status: .ok) }
        routes.get("version") { _, _ in version }
        // `ScoringRouter` answers this ahead of the router; the route serves a router used without it.
        routes.post("invocations") { request, _ in try await model.answerInvocations(request) }
        return routes
    }
}
