import AviaryModels
import Foundation

/// The OpenAPI 3.1 document of one server: every operation of the route groups it mounts, with
/// the shared schemas they reference.
///
/// Built from declarative tables, one per group (`OpenAPIDocument+Tracking.swift`, …), so a
/// server documents exactly the groups it mounts; `OpenAPIController` serves it at
/// `GET /api/aviary/v1/openapi.json`. Keys are sorted, so the same routes give the same bytes.
public struct OpenAPIDocument: Sendable {
    /// A group of routes a server mounts, documented by its operations.
    public enum Surface: Sendable, Equatable {
        /// `TrackingController` under a prefix's `mlflow`.
        case tracking(MLflowPrefix)
        /// `RegistryController` under a prefix's `mlflow`.
        case registry(MLflowPrefix)
        /// `LoggedModelController` under a prefix's `mlflow`.
        case loggedModels(MLflowPrefix)
        /// `ArtifactController` under a prefix's `mlflow-artifacts`.
        case artifacts(MLflowPrefix)
        /// `LineageController` under `api/aviary/v1`.
        case lineage
        /// `HealthController`: `/health` (`OK`) and `/version`.
        case serverHealth
        /// `MetricsController`: `/metrics`.
        case metrics
        /// `DeploymentController`: `/deployments/{name}/…` and `/v2/models/{name}/infer`.
        case deployments
        /// `DeploymentAdminController` under `api/2.0/aviary/deployments`.
        case deploymentAdmin
        /// `UIController`: the web UI.
        case ui
        /// `ScoringController`: `/ping`, `/health`, `/version`, `/invocations`, for a model
        /// taking `inputs` (which the request examples fill in).
        case scoring(InputSchema)
        /// `InferenceController` under `v2`, for the model `name` taking `inputs`.
        case openInference(name: String, inputs: InputSchema)
        /// `/ping` and `/health` answering an empty 200.
        case probes
        /// `OpenAPIController`: this document.
        case document

        var operations: [OpenAPIOperation] {
            switch self {
            case .tracking(let prefix): OpenAPIDocument.trackingCalls.map { $0.operation(at: "/\(prefix.mlflow)", prefix: prefix, tag: prefix.tag("MLflow tracking")) }
            case .registry(let prefix): OpenAPIDocument.registryCalls.map { $0.operation(at: "/\(prefix.mlflow)", prefix: prefix, tag: prefix.tag("MLflow model registry")) }
            case .loggedModels(let prefix): OpenAPIDocument.loggedModelCalls.map { $0.operation(at: "/\(prefix.mlflow)", prefix: prefix, tag: prefix.tag("MLflow logged models")) }
            case .artifacts(let prefix): OpenAPIDocument.artifactOperations(prefix)
            case .lineage: OpenAPIDocument.lineageOperations
            case .serverHealth: OpenAPIDocument.serverHealthOperations
            case .metrics: OpenAPIDocument.metricsOperations
            case .deployments: OpenAPIDocument.deploymentOperations
            case .deploymentAdmin: OpenAPIDocument.deploymentAdminOperations
            case .ui: OpenAPIDocument.uiOperations
            case .scoring(let inputs): OpenAPIDocument.scoringOperations(inputs)
            case .openInference(let name, let inputs): OpenAPIDocument.inferenceOperations(name: name, inputs: inputs)
            case .probes: OpenAPIDocument.probeOperations
            case .document: OpenAPIDocument.openAPIOperations
            }
        }
    }

    /// Where every server serves its document, relative to the root.
    public static let documentPath = "api/aviary/v1/openapi.json"

    /// `info.title`: which server the document describes.
    public let title: String
    /// `info.version`: the server's version.
    public let version: String
    /// Every operation, with the statuses the request guard adds.
    public let operations: [OpenAPIOperation]

    /// The document of a server mounting `surfaces`.
    public init(title: String, version: String, surfaces: [Surface]) {
        self.title = title
        self.version = version
        operations = surfaces.flatMap(\.operations).map(Self.guarded)
    }

