import AviaryCore
import AviaryRegistry
import Foundation
import Hummingbird

/// Aviary's own API for tracing a model version back to its run, code and data:
/// `GET /api/aviary/v1/models/{name}/versions/{version}/lineage`.
public struct LineageController<Context: RequestContext>: Sendable {
    let service: RegistryService

    public init(service: RegistryService) {
        self.service = service
    }

    /// The routes, relative to `/api/aviary/v1`.
    public var routes: RouteCollection<Context> {
        let routes = RouteTable<Context>()
        let service = service
        routes.get("models/:name/versions/:version/lineage") { _, context in
            let name = try context.parameters.decoded("name")
            let version = try context.parameters.decoded("version")
            return try ResponseEncoding.json(WireLineage(try await service.lineage(name, version: version)))
        }
        return routes.collection()
    }
}

/// The lineage document: the version, the logged model it came from, its run (params, latest
/// metrics, tags), the run's experiment and its dataset inputs.
struct WireLineage: Encodable {
    struct ExperimentRef: Encodable {
        var experiment_id: String
        var name: String
    }

    var model_version: WireModelVersion
    var logged_model: WireLoggedModel?
    var run: WireRun?
    var experiment: ExperimentRef?
    var dataset_inputs: [WireDatasetInput]

    init(_ lineage: ModelLineage) {
        model_version = WireModelVersion(lineage.version)
        logged_model = lineage.loggedModel.map(WireLoggedModel.init)
        run = lineage.run.map(WireRun.init)
        experiment = lineage.experiment.map { ExperimentRef(experiment_id: $0.id, name: $0.name) }
        dataset_inputs = lineage.run?.inputs.map(WireDatasetInput.init) ?? []
    }
}
