import AviaryCore
import AviaryTracking
import Testing

extension TrackingStoreContract {
    static let experimentChecks: [Check] = [
        Check(name: "default experiment 0 exists") { service in
            let experiment = try await service.experiment(id: "0")
            #expect(experiment.name == "Default")
            #expect(experiment.lifecycleStage == .active)
            #expect(try await service.experiment(named: "Default").id == "0")
        },
        Check(name: "create, get and duplicate experiments") { service in
            let id = try await service.createExperiment(name: "exp", artifactLocation: nil, tags: [Tag(key: "team", value: "ml")])
            let experiment = try await service.experiment(id: id)
            #expect(experiment.name == "exp")
            #expect(experiment.tags == [Tag(key: "team", value: "ml")])
            #expect(experiment.artifactLocation.hasSuffix("/\(id)"))
            #expect(experiment.creationTime > 0)
            await expectAviaryError(.resourceAlreadyExists) {
                _ = try await service.createExperiment(name: "exp", artifactLocation: nil, tags: [])
            }
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.createExperiment(name: "  ", artifactLocation: nil, tags: [])
            }
            await expectAviaryError(.resourceDoesNotExist) { _ = try await service.experiment(id: "999") }
            await expectAviaryError(.invalidParameterValue) { _ = try await service.experiment(id: "abc") }
            await expectAviaryError(.resourceDoesNotExist) { _ = try await service.experiment(named: "nope") }
        },
        Check(name: "rename, tags, delete and restore an experiment with its runs") { service in
            let id = try await service.createExperiment(name: "old", artifactLocation: nil, tags: [])
            _ = try await service.createExperiment(name: "taken", artifactLocation: nil, tags: [])
            try await service.renameExperiment(id: id, to: "new")
            #expect(try await service.experiment(id: id).name == "new")
            await expectAviaryError(.badRequest) { try await service.renameExperiment(id: id, to: "taken") }
            try await service.setExperimentTag(id: id, Tag(key: "k", value: "v1"))
            try await service.setExperimentTag(id: id, Tag(key: "k", value: "v2"))
            #expect(try await service.experiment(id: id).tags == [Tag(key: "k", value: "v2")])
            try await service.deleteExperimentTag(id: id, key: "k")
            #expect(try await service.experiment(id: id).tags.isEmpty)
            await expectAviaryError(.resourceDoesNotExist) { try await service.deleteExperimentTag(id: id, key: "k") }

            let run = try await service.createRun(experimentID: id, userID: "u", runName: nil, startTime: nil, tags: [])
            try await service.deleteExperiment(id: id)
            #expect(try await service.experiment(id: id).lifecycleStage == .deleted)
            #expect(try await service.run(id: run.info.runID).info.lifecycleStage == .deleted)
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.createRun(experimentID: id, userID: "u", runName: nil, startTime: nil, tags: [])
            }
            await expectAviaryError(.invalidParameterValue) { try await service.renameExperiment(id: id, to: "other") }
            try await service.restoreExperiment(id: id)
            #expect(try await service.experiment(id: id).lifecycleStage == .active)
            #expect(try await service.run(id: run.info.runID).info.lifecycleStage == .active)
            await expectAviaryError(.invalidParameterValue) { try await service.restoreExperiment(id: id) }
            try await service.deleteExperiment(id: id)
            await expectAviaryError(.resourceDoesNotExist) { try await service.deleteExperiment(id: id) }
            await expectAviaryError(.invalidParameterValue) { try await service.deleteExperiment(id: "0") }
        },
        Check(name: "search experiments: filter, order, view type and paging") { service in
            for name in ["prod-a", "prod-b", "dev-c"] {
                let id = try await service.createExperiment(name: name, artifactLocation: nil, tags: [Tag(key: "stage", value: String(name.prefix(3)))])
                if name == "dev-c" { try await service.deleteExperiment(id: id) }
            }
            let prod = try await service.searchExperiments(filter: "name LIKE 'prod-%'", orderBy: ["name DESC"], viewType: nil, maxResults: nil, pageToken: nil)
            #expect(prod.items.map(\.name) == ["prod-b", "prod-a"])
            let tagged = try await service.searchExperiments(filter: "tags.stage = 'dev'", orderBy: [], viewType: .all, maxResults: nil, pageToken: nil)
            #expect(tagged.items.map(\.name) == ["dev-c"])
            let deleted = try await service.searchExperiments(filter: nil, orderBy: [], viewType: .deletedOnly, maxResults: nil, pageToken: nil)
            #expect(deleted.items.map(\.name) == ["dev-c"])
            var names: [String] = []
            var token: String?
            repeat {
                let page = try await service.searchExperiments(filter: nil, orderBy: [], viewType: .activeOnly, maxResults: 1, pageToken: token)
                names += page.items.map(\.name)
                token = page.nextPageToken
            } while token != nil
            #expect(names.sorted() == ["Default", "prod-a", "prod-b"])
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.searchExperiments(filter: "name = ", orderBy: [], viewType: nil, maxResults: nil, pageToken: nil)
            }
        },
    ]
}
