import AviaryRegistry
import AviaryTracking

// Wire shapes of MLflow's model registry service (mlflow/protos/model_registry.proto).

struct WireModelVersion: Encodable, Sendable {
    var name: String
    var version: String
    var creation_timestamp: Int64
    var last_updated_timestamp: Int64
    var user_id: String
    var current_stage: String
    var description: String
    var source: String
    var run_id: String
    var status = "READY"
    var run_link: String
    var tags: [WireTag]
    var aliases: [String]
    var model_id: String?
    var storage_location: String

    init(_ version: ModelVersion) {
        name = version.name
        self.version = String(version.version)
        creation_timestamp = version.creationTimestamp
        last_updated_timestamp = version.lastUpdatedTimestamp
        user_id = version.userID
        current_stage = version.currentStage.rawValue
        description = version.description
        source = version.source
        run_id = version.runID
        run_link = version.runLink
        tags = version.tags.map(WireTag.init)
        aliases = version.aliases
        model_id = version.modelID
        storage_location = version.storageLocation
    }
}

struct WireRegisteredModel: Encodable, Sendable {
    struct Alias: Encodable, Sendable {
        var alias: String
        var version: String
    }

    var name: String
    var creation_timestamp: Int64
    var last_updated_timestamp: Int64
    var description: String
    var latest_versions: [WireModelVersion]
    var tags: [WireTag]
    var aliases: [Alias]

    init(_ model: RegisteredModel) {
        name = model.name
        creation_timestamp = model.creationTimestamp
        last_updated_timestamp = model.lastUpdatedTimestamp
        description = model.description
        latest_versions = model.latestVersions.map(WireModelVersion.init)
        tags = model.tags.map(WireTag.init)
        aliases = model.aliases.map { Alias(alias: $0.alias, version: String($0.version)) }
    }
}

// MARK: Requests

struct CreateRegisteredModelRequest: Decodable { var name: String; var tags: [WireTag]?; var description: String? }
struct ModelNameRequest: Decodable { var name: String }
struct RenameRegisteredModelRequest: Decodable { var name: String; var new_name: String }
struct UpdateDescriptionRequest: Decodable { var name: String; var version: String?; var description: String? }
struct RegistrySearchRequest: Decodable {
    var filter: String?
    var max_results: WireInt64?
    var order_by: [String]?
    var page_token: String?
}
struct LatestVersionsRequest: Decodable { var name: String; var stages: [String]? }
struct ModelTagRequest: Decodable { var name: String; var version: String?; var key: String; var value: String? }
struct AliasRequest: Decodable { var name: String; var alias: String; var version: String? }
struct CreateModelVersionRequest: Decodable {
    var name: String
    var source: String
    var run_id: String?
    var tags: [WireTag]?
    var run_link: String?
    var description: String?
    var model_id: String?
}
struct ModelVersionRequest: Decodable { var name: String; var version: String }
struct TransitionStageRequest: Decodable {
    var name: String
    var version: String
    var stage: String
    var archive_existing_versions: Bool?
}
