import AviaryCore
import AviaryTracking

// Wire shapes of MLflow's tracking service (mlflow/protos/service.proto), snake_case as MLflow
// serialises them. Optional fields left nil are omitted, as protobuf's JSON mapping does.

struct WireTag: Codable, Sendable {
    var key: String
    var value: String?

    init(_ tag: Tag) {
        key = tag.key
        value = tag.value
    }

    var tag: Tag { Tag(key: key, value: value ?? "") }
}

struct WireMetric: Codable, Sendable {
    var key: String
    var value: WireDouble
    var timestamp: WireInt64?
    var step: WireInt64?
    var model_id: String?
    var dataset_name: String?
    var dataset_digest: String?

    init(_ metric: Metric) {
        key = metric.key
        value = WireDouble(metric.value)
        timestamp = WireInt64(metric.timestamp)
        step = WireInt64(metric.step)
        model_id = metric.modelID
        dataset_name = metric.datasetName
        dataset_digest = metric.datasetDigest
    }

    /// The metric; `timestamp` is required, as mlflow server requires it.
    func metric(field: String) throws -> Metric {
        guard let timestamp else { throw Self.missingTimestamp(field: field) }
        return Metric(
            key: key, value: value.value, timestamp: timestamp.value, step: step?.value ?? 0, modelID: model_id.nonEmpty,
            datasetName: dataset_name.nonEmpty, datasetDigest: dataset_digest.nonEmpty
        )
    }

    static func missingTimestamp(field: String) -> AviaryError {
        .invalid("Missing value for required parameter '\(field).timestamp'. Timestamp must be a nonnegative long (64-bit integer)")
    }
}

struct WireExperiment: Encodable, Sendable {
    var experiment_id: String
    var name: String
    var artifact_location: String
    var lifecycle_stage: String
    var creation_time: Int64
    var last_update_time: Int64
    var tags: [WireTag]

    init(_ experiment: Experiment) {
        experiment_id = experiment.id
        name = experiment.name
        artifact_location = experiment.artifactLocation
        lifecycle_stage = experiment.lifecycleStage.rawValue
        creation_time = experiment.creationTime
        last_update_time = experiment.lastUpdateTime
        tags = experiment.tags.map(WireTag.init)
    }
}

struct WireRunInfo: Encodable, Sendable {
    var run_id: String
    var run_uuid: String
    var run_name: String
    var experiment_id: String
    var user_id: String
    var status: String
    var start_time: Int64?
    var end_time: Int64?
    var artifact_uri: String
    var lifecycle_stage: String

    init(_ info: RunInfo) {
        run_id = info.runID
        run_uuid = info.runID
        run_name = info.runName
        experiment_id = info.experimentID
        user_id = info.userID
        status = info.status.rawValue
        start_time = info.startTime
        end_time = info.endTime
        artifact_uri = info.artifactURI
        lifecycle_stage = info.lifecycleStage.rawValue
    }
}

struct WireRun: Encodable, Sendable {
    struct Data: Encodable, Sendable {
        var metrics: [WireMetric]
        var params: [WireTag]
        var tags: [WireTag]
    }

    struct Inputs: Encodable, Sendable {
        var dataset_inputs: [WireDatasetInput]
    }

    struct Outputs: Encodable, Sendable {
        var model_outputs: [WireModelOutput]
    }

    var info: WireRunInfo
    var data: Data
    var inputs: Inputs
    var outputs: Outputs

    init(_ run: Run) {
        info = WireRunInfo(run.info)
        data = Data(metrics: run.metrics.map(WireMetric.init), params: run.params.map(WireTag.init), tags: run.tags.map(WireTag.init))
        inputs = Inputs(dataset_inputs: run.inputs.map(WireDatasetInput.init))
        outputs = Outputs(model_outputs: run.outputs.map { WireModelOutput(model_id: $0.modelID, step: WireInt64($0.step)) })
    }
}

struct WireDataset: Codable, Sendable {
    var name: String
    var digest: String
    var source_type: String?
    var source: String?
    var schema: String?
    var profile: String?
}

struct WireDatasetInput: Codable, Sendable {
    var tags: [WireTag]?
    var dataset: WireDataset

    init(_ input: DatasetInput) {
        tags = input.tags.map(WireTag.init)
        let dataset = input.dataset
        self.dataset = WireDataset(
            name: dataset.name, digest: dataset.digest, source_type: dataset.sourceType, source: dataset.source,
            schema: dataset.schema, profile: dataset.profile
        )
    }

    var input: DatasetInput {
        DatasetInput(
            dataset: Dataset(
                name: dataset.name, digest: dataset.digest, sourceType: dataset.source_type ?? "",
                source: dataset.source ?? "", schema: dataset.schema, profile: dataset.profile
            ),
            tags: (tags ?? []).map(\.tag)
        )
    }
}

// MARK: Requests

struct CreateExperimentRequest: Decodable { var name: String; var artifact_location: String?; var tags: [WireTag]? }
struct ExperimentIDRequest: Decodable { var experiment_id: String }
struct ExperimentByNameRequest: Decodable { var experiment_name: String }
struct UpdateExperimentRequest: Decodable { var experiment_id: String; var new_name: String }
struct SetExperimentTagRequest: Decodable { var experiment_id: String; var key: String; var value: String }
struct DeleteExperimentTagRequest: Decodable { var experiment_id: String; var key: String }
struct SearchExperimentsRequest: Decodable {
    var max_results: WireInt64?
    var page_token: String?
    var filter: String?
    var order_by: [String]?
    var view_type: ViewType?
}

/// Run requests name the run `run_id`, or `run_uuid` in older clients.
struct RunIDRequest: Decodable {
    var run_id: String?
    var run_uuid: String?
}

struct CreateRunRequest: Decodable {
    var experiment_id: String?
    var user_id: String?
    var run_name: String?
    var start_time: WireInt64?
    var tags: [WireTag]?
}

struct UpdateRunRequest: Decodable {
    var run_id: String?
    var run_uuid: String?
    var status: RunStatus?
    var end_time: WireInt64?
    var run_name: String?
}

struct LogMetricRequest: Decodable {
    var run_id: String?
    var run_uuid: String?
    var key: String
    var value: WireDouble
    var timestamp: WireInt64
    var step: WireInt64?
    var model_id: String?
    var dataset_name: String?
    var dataset_digest: String?
}

struct KeyValueRequest: Decodable {
    var run_id: String?
    var run_uuid: String?
    var key: String
    var value: String?
}

struct LogBatchRequest: Decodable {
    var run_id: String?
    var metrics: [WireMetric]?
    var params: [WireTag]?
    var tags: [WireTag]?
}

struct LogInputsRequest: Decodable {
    var run_id: String?
    var datasets: [WireDatasetInput]?
}

struct SearchRunsRequest: Decodable {
    var experiment_ids: [String]?
    var filter: String?
    var run_view_type: ViewType?
    var max_results: WireInt64?
    var order_by: [String]?
    var page_token: String?
}

struct MetricHistoryRequest: Decodable {
    var run_id: String?
    var run_uuid: String?
    var metric_key: String
    var max_results: WireInt64?
    var page_token: String?
}
