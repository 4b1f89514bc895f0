import AviaryCore
import AviaryTracking
import Hummingbird

/// MLflow 3's logged-models API (`logged-models/…`) and `runs/outputs`, which `log_model`
/// uses to create, finalize and find models.
public struct LoggedModelController<Context: RequestContext>: Sendable {
    let service: TrackingService

    public init(service: TrackingService) {
        self.service = service
    }

    /// The routes, relative to the MLflow prefix.
    public var routes: RouteCollection<Context> {
        let routes = RouteTable<Context>()
        let service = service
        routes.post("logged-models") { request, _ in
            let body = try await RequestDecoding.decode(CreateLoggedModelRequest.self, from: request)
            let model = try await service.createLoggedModel(
                experimentID: body.experiment_id, name: body.name, modelType: body.model_type, sourceRunID: body.source_run_id,
                tags: (body.tags ?? []).map(\.tag), params: (body.params ?? []).map(\.tag)
            )
            return try ResponseEncoding.json(["model": WireLoggedModel(model)])
        }
        routes.post("logged-models/search") { request, _ in
            let body = try await RequestDecoding.decode(SearchLoggedModelsRequest.self, from: request)
            let page = try await service.searchLoggedModels(
                experimentIDs: body.experiment_ids ?? [], filter: body.filter, maxResults: body.max_results?.value, pageToken: body.page_token
            )
            return try ResponseEncoding.json(LoggedModelPage(models: page.items.map(WireLoggedModel.init), next_page_token: page.nextPageToken))
        }
        routes.get("logged-models/:model_id") { _, context in
            try ResponseEncoding.json(["model": WireLoggedModel(try await service.loggedModel(id: try Self.modelID(context)))])
        }
        routes.patch("logged-models/:model_id") { request, context in
            let body = try await RequestDecoding.decode(FinalizeLoggedModelRequest.self, from: request)
            let model = try await service.finalizeLoggedModel(id: try Self.modelID(context), status: body.status)
            return try ResponseEncoding.json(["model": WireLoggedModel(model)])
        }
        routes.delete("logged-models/:model_id") { _, context in
            try await service.deleteLoggedModel(id: try Self.modelID(context))
            return ResponseEncoding.empty()
        }
        routes.patch("logged-models/:model_id/tags") { request, context in
            let body = try await RequestDecoding.decode(LoggedModelTagsRequest.self, from: request)
            try await service.setLoggedModelTags(id: try Self.modelID(context), (body.tags ?? []).map(\.tag))
            return ResponseEncoding.empty()
        }
        routes.delete("logged-models/:model_id/tags/:tag_key") { _, context in
            try await service.deleteLoggedModelTag(id: try Self.modelID(context), key: try context.parameters.decoded("tag_key"))
            return ResponseEncoding.empty()
        }
        routes.post("logged-models/:model_id/params") { request, context in
            let body = try await RequestDecoding.decode(LoggedModelParamsRequest.self, from: request)
            try await service.logLoggedModelParams(id: try Self.modelID(context), (body.params ?? []).map(\.tag))
            return ResponseEncoding.empty()
        }
        routes.post("runs/outputs") { request, _ in
            let body = try await RequestDecoding.decode(LogOutputsRequest.self, from: request)
            let outputs = (body.models ?? []).map { ModelOutput(modelID: $0.model_id, step: $0.step?.value ?? 0) }
            try await service.logOutputs(runID: body.run_id, outputs)
            return ResponseEncoding.empty()
        }
        return routes.collection()
    }

    static func modelID(_ context: Context) throws -> String {
        try context.parameters.decoded("model_id")
    }
}

private struct LoggedModelPage: Encodable { var models: [WireLoggedModel]; var next_page_token: String? }
