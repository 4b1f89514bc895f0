import AviaryTracking

// Wire shapes of MLflow 3's logged models (mlflow/protos/service.proto: LoggedModel…).

struct WireLoggedModel: Encodable, Sendable {
    struct Info: Encodable, Sendable {
        var model_id: String
        var experiment_id: String
        var name: String
        var artifact_uri: String
        var creation_timestamp_ms: Int64
        var last_updated_timestamp_ms: Int64
        var status: String
        var status_message: String
        var model_type: String
        var source_run_id: String
        var tags: [WireTag]
    }

    struct Data: Encodable, Sendable {
        var params: [WireTag]
        var metrics: [WireMetric]
    }

    var info: Info
    var data: Data

    init(_ model: LoggedModel) {
        info = Info(
            model_id: model.id, experiment_id: model.experimentID, name: model.name, artifact_uri: model.artifactURI,
            creation_timestamp_ms: model.creationTimestamp, last_updated_timestamp_ms: model.lastUpdatedTimestamp,
            status: model.status.rawValue, status_message: model.statusMessage, model_type: model.modelType,
            source_run_id: model.sourceRunID, tags: model.tags.map(WireTag.init)
        )
        data = Data(params: model.params.map(WireTag.init), metrics: model.metrics.map(WireMetric.init))
    }
}

struct WireModelOutput: Codable, Sendable {
    var model_id: String
    var step: WireInt64?
}

struct CreateLoggedModelRequest: Decodable {
    var experiment_id: String
    var name: String?
    var model_type: String?
    var source_run_id: String?
    var params: [WireTag]?
    var tags: [WireTag]?
}

struct FinalizeLoggedModelRequest: Decodable { var status: LoggedModelStatus }
struct LoggedModelTagsRequest: Decodable { var tags: [WireTag]? }
struct LoggedModelParamsRequest: Decodable { var params: [WireTag]? }
struct SearchLoggedModelsRequest: Decodable {
    var experiment_ids: [String]?
    var filter: String?
    var max_results: WireInt64?
    var page_token: String?
}
struct LogOutputsRequest: Decodable {
    var run_id: String
    var models: [WireModelOutput]?
}
