import AviaryCore
import AviaryTracking
import Testing

extension TrackingStoreContract {
    static let loggedModelChecks: [Check] = [
        Check(name: "logged models: create pending, finalize, tags, params, search, outputs, delete") { service in
            let run = try await service.createRun(experimentID: nil, userID: "", runName: nil, startTime: nil, tags: [])
            let model = try await service.createLoggedModel(
                experimentID: "0", name: "model", modelType: nil, sourceRunID: run.info.runID,
                tags: [Tag(key: "t", value: "1")], params: [Tag(key: "depth", value: "6")]
            )
            #expect(model.id.hasPrefix("m-") && model.id.count == 34)
            #expect(model.status == .pending)
            #expect(model.artifactURI.hasSuffix("/0/models/\(model.id)/artifacts"))
            #expect(try await service.finalizeLoggedModel(id: model.id, status: .ready).status == .ready)
            try await service.setLoggedModelTags(id: model.id, [Tag(key: "stage", value: "eval")])
            try await service.logLoggedModelParams(id: model.id, [Tag(key: "eta", value: "0.3")])
            let got = try await service.loggedModel(id: model.id)
            #expect(got.tags == [Tag(key: "stage", value: "eval"), Tag(key: "t", value: "1")])
            #expect(got.params == [Tag(key: "depth", value: "6"), Tag(key: "eta", value: "0.3")])
            let other = try await service.createLoggedModel(experimentID: "0", name: "other", modelType: nil, sourceRunID: nil, tags: [], params: [])
            let byName = try await service.searchLoggedModels(experimentIDs: ["0"], filter: "name = 'model' AND source_run_id = '\(run.info.runID)'", maxResults: nil, pageToken: nil)
            #expect(byName.items.map(\.id) == [model.id])
            let byTag = try await service.searchLoggedModels(experimentIDs: ["0"], filter: "tags.stage = 'eval'", maxResults: nil, pageToken: nil)
            #expect(byTag.items.map(\.id) == [model.id])
            #expect(try await service.searchLoggedModels(experimentIDs: ["0"], filter: nil, maxResults: nil, pageToken: nil).items.count == 2)
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.searchLoggedModels(experimentIDs: ["0"], filter: "metrics.auc > 0.5", maxResults: nil, pageToken: nil)
            }
            try await service.logOutputs(runID: run.info.runID, [ModelOutput(modelID: model.id, step: 3)])
            #expect(try await service.run(id: run.info.runID).outputs == [ModelOutput(modelID: model.id, step: 3)])
            await expectAviaryError(.resourceDoesNotExist) { try await service.logOutputs(runID: run.info.runID, [ModelOutput(modelID: "m-missing", step: 0)]) }
            try await service.deleteLoggedModel(id: other.id)
            await expectAviaryError(.resourceDoesNotExist) { _ = try await service.loggedModel(id: other.id) }
            await expectAviaryError(.resourceDoesNotExist) {
                _ = try await service.createLoggedModel(experimentID: "404", name: nil, modelType: nil, sourceRunID: nil, tags: [], params: [])
            }
        },
    ]
}
