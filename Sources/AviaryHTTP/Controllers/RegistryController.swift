import AviaryCore
import AviaryRegistry
import AviaryTracking
import Hummingbird

/// MLflow's model registry REST API (`registered-models/…`, `model-versions/…`), mounted under
/// the same prefixes as tracking.
public struct RegistryController<Context: RequestContext>: Sendable {
    let service: RegistryService

    public init(service: RegistryService) {
        self.service = service
    }

    /// The routes, relative to the MLflow prefix.
    public var routes: RouteCollection<Context> {
        let routes = RouteTable<Context>()
        addRegisteredModelRoutes(to: routes)
        addModelVersionRoutes(to: routes)
        return routes.collection()
    }

    private func addRegisteredModelRoutes(to routes: RouteTable<Context>) {
        let service = service
        routes.post("registered-models/create") { request, _ in
            let body = try await RequestDecoding.decode(CreateRegisteredModelRequest.self, from: request)
            let model = try await service.createRegisteredModel(name: body.name, description: body.description, tags: (body.tags ?? []).map(\.tag))
            return try ResponseEncoding.json(["registered_model": WireRegisteredModel(model)])
        }
        routes.get("registered-models/get") { request, _ in
            let body = try await RequestDecoding.decode(ModelNameRequest.self, from: request)
            return try ResponseEncoding.json(["registered_model": WireRegisteredModel(try await service.registeredModel(named: body.name))])
        }
        routes.post("registered-models/rename") { request, _ in
            let body = try await RequestDecoding.decode(RenameRegisteredModelRequest.self, from: request)
            let model = try await service.renameRegisteredModel(body.name, to: body.new_name)
            return try ResponseEncoding.json(["registered_model": WireRegisteredModel(model)])
        }
        routes.patch("registered-models/update") { request, _ in
            let body = try await RequestDecoding.decode(UpdateDescriptionRequest.self, from: request)
            let model = try await service.updateRegisteredModel(body.name, description: body.description)
            return try ResponseEncoding.json(["registered_model": WireRegisteredModel(model)])
        }
        routes.delete("registered-models/delete") { request, _ in
            let body = try await RequestDecoding.decode(ModelNameRequest.self, from: request)
            try await service.deleteRegisteredModel(body.name)
            return ResponseEncoding.empty()
        }
        routes.get("registered-models/search") { request, _ in
            let body = try await RequestDecoding.decode(RegistrySearchRequest.self, from: request)
            let page = try await service.searchRegisteredModels(
                filter: body.filter, orderBy: body.order_by ?? [], maxResults: body.max_results?.value, pageToken: body.page_token
            )
            return try ResponseEncoding.json(RegisteredModelPage(registered_models: page.items.map(WireRegisteredModel.init), next_page_token: page.nextPageToken))
        }
        let latest: RouteTable<Context>.Handler = { request, _ in
            let body = try await RequestDecoding.decode(LatestVersionsRequest.self, from: request)
            let versions = try await service.latestVersions(body.name, stages: body.stages ?? [])
            return try ResponseEncoding.json(["model_versions": versions.map(WireModelVersion.init)])
        }
        routes.post("registered-models/get-latest-versions", use: latest)
        routes.get("registered-models/get-latest-versions", use: latest)
        routes.post("registered-models/set-tag") { request, _ in
            let body = try await RequestDecoding.decode(ModelTagRequest.self, from: request)
            try await service.setRegisteredModelTag(body.name, Tag(key: body.key, value: body.value ?? ""))
            return ResponseEncoding.empty()
        }
        routes.delete("registered-models/delete-tag") { request, _ in
            let body = try await RequestDecoding.decode(ModelTagRequest.self, from: request)
            try await service.deleteRegisteredModelTag(body.name, key: body.key)
            return ResponseEncoding.empty()
        }
        routes.post("registered-models/alias") { request, _ in
            let body = try await RequestDecoding.decode(AliasRequest.self, from: request)
            try await service.setAlias(body.name, alias: body.alias, version: body.version ?? "")
            return ResponseEncoding.empty()
        }
        routes.delete("registered-models/alias") { request, _ in
            let body = try await RequestDecoding.decode(AliasRequest.self, from: request)
            try await service.deleteAlias(body.name, alias: body.alias)
            return ResponseEncoding.empty()
        }
        routes.get("registered-models/alias") { request, _ in
            let body = try await RequestDecoding.decode(AliasRequest.self, from: request)
            return try ResponseEncoding.json(["model_version": WireModelVersion(try await service.modelVersion(body.name, alias: body.alias))])
        }
    }

