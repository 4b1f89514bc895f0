import AviaryCore
import AviaryTracking
import Testing

extension TrackingStoreContract {
    /// Runs r0…r4 in a fresh experiment, started at times 100…104, with:
    ///
    /// | run | metrics.acc | params.model | tags.team | other |
    /// |-----|-------------|--------------|-----------|-------|
    /// | r0  | 0.5         | XGB          | ml        | status FINISHED |
    /// | r1  | 0.9         | xgb-2        | ml        | dataset "train" |
    /// | r2  | NaN         | lgbm         | ops       |       |
    /// | r3  | —           | lgbm         | —         | deleted |
    /// | r4  | 0.7         | —            | ml data   |       |
    static func seedSearchRuns(_ service: TrackingService) async throws -> (experiment: String, runs: [String]) {
        let experiment = try await service.createExperiment(name: "search-\(Identifiers.newRunID())", artifactLocation: nil, tags: [])
        var ids: [String] = []
        let acc: [Double?] = [0.5, 0.9, .nan, nil, 0.7]
        let model: [String?] = ["XGB", "xgb-2", "lgbm", "lgbm", nil]
        let team: [String?] = ["ml", "ml", "ops", nil, "ml data"]
        for index in 0..<5 {
            let run = try await service.createRun(
                experimentID: experiment, userID: "u", runName: "r\(index)", startTime: Int64(100 + index), tags: []
            )
            ids.append(run.info.runID)
            try await service.logBatch(
                runID: run.info.runID,
                metrics: acc[index].map { [Metric(key: "acc", value: $0, timestamp: 1, step: 0)] } ?? [],
                params: model[index].map { [Tag(key: "model", value: $0)] } ?? [],
                tags: team[index].map { [Tag(key: "team", value: $0)] } ?? []
            )
        }
        _ = try await service.updateRun(id: ids[0], status: .finished, endTime: 200, runName: nil)
        try await service.deleteRun(id: ids[3])
        let dataset = Dataset(name: "train", digest: "d1", sourceType: "local", source: "s", schema: nil, profile: nil)
        try await service.logInputs(runID: ids[1], inputs: [DatasetInput(dataset: dataset, tags: [Tag(key: "mlflow.data.context", value: "training")])])
        return (experiment, ids)
    }

    /// Each case: filter, order_by, view type, and the expected runs by index, in order.
    static let searchCases: [(String, [String], ViewType, [Int])] = [
        ("", [], .activeOnly, [4, 2, 1, 0]),
        ("", [], .all, [4, 3, 2, 1, 0]),
        ("", [], .deletedOnly, [3]),
        ("metrics.acc > 0.6", [], .activeOnly, [4, 1]),
        ("metrics.acc >= 0.5", ["metrics.acc ASC"], .activeOnly, [0, 4, 1]),
        // NaN fails every comparison but "!=", as in mlflow server.
        ("metrics.acc != 0.5", [], .activeOnly, [4, 2, 1]),
        ("metrics.acc <= 0.7", [], .activeOnly, [4, 0]),
        ("metrics.acc = 0.9", [], .activeOnly, [1]),
        ("metrics.acc > 0.4 AND metrics.acc < 0.8", ["metrics.acc DESC"], .activeOnly, [4, 0]),
        ("", ["metrics.acc DESC"], .all, [1, 4, 0, 2, 3]),
        ("", ["metrics.acc ASC"], .all, [0, 4, 1, 2, 3]),
        ("params.model = 'lgbm'", [], .all, [3, 2]),
        ("params.model != 'lgbm'", [], .all, [1, 0]),
        ("params.model LIKE 'xgb%'", [], .activeOnly, [1]),
        ("params.model ILIKE 'xgb%'", [], .activeOnly, [1, 0]),
        ("attributes.run_name IN ('r0', 'r2', 'r3')", [], .activeOnly, [2, 0]),
        ("attributes.run_name NOT IN ('r0', 'r2')", [], .activeOnly, [4, 1]),
        ("params.model IS NULL", [], .activeOnly, [4]),
        ("", ["params.model ASC"], .activeOnly, [0, 2, 1, 4]),
        ("tags.team = 'ml'", ["attributes.start_time ASC"], .activeOnly, [0, 1]),
        ("tags.`team` LIKE '%ml%'", [], .activeOnly, [4, 1, 0]),
        ("tags.team IS NULL", [], .all, [3]),
        ("tags.team IS NOT NULL AND params.model IS NULL", [], .all, [4]),
        ("attributes.status = 'FINISHED'", [], .activeOnly, [0]),
        ("attributes.run_name = 'r2'", [], .activeOnly, [2]),
        ("attributes.start_time > 101 AND attributes.start_time < 104", [], .all, [3, 2]),
        ("metrics.acc > 0.1 AND params.model ILIKE 'XGB%' AND tags.team = 'ml'", ["metrics.acc DESC"], .activeOnly, [1, 0]),
        ("datasets.name = 'train'", [], .activeOnly, [1]),
        ("datasets.context = 'training'", [], .activeOnly, [1]),
        ("datasets.digest IN ('nope')", [], .activeOnly, []),
    ]

