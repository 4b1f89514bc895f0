import AviaryCore
import AviaryTracking
import Testing

extension TrackingStoreContract {
    static let runChecks: [Check] = [
        Check(name: "create a run: generated name, runName tag, artifact URI") { service in
            let run = try await service.createRun(experimentID: nil, userID: "ana", runName: nil, startTime: 42, tags: [])
            #expect(Identifiers.isRunID(run.info.runID))
            #expect(run.info.experimentID == "0")
            #expect(run.info.status == .running)
            #expect(run.info.startTime == 42)
            #expect(run.info.userID == "ana")
            #expect(run.info.artifactURI.hasSuffix("/0/\(run.info.runID)/artifacts"))
            #expect(run.tags.contains(Tag(key: RunInfo.runNameTag, value: run.info.runName)))
            #expect(run.info.runName.split(separator: "-").count == 3)

            let named = try await service.createRun(experimentID: "0", userID: "", runName: "mine", startTime: nil, tags: [])
            #expect(named.info.runName == "mine")
            let tagged = try await service.createRun(
                experimentID: "0", userID: "", runName: nil, startTime: nil, tags: [Tag(key: RunInfo.runNameTag, value: "from-tag")]
            )
            #expect(tagged.info.runName == "from-tag")
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.createRun(
                    experimentID: "0", userID: "", runName: "a", startTime: nil, tags: [Tag(key: RunInfo.runNameTag, value: "b")]
                )
            }
            await expectAviaryError(.resourceDoesNotExist) {
                _ = try await service.createRun(experimentID: "12345", userID: "", runName: nil, startTime: nil, tags: [])
            }
        },
        Check(name: "update, rename, delete and restore a run") { service in
            let run = try await service.createRun(experimentID: nil, userID: "", runName: "r", startTime: 1, tags: [])
            let id = run.info.runID
            let info = try await service.updateRun(id: id, status: .finished, endTime: 99, runName: "renamed")
            #expect(info.status == .finished)
            #expect(info.endTime == 99)
            #expect(info.runName == "renamed")
            #expect(try await service.run(id: id).tags.contains(Tag(key: RunInfo.runNameTag, value: "renamed")))
            try await service.deleteRun(id: id)
            #expect(try await service.run(id: id).info.lifecycleStage == .deleted)
            await expectAviaryError(.invalidParameterValue) {
                try await service.logBatch(runID: id, metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)], params: [], tags: [])
            }
            try await service.restoreRun(id: id)
            #expect(try await service.run(id: id).info.lifecycleStage == .active)
            try await service.restoreRun(id: id)  // restoring an active run is a no-op
            await expectAviaryError(.resourceDoesNotExist) { _ = try await service.run(id: String(repeating: "0", count: 32)) }
        },
        Check(name: "log-batch round trip with NaN, infinities, latest values and tag updates") { service in
            let id = try await service.createRun(experimentID: nil, userID: "", runName: nil, startTime: nil, tags: []).info.runID
            try await service.logBatch(
                runID: id,
                metrics: [
                    Metric(key: "loss", value: 0.9, timestamp: 10, step: 0),
                    Metric(key: "loss", value: 0.5, timestamp: 11, step: 2),
                    Metric(key: "loss", value: 0.7, timestamp: 12, step: 1),
                    Metric(key: "nan", value: .nan, timestamp: 1, step: 0),
                    Metric(key: "inf", value: .infinity, timestamp: 1, step: 0),
                    Metric(key: "ninf", value: -.infinity, timestamp: 1, step: 0),
                ],
                params: [Tag(key: "lr", value: "0.1")],
                tags: [Tag(key: "t", value: "1")]
            )
            try await service.logBatch(runID: id, metrics: [], params: [Tag(key: "lr", value: "0.1")], tags: [Tag(key: "t", value: "2")])
            let run = try await service.run(id: id)
            let latest = Dictionary(uniqueKeysWithValues: run.metrics.map { ($0.key, $0) })
            #expect(latest["loss"] == Metric(key: "loss", value: 0.5, timestamp: 11, step: 2))
            #expect(latest["nan"]?.value.isNaN == true)
            #expect(latest["inf"]?.value == .infinity)
            #expect(latest["ninf"]?.value == -.infinity)
            #expect(run.params == [Tag(key: "lr", value: "0.1")])
            #expect(run.tags.contains(Tag(key: "t", value: "2")))
            try await service.deleteTag(runID: id, key: "t")
            #expect(!(try await service.run(id: id).tags.contains { $0.key == "t" }))
            await expectAviaryError(.resourceDoesNotExist) { try await service.deleteTag(runID: id, key: "t") }
        },
        Check(name: "log-batch is atomic: a param conflict stores nothing of the batch") { service in
            let id = try await service.createRun(experimentID: nil, userID: "", runName: nil, startTime: nil, tags: []).info.runID
            try await service.logBatch(runID: id, metrics: [], params: [Tag(key: "p", value: "a")], tags: [])
            let message = await expectAviaryError(.invalidParameterValue) {
                try await service.logBatch(
                    runID: id, metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)],
                    params: [Tag(key: "q", value: "x"), Tag(key: "p", value: "b")], tags: [Tag(key: "t", value: "v")]
                )
            }
            #expect(message?.contains("Changing param values is not allowed") == true)
            let run = try await service.run(id: id)
            #expect(run.metrics.isEmpty)
            #expect(run.params == [Tag(key: "p", value: "a")])
            #expect(!run.tags.contains { $0.key == "t" })
            #expect(try await service.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil).items.isEmpty)
        },
        Check(name: "log-batch limits, duplicate params and key rules") { service in
            let id = try await service.createRun(experimentID: nil, userID: "", runName: nil, startTime: nil, tags: []).info.runID
            let metrics = (0...1000).map { Metric(key: "m", value: 1, timestamp: 1, step: Int64($0)) }
            await expectAviaryError(.invalidParameterValue) { try await service.logBatch(runID: id, metrics: metrics, params: [], tags: []) }
            let params = (0...100).map { Tag(key: "p\($0)", value: "v") }
            await expectAviaryError(.invalidParameterValue) { try await service.logBatch(runID: id, metrics: [], params: params, tags: []) }
            await expectAviaryError(.invalidParameterValue) {
                try await service.logBatch(runID: id, metrics: [], params: [Tag(key: "d", value: "1"), Tag(key: "d", value: "1")], tags: [])
            }
            // A value with an embedded NUL survives storage intact.
            try await service.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "nul", value: "a\u{0}b")])
            #expect(try await service.run(id: id).tags.first { $0.key == "nul" }?.value == "a\u{0}b")
            // Over-long values are truncated, not refused, as mlflow server does by default.
            try await service.logBatch(
                runID: id, metrics: [], params: [Tag(key: "long", value: String(repeating: "p", count: 6001))],
                tags: [Tag(key: "t", value: String(repeating: "t", count: 8001))]
            )
            let stored = try await service.run(id: id)
            #expect(stored.params.first { $0.key == "long" }?.value == String(repeating: "p", count: 6000))
            #expect(stored.tags.first { $0.key == "t" }?.value == String(repeating: "t", count: 8000))
            await expectAviaryError(.invalidParameterValue) {
                try await service.logBatch(runID: id, metrics: [Metric(key: "m", value: 1, timestamp: -1, step: 0)], params: [], tags: [])
            }
            await expectAviaryError(.invalidParameterValue) {
                try await service.logBatch(runID: id, metrics: [Metric(key: "../m", value: 1, timestamp: 1, step: 0)], params: [], tags: [])
            }
            await expectAviaryError(.resourceDoesNotExist) {
                try await service.logBatch(runID: "f" + String(repeating: "0", count: 31), metrics: [], params: [], tags: [])
            }
            // Exactly at the limits is fine.
            try await service.logBatch(
                runID: id, metrics: Array(metrics.prefix(999)), params: [Tag(key: "v", value: "x")], tags: []
            )
        },
        Check(name: "metric history: every value, ordered by step, paged without gaps") { service in
            let id = try await service.createRun(experimentID: nil, userID: "", runName: nil, startTime: nil, tags: []).info.runID
            let metrics = (0..<2500).reversed().map { Metric(key: "loss", value: Double($0) / 10, timestamp: Int64(1000 + $0), step: Int64($0)) }
            for chunk in stride(from: 0, to: metrics.count, by: 1000) {
                try await service.logBatch(runID: id, metrics: Array(metrics[chunk..<min(chunk + 1000, metrics.count)]), params: [], tags: [])
            }
            let all = try await service.metricHistory(runID: id, key: "loss", maxResults: nil, pageToken: nil)
            #expect(all.items.map(\.step) == Array(0..<2500))
            #expect(all.nextPageToken == nil)
            var paged: [Metric] = []
            var token: String?
            repeat {
                let page = try await service.metricHistory(runID: id, key: "loss", maxResults: 1000, pageToken: token)
                paged += page.items
                token = page.nextPageToken
            } while token != nil
            #expect(paged == all.items)
            await expectAviaryError(.resourceDoesNotExist) {
                _ = try await service.metricHistory(runID: String(repeating: "a", count: 32), key: "loss", maxResults: nil, pageToken: nil)
            }
        },
        Check(name: "dataset inputs are stored once per experiment and returned with their tags") { service in
            let id = try await service.createRun(experimentID: nil, userID: "", runName: nil, startTime: nil, tags: []).info.runID
            let dataset = Dataset(name: "iris", digest: "abc123", sourceType: "local", source: "{\"uri\": \"/data/iris.csv\"}", schema: "{}", profile: nil)
            let input = DatasetInput(dataset: dataset, tags: [Tag(key: "mlflow.data.context", value: "training")])
            try await service.logInputs(runID: id, inputs: [input])
            try await service.logInputs(runID: id, inputs: [input])
            let run = try await service.run(id: id)
            #expect(run.inputs == [input])
        },
    ]
}