    private func addModelVersionRoutes(to routes: RouteTable<Context>) {
        let service = service
        routes.post("model-versions/create") { request, _ in
            let body = try await RequestDecoding.decode(CreateModelVersionRequest.self, from: request)
            let version = try await service.createModelVersion(
                name: body.name, source: body.source, runID: body.run_id, runLink: body.run_link, description: body.description,
                tags: (body.tags ?? []).map(\.tag), modelID: body.model_id
            )
            return try ResponseEncoding.json(["model_version": WireModelVersion(version)])
        }
        routes.get("model-versions/get") { request, _ in
            let body = try await RequestDecoding.decode(ModelVersionRequest.self, from: request)
            return try ResponseEncoding.json(["model_version": WireModelVersion(try await service.modelVersion(body.name, version: body.version))])
        }
        routes.patch("model-versions/update") { request, _ in
            let body = try await RequestDecoding.decode(UpdateDescriptionRequest.self, from: request)
            let version = try await service.updateModelVersion(body.name, version: body.version ?? "", description: body.description)
            return try ResponseEncoding.json(["model_version": WireModelVersion(version)])
        }
        routes.delete("model-versions/delete") { request, _ in
            let body = try await RequestDecoding.decode(ModelVersionRequest.self, from: request)
            try await service.deleteModelVersion(body.name, version: body.version)
            return ResponseEncoding.empty()
        }
        routes.get("model-versions/search") { request, _ in
            let body = try await RequestDecoding.decode(RegistrySearchRequest.self, from: request)
            let page = try await service.searchModelVersions(
                filter: body.filter, orderBy: body.order_by ?? [], maxResults: body.max_results?.value, pageToken: body.page_token
            )
            return try ResponseEncoding.json(ModelVersionPage(model_versions: page.items.map(WireModelVersion.init), next_page_token: page.nextPageToken))
        }
        routes.post("model-versions/transition-stage") { request, _ in
            let body = try await RequestDecoding.decode(TransitionStageRequest.self, from: request)
            let version = try await service.transitionStage(
                body.name, version: body.version, stage: body.stage, archiveExistingVersions: body.archive_existing_versions ?? false
            )
            return try ResponseEncoding.json(["model_version": WireModelVersion(version)])
        }
        routes.get("model-versions/get-download-uri") { request, _ in
            let body = try await RequestDecoding.decode(ModelVersionRequest.self, from: request)
            return try ResponseEncoding.json(["artifact_uri": try await service.downloadURI(body.name, version: body.version)])
        }
        routes.post("model-versions/set-tag") { request, _ in
            let body = try await RequestDecoding.decode(ModelTagRequest.self, from: request)
            try await service.setModelVersionTag(body.name, version: body.version ?? "", Tag(key: body.key, value: body.value ?? ""))
            return ResponseEncoding.empty()
        }
        routes.delete("model-versions/delete-tag") { request, _ in
            let body = try await RequestDecoding.decode(ModelTagRequest.self, from: request)
            try await service.deleteModelVersionTag(body.name, version: body.version ?? "", key: body.key)
            return ResponseEncoding.empty()
        }
    }
}

private struct RegisteredModelPage: Encodable { var registered_models: [WireRegisteredModel]; var next_page_token: String? }
private struct ModelVersionPage: Encodable { var model_versions: [WireModelVersion]; var next_page_token: String? }