    static let searchChecks: [Check] = [
        Check(name: "search runs: filters and orderings over metrics, params, tags, attributes and datasets") { service in
            let (experiment, ids) = try await seedSearchRuns(service)
            for (filter, orderBy, viewType, expected) in searchCases {
                let page = try await service.searchRuns(
                    experimentIDs: [experiment], filter: filter, orderBy: orderBy, viewType: viewType, maxResults: nil, pageToken: nil
                )
                let got = page.items.map { run in ids.firstIndex(of: run.info.runID) ?? -1 }
                #expect(got == expected, "filter \(filter) order \(orderBy) view \(viewType)")
            }
            let byID = try await service.searchRuns(
                experimentIDs: [experiment], filter: "attributes.run_id IN ('\(ids[0])', '\(ids[2])')", orderBy: [],
                viewType: nil, maxResults: nil, pageToken: nil
            )
            #expect(byID.items.map(\.info.runID) == [ids[2], ids[0]])
        },
        Check(name: "search runs: paging walks every run once, in order") { service in
            let experiment = try await service.createExperiment(name: "paging", artifactLocation: nil, tags: [])
            var created: [String] = []
            for index in 0..<23 {
                created.append(try await service.createRun(experimentID: experiment, userID: "", runName: nil, startTime: Int64(index), tags: []).info.runID)
            }
            var seen: [String] = []
            var token: String?
            repeat {
                let page = try await service.searchRuns(
                    experimentIDs: [experiment], filter: nil, orderBy: [], viewType: nil, maxResults: 5, pageToken: token
                )
                #expect(page.items.count <= 5)
                seen += page.items.map(\.info.runID)
                token = page.nextPageToken
            } while token != nil
            #expect(seen == created.reversed())
        },
        Check(name: "search runs: bad filters, order_by and limits are INVALID_PARAMETER_VALUE") { service in
            for (filter, orderBy, maxResults) in [
                ("metrics.acc >", [String](), Int64(10)),
                ("params.p > 'a'", [], 10),
                ("", ["metrics.acc UP"], 10),
                ("", [], 50_001),
                ("", [], 0),
                ("params.p IN ('a')", [], 10),
                ("metrics.m IS NULL", [], 10),
                ("", ["metrics.a", "metrics.a DESC"], 10),
            ] {
                await expectAviaryError(.invalidParameterValue) {
                    _ = try await service.searchRuns(
                        experimentIDs: ["0"], filter: filter, orderBy: orderBy, viewType: nil, maxResults: maxResults, pageToken: nil
                    )
                }
            }
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.searchRuns(experimentIDs: ["0"], filter: nil, orderBy: [], viewType: nil, maxResults: nil, pageToken: "garbage")
            }
        },
    ]
}