    /// `operation` with the answers of `RequestGuard`, which every request passes first.
    static func guarded(_ operation: OpenAPIOperation) -> OpenAPIOperation {
        var operation = operation
        operation.responses[403] = .mlflowError(
            "PERMISSION_DENIED: the Host header is not one this server answers to (--allowed-hosts), or a state-changing request came from a foreign Origin."
        )
        if operation.method == .post, !RequestGuard.checksItsOwnContentType(operation.path) {
            operation.responses[415] = .mlflowError(
                "BAD_REQUEST: a text/plain, form or multipart body, which any web page can send; send application/json (or text/csv where the route reads CSV)."
            )
        }
        return operation
    }

    /// The document as JSON.
    public var json: OpenAPIJSON {
        var paths: [String: [String: OpenAPIJSON]] = [:]
        for operation in operations {
            paths[operation.path, default: [:]][operation.method.rawValue] = operation.json
        }
        let pathItems = OpenAPIJSON.object(paths.mapValues(OpenAPIJSON.object))
        let tags = Set(operations.map(\.tag)).sorted().map { tag -> OpenAPIJSON in
            var members: [String: OpenAPIJSON] = ["name": .string(tag)]
            if let description = Self.tagDescriptions[tag] { members["description"] = .string(description) }
            return .object(members)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(title), "version": .string(version), "description": .string(Self.description)],
            "tags": .array(tags),
            "paths": pathItems,
            "components": ["schemas": .object(Self.schemas(referencedBy: pathItems))],
        ]
    }

    /// The compact JSON text.
    public func encoded() -> Data {
        json.encoded()
    }

    /// The components `tree` references, and those they reference in turn.
    static func schemas(referencedBy tree: OpenAPIJSON) -> [String: OpenAPIJSON] {
        let prefix = "#/components/schemas/"
        var found: [String: OpenAPIJSON] = [:]
        var pending = Array(tree.references)
        while let reference = pending.popLast() {
            let name = String(reference.dropFirst(prefix.count))
            guard reference.hasPrefix(prefix), found[name] == nil, let schema = components[name] else { continue }
            found[name] = schema.json
            pending += schema.json.references
        }
        return found
    }

    /// The OpenAPI path of a route as Hummingbird's `RouterPath` prints it: captures are
    /// already `{name}`; the artifact proxy's recursive wildcard `**` is `{artifact_path}`.
    public static func documentedPath(routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == "**" ? "{artifact_path}" : String($0) }
            .joined(separator: "/")
    }

    private static let description = """
        Every route this server serves. Errors are MLflow's JSON, {"error_code": "…", "message": "…"}, \
        except where an operation says otherwise (the Open Inference Protocol's {"error": "…"}, the web UI's HTML pages). \
        Before any route, a request guard answers 403 for a Host header the server does not answer to (see --allowed-hosts) \
        or a state-changing request from another origin, and 415 for a text/plain, form or multipart POST to a route that would read it \
        (not the MLflow API or the scoring protocol, which refuse such bodies themselves). \
        On the MLflow REST API, artifact and lineage paths, another of GET, POST, PUT, DELETE, PATCH or HEAD answers 405 with Allow; \
        elsewhere an unserved method is a 404. MLflow requests take int64 fields as JSON integers or decimal strings, \
        and GET calls read their fields from the query string.
        """

    private static let tagDescriptions: [String: String] = [
        "MLflow tracking": "Experiments, runs, metrics, params, tags and dataset inputs, wire-compatible with mlflow server.",
        "MLflow model registry": "Registered models, versions, stages, aliases and tags.",
        "MLflow logged models": "MLflow 3's logged models, which log_model creates.",
        "MLflow artifacts": "The artifact proxy: upload, download, list and delete files under the artifact root.",
        "Aviary": "Aviary's own API under /api/aviary/v1.",
        "Health": "Probes and Prometheus metrics.",
        "Scoring": "MLflow's scoring protocol for the served model.",
        "Open Inference Protocol": "KServe's v2 REST protocol for the served model.",
        "Deployments": "Champion–challenger endpoints: scoring, feedback, live quality, monitor passes, the promotion gate and the prediction log.",
        "Deployments API": "Create, replace, inspect and remove deployments while the server runs.",
        "Web UI": "Server-rendered HTML pages and their assets.",
    ]
}
