import AviaryCore
import AviaryRegistry
import AviaryTracking
import Hummingbird

extension UIController {
    /// `/models`: registered models by name, narrowed by `?q=`.
    func modelsPage(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        var models: [RegisteredModel] = []
        var token: String?
        repeat {
            let page = try await registry.searchRegisteredModels(filter: nil, orderBy: ["name ASC"], maxResults: 1000, pageToken: token)
            models += page.items
            token = page.nextPageToken
        } while token != nil
        if !query.isEmpty { models = models.filter { $0.name.localizedCaseInsensitiveContains(query) } }
        let view: [String: Any] = [
            "query": query, "count": models.count,
            "models": models.map { model -> [String: Any] in
                [
                    "name": model.name, "path": Self.percentEncoded(model.name), "description": model.description,
                    "latest": model.latestVersions.map(\.version).max().map { "Version \($0)" } ?? "",
                    "aliases": model.aliases.map { ["alias": $0.alias, "version": $0.version] },
                    "updated": Self.time(model.lastUpdatedTimestamp),
                ]
            },
        ]
        return Self.page(title: "Models", template: "models", view: view)
    }

    /// `/models/{name}`: the model's versions with stages and aliases, and its tags.
    func modelPage(name: String) async throws -> Response {
        let model = try await registry.registeredModel(named: name)
        var versions: [ModelVersion] = []
        var token: String?
        let filter = "name = '\(name.replacingOccurrences(of: "'", with: "''"))'"
        repeat {
            let page = try await registry.searchModelVersions(filter: filter, orderBy: ["version_number DESC"], maxResults: 10_000, pageToken: token)
            versions += page.items
            token = page.nextPageToken
        } while token != nil
        let path = Self.percentEncoded(model.name)
        let view: [String: Any] = [
            "name": model.name, "path": path, "description": model.description,
            "aliases": model.aliases.map { ["alias": $0.alias, "version": $0.version] },
            "versions": versions.map { version -> [String: Any] in
                [
                    "version": version.version, "stage": version.currentStage.rawValue, "aliases": version.aliases,
                    "runID": version.runID, "created": Self.time(version.creationTimestamp), "description": version.description,
                ]
            },
            "tags": Self.tagTable(model.tags),
        ]
        return Self.page(title: model.name, template: "model", view: view)
    }

    /// `/models/{name}/versions/{n}`: the version and its lineage — the run that trained it,
    /// that run's experiment, dataset inputs, params and metrics.
    func versionPage(name: String, version: String) async throws -> Response {
        let lineage = try await registry.lineage(name, version: version)
        let modelVersion = lineage.version
        var info: [(key: String, value: String, href: String?)] = [
            ("Stage", modelVersion.currentStage.rawValue, nil),
            ("Source", modelVersion.source, nil),
            ("Storage location", modelVersion.storageLocation, nil),
            ("Created", Self.time(modelVersion.creationTimestamp), nil),
        ]
        if !modelVersion.userID.isEmpty { info.append(("User", modelVersion.userID, nil)) }
        if !modelVersion.description.isEmpty { info.append(("Description", modelVersion.description, nil)) }
        var view: [String: Any] = [
            "name": modelVersion.name, "path": Self.percentEncoded(modelVersion.name), "version": modelVersion.version,
            "aliases": modelVersion.aliases, "info": Self.table(info), "tags": Self.tagTable(modelVersion.tags),
            "source": modelVersion.source, "loggedModel": lineage.loggedModel?.id ?? "",
        ]
        if let run = lineage.run, let experiment = lineage.experiment {
            view["hasRun"] = true
            view["runID"] = run.info.runID
            view["runName"] = run.info.runName
            view["experimentID"] = experiment.id
            view["experimentName"] = experiment.name
            view["inputs"] = run.inputs.map(Self.inputRow)
            view["params"] = Self.table(run.params.sorted { $0.key < $1.key }.map { ($0.key, $0.value, nil) })
            view["metrics"] = Self.table(run.metrics.sorted { $0.key < $1.key }.map { ($0.key, Self.metric($0.value), nil) })
        }
        return Self.page(title: "\(modelVersion.name) v\(modelVersion.version)", template: "version", view: view)
    }
}
