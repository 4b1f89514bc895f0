import AviaryCore
import AviaryTracking
import Foundation
import Hummingbird

/// MLflow's tracking REST API (`experiments/…`, `runs/…`, `metrics/…`), mounted under both
/// `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`.
public struct TrackingController<Context: RequestContext>: Sendable {
    let service: TrackingService

    public init(service: TrackingService) {
        self.service = service
    }

    /// The routes, relative to the MLflow prefix.
    public var routes: RouteCollection<Context> {
        let routes = RouteTable<Context>()
        addExperimentRoutes(to: routes)
        addRunRoutes(to: routes)
        return routes.collection()
    }

    private func addExperimentRoutes(to routes: RouteTable<Context>) {
        let service = service
        routes.post("experiments/create") { request, _ in
            let body = try await RequestDecoding.decode(CreateExperimentRequest.self, from: request)
            let id = try await service.createExperiment(
                name: body.name, artifactLocation: body.artifact_location, tags: (body.tags ?? []).map(\.tag)
            )
            return try ResponseEncoding.json(["experiment_id": id])
        }
        routes.get("experiments/get") { request, _ in
            let body = try await RequestDecoding.decode(ExperimentIDRequest.self, from: request)
            return try ResponseEncoding.json(["experiment": WireExperiment(try await service.experiment(id: body.experiment_id))])
        }
        routes.get("experiments/get-by-name") { request, _ in
            let body = try await RequestDecoding.decode(ExperimentByNameRequest.self, from: request)
            return try ResponseEncoding.json(["experiment": WireExperiment(try await service.experiment(named: body.experiment_name))])
        }
        let search: @Sendable (Request, Context) async throws -> Response = { request, _ in
            let body = try await RequestDecoding.decode(SearchExperimentsRequest.self, from: request)
            let page = try await service.searchExperiments(
                filter: body.filter, orderBy: body.order_by ?? [], viewType: body.view_type,
                maxResults: body.max_results?.value, pageToken: body.page_token
            )
            return try ResponseEncoding.json(ExperimentPage(experiments: page.items.map(WireExperiment.init), next_page_token: page.nextPageToken))
        }
        routes.post("experiments/search", use: search)
        routes.get("experiments/search", use: search)
        routes.post("experiments/update") { request, _ in
            let body = try await RequestDecoding.decode(UpdateExperimentRequest.self, from: request)
            try await service.renameExperiment(id: body.experiment_id, to: body.new_name)
            return ResponseEncoding.empty()
        }
        routes.post("experiments/delete") { request, _ in
            let body = try await RequestDecoding.decode(ExperimentIDRequest.self, from: request)
            try await service.deleteExperiment(id: body.experiment_id)
            return ResponseEncoding.empty()
        }
        routes.post("experiments/restore") { request, _ in
            let body = try await RequestDecoding.decode(ExperimentIDRequest.self, from: request)
            try await service.restoreExperiment(id: body.experiment_id)
            return ResponseEncoding.empty()
        }
        routes.post("experiments/set-experiment-tag") { request, _ in
            let body = try await RequestDecoding.decode(SetExperimentTagRequest.self, from: request)
            try await service.setExperimentTag(id: body.experiment_id, Tag(key: body.key, value: body.value))
            return ResponseEncoding.empty()
        }
        routes.post("experiments/delete-experiment-tag") { request, _ in
            let body = try await RequestDecoding.decode(DeleteExperimentTagRequest.self, from: request)
            try await service.deleteExperimentTag(id: body.experiment_id, key: body.key)
            return ResponseEncoding.empty()
        }
    }

    private func addRunRoutes(to routes: RouteTable<Context>) {
        let service = service
        routes.post("runs/create") { request, _ in
            let body = try await RequestDecoding.decode(CreateRunRequest.self, from: request)
            let run = try await service.createRun(
                experimentID: body.experiment_id, userID: body.user_id, runName: body.run_name,
                startTime: body.start_time?.value, tags: (body.tags ?? []).map(\.tag)
            )
            return try ResponseEncoding.json(["run": WireRun(run)])
        }
        routes.get("runs/get") { request, _ in
            let body = try await RequestDecoding.decode(RunIDRequest.self, from: request)
            let run = try await service.run(id: try runID(body.run_id, body.run_uuid))
            return try ResponseEncoding.json(["run": WireRun(run)])
        }
        routes.post("runs/update") { request, _ in
            let body = try await RequestDecoding.decode(UpdateRunRequest.self, from: request)
            let info = try await service.updateRun(
                id: try runID(body.run_id, body.run_uuid), status: body.status, endTime: body.end_time?.value, runName: body.run_name
            )
            return try ResponseEncoding.json(["run_info": WireRunInfo(info)])
        }
        routes.post("runs/delete") { request, _ in
            let body = try await RequestDecoding.decode(RunIDRequest.self, from: request)
            try await service.deleteRun(id: try runID(body.run_id, body.run_uuid))
            return ResponseEncoding.empty()
        }
        routes.post("runs/restore") { request, _ in
            let body = try await RequestDecoding.decode(RunIDRequest.self, from: request)
            try await service.restoreRun(id: try runID(body.run_id, body.run_uuid))
            return ResponseEncoding.empty()
        }
        routes.post("runs/log-metric") { request, _ in
            let body = try await RequestDecoding.decode(LogMetricRequest.self, from: request)
            let metric = Metric(
                key: body.key, value: body.value.value, timestamp: body.timestamp.value, step: body.step?.value ?? 0,
                modelID: body.model_id.nonEmpty, datasetName: body.dataset_name.nonEmpty, datasetDigest: body.dataset_digest.nonEmpty
            )
            try await service.logBatch(runID: try runID(body.run_id, body.run_uuid), metrics: [metric], params: [], tags: [])
            return ResponseEncoding.empty()
        }
        routes.post("runs/log-parameter") { request, _ in
            let body = try await RequestDecoding.decode(KeyValueRequest.self, from: request)
            let param = Tag(key: body.key, value: body.value ?? "")
            try await service.logBatch(runID: try runID(body.run_id, body.run_uuid), metrics: [], params: [param], tags: [])
            return ResponseEncoding.empty()
        }
        routes.post("runs/set-tag") { request, _ in
            let body = try await RequestDecoding.decode(KeyValueRequest.self, from: request)
            let tag = Tag(key: body.key, value: body.value ?? "")
            try await service.logBatch(runID: try runID(body.run_id, body.run_uuid), metrics: [], params: [], tags: [tag])
            return ResponseEncoding.empty()
        }
        routes.post("runs/delete-tag") { request, _ in
            let body = try await RequestDecoding.decode(KeyValueRequest.self, from: request)
            try await service.deleteTag(runID: try runID(body.run_id, body.run_uuid), key: body.key)
            return ResponseEncoding.empty()
        }
        routes.post("runs/log-batch") { request, _ in
            // The hot path: a specialised parser, with JSONDecoder for whatever it declines.
            let batch = try LogBatchParser.decode(try await RequestDecoding.jsonBody(of: request))
            try await service.logBatch(runID: try runID(batch.runID, nil), metrics: batch.metrics, params: batch.params, tags: batch.tags)
            return ResponseEncoding.empty()
        }
        routes.post("runs/log-inputs") { request, _ in
            let body = try await RequestDecoding.decode(LogInputsRequest.self, from: request)
            try await service.logInputs(runID: try runID(body.run_id, nil), inputs: (body.datasets ?? []).map(\.input))
            return ResponseEncoding.empty()
        }
        routes.post("runs/search") { request, _ in
            let body = try await RequestDecoding.decode(SearchRunsRequest.self, from: request)
            let page = try await service.searchRuns(
                experimentIDs: body.experiment_ids ?? [], filter: body.filter, orderBy: body.order_by ?? [],
                viewType: body.run_view_type, maxResults: body.max_results?.value, pageToken: body.page_token
            )
            return try ResponseEncoding.json(RunPage(runs: page.items.map(WireRun.init), next_page_token: page.nextPageToken))
        }
        routes.get("metrics/get-history") { request, _ in
            let body = try await RequestDecoding.decode(MetricHistoryRequest.self, from: request)
            let run = try runID(body.run_id, body.run_uuid)
            // MLflow answers the whole history when max_results is absent: read and sent a page at
            // a time, so a history of millions of values is never held whole.
            let streamed = body.max_results == nil && body.page_token == nil
            let page = try await service.metricHistory(
                runID: run, key: body.metric_key, maxResults: streamed ? Self.historyPage : body.max_results?.value, pageToken: body.page_token
            )
            guard streamed, let firstToken = page.nextPageToken else {
                return try ResponseEncoding.json(MetricPage(metrics: page.items.map(WireMetric.init), next_page_token: page.nextPageToken))
            }
            let first = page.items
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "{\"metrics\":["))
                try await writer.write(try Self.jsonElements(first))
                var token = firstToken
                while true {
                    let next = try await service.metricHistory(runID: run, key: body.metric_key, maxResults: Self.historyPage, pageToken: token)
                    if !next.items.isEmpty { try await writer.write(ByteBuffer(string: ",")) }
                    try await writer.write(try Self.jsonElements(next.items))
                    guard let more = next.nextPageToken else { break }
                    token = more
                }
                try await writer.write(ByteBuffer(string: "]}"))
                try await writer.finish(nil)
            })
        }
    }
}

extension TrackingController {
    /// Values per page of a streamed metric history (the page the mlflow client asks for).
    static var historyPage: Int64 { 25_000 }

    /// `metrics` as JSON array elements without the brackets, to be joined with commas.
    static func jsonElements(_ metrics: [Metric]) throws -> ByteBuffer {
        let array = try ResponseEncoding.encoder().encode(metrics.map(WireMetric.init))
        return ByteBuffer(bytes: array.dropFirst().dropLast())
    }
}

/// `run_id`, falling back to the deprecated `run_uuid`; one of them is required.
private func runID(_ runID: String?, _ runUUID: String?) throws -> String {
    if let runID, !runID.isEmpty { return runID }
    if let runUUID, !runUUID.isEmpty { return runUUID }
    throw AviaryError.invalid("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.")
}

private struct ExperimentPage: Encodable { var experiments: [WireExperiment]; var next_page_token: String? }
private struct RunPage: Encodable { var runs: [WireRun]; var next_page_token: String? }
private struct MetricPage: Encodable { var metrics: [WireMetric]; var next_page_token: String? }
