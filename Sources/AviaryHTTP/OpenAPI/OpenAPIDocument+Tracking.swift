import AviaryCore
import AviaryTracking

/// MLflow's tracking API (`TrackingController`) and MLflow 3's logged models
/// (`LoggedModelController`), as their request DTOs read them.
extension OpenAPIDocument {
    private static let viewTypes = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]
    private static let runID = MLflowField.rule("run_id", .nonEmpty, "The run; run_id or run_uuid is required.")
    private static let runUUID = MLflowField.rule("run_uuid", .nonEmpty, "Deprecated name of run_id.")
    /// A query names the run by `run_id`; `run_uuid` instead is still read, from older clients.
    private static let queryRunID = [
        MLflowField.rule("run_id", .nonEmpty, required: true, "The run (or send run_uuid instead)."),
        MLflowField.rule("run_uuid", OpenAPISchema.nonEmpty.with("deprecated", true), "Deprecated name of run_id."),
    ]
    /// Bodies naming a run by `run_id` or `run_uuid`.
    private static let eitherRunID = ["run_id", "run_uuid"]
    private static let experimentID = MLflowField.rule("experiment_id", .experimentID, required: true)
    private static let key = MLflowField.rule("key", .key, required: true)
    private static let pageToken = MLflowField.string("page_token", "The next_page_token of the previous page.")

    static let trackingCalls: [MLflowCall] = [
        MLflowCall(
            .post, "experiments/create", id: "createExperiment", "Create an experiment",
            fields: [.rule("name", .experimentName, required: true), .string("artifact_location"), .list("tags", of: "TagInput")],
            reply: .object(["experiment_id": .string], required: ["experiment_id"]), canMiss: false
        ),
        MLflowCall(
            .get, "experiments/get", id: "getExperiment", "Get an experiment by id",
            fields: [experimentID], reply: .object(["experiment": .ref("Experiment")], required: ["experiment"])
        ),
        MLflowCall(
            .get, "experiments/get-by-name", id: "getExperimentByName", "Get an experiment by name",
            fields: [.string("experiment_name", required: true)], reply: .object(["experiment": .ref("Experiment")], required: ["experiment"])
        ),
    ] + searchExperiments + [
        MLflowCall(
            .post, "experiments/update", id: "updateExperiment", "Rename an experiment",
            fields: [experimentID, .rule("new_name", .experimentName, required: true)]
        ),
        MLflowCall(.post, "experiments/delete", id: "deleteExperiment", "Delete an experiment (restorable)", fields: [experimentID]),
        MLflowCall(.post, "experiments/restore", id: "restoreExperiment", "Restore a deleted experiment", fields: [experimentID]),
        MLflowCall(
            .post, "experiments/set-experiment-tag", id: "setExperimentTag", "Set a tag on an experiment",
            fields: [experimentID, key, .string("value", required: true)]
        ),
        MLflowCall(
            .post, "experiments/delete-experiment-tag", id: "deleteExperimentTag", "Delete a tag of an experiment",
            fields: [experimentID, key]
        ),
        MLflowCall(
            .post, "runs/create", id: "createRun", "Create a run",
            fields: [
                .rule("experiment_id", .experimentID, "Defaults to the default experiment."), .string("user_id"), .string("run_name"),
                .int64("start_time", "Milliseconds since 1970."), .list("tags", of: "TagInput"),
            ],
            reply: .object(["run": .ref("Run")], required: ["run"])
        ),
        MLflowCall(.get, "runs/get", id: "getRun", "Get a run", fields: queryRunID, reply: .object(["run": .ref("Run")], required: ["run"])),
        MLflowCall(
            .post, "runs/update", id: "updateRun", "Update a run's status, end time or name",
            fields: [runID, runUUID, .enumeration("status", RunStatus.allCases.map(\.rawValue)), .int64("end_time"), .string("run_name")],
            reply: .object(["run_info": .ref("RunInfo")], required: ["run_info"]), oneRequired: eitherRunID
        ),
        MLflowCall(.post, "runs/delete", id: "deleteRun", "Delete a run (restorable)", fields: [runID, runUUID], oneRequired: eitherRunID),
        MLflowCall(.post, "runs/restore", id: "restoreRun", "Restore a deleted run", fields: [runID, runUUID], oneRequired: eitherRunID),
        MLflowCall(
            .post, "runs/log-metric", id: "logMetric", "Log one metric value",
            fields: [
                runID, runUUID, key, .double("value", required: true),
                .rule("timestamp", .ref("Timestamp"), required: true), .int64("step"),
                .string("model_id"), .string("dataset_name"), .string("dataset_digest"),
            ],
            oneRequired: eitherRunID
        ),
        MLflowCall(
            .post, "runs/log-parameter", id: "logParameter", "Log a param", fields: [runID, runUUID, key, .string("value", "At most 6000 characters.")],
            oneRequired: eitherRunID
        ),
        MLflowCall(
            .post, "runs/set-tag", id: "setTag", "Set a tag on a run", fields: [runID, runUUID, key, .string("value", "At most 8000 characters.")],
            oneRequired: eitherRunID
        ),
        MLflowCall(.post, "runs/delete-tag", id: "deleteTag", "Delete a tag of a run", fields: [runID, runUUID, key], oneRequired: eitherRunID),
        MLflowCall(
            .post, "runs/log-batch", id: "logBatch", "Log metrics, params and tags in one call",
            description: "All or nothing. Every metric needs a timestamp.",
            fields: [
                .rule("run_id", .nonEmpty, required: true, "The run (run_uuid is not read here)."), .list("metrics", of: "MetricInput"),
                .list("params", of: "TagInput"), .list("tags", of: "TagInput"),
            ]
        ),
        MLflowCall(
            .post, "runs/log-inputs", id: "logInputs", "Log the datasets a run used",
            fields: [.rule("run_id", .nonEmpty, required: true), .list("datasets", of: "DatasetInputRequest")]
        ),
        MLflowCall(
            .post, "runs/search", id: "searchRuns", "Search runs",
            description: "filter and order_by use MLflow's search grammar (metrics.x > 0.5, params.p = 'a', attributes.start_time DESC).",
            fields: [
                .rule("experiment_ids", .array(.experimentID)), .string("filter"), .enumeration("run_view_type", viewTypes),
                .maxResults(Validation.maxSearchResults), .strings("order_by"), pageToken,
            ],
            reply: .object(["runs": .array(.ref("Run")), "next_page_token": .string], required: ["runs"])
        ),
        MLflowCall(
            .get, "metrics/get-history", id: "getMetricHistory", "Get every logged value of a metric",
            // TrackingService.metricHistory's limit.
            fields: queryRunID + [.string("metric_key", required: true), .maxResults(1_000_000), pageToken],
            reply: .object(["metrics": .array(.ref("Metric")), "next_page_token": .string], required: ["metrics"])
        ),
    ]

    /// POST and GET, the same fields.
    private static var searchExperiments: [MLflowCall] {
        [OpenAPIOperation.Method.post, .get].map { method in
            MLflowCall(
                method, "experiments/search", id: method == .post ? "searchExperiments" : "searchExperimentsGet", "Search experiments",
                fields: [.maxResults(Validation.maxSearchResults), pageToken, .string("filter"), .strings("order_by"), .enumeration("view_type", viewTypes)],
                reply: .object(["experiments": .array(.ref("Experiment")), "next_page_token": .string], required: ["experiments"]),
                canMiss: false
            )
        }
    }

    private static let modelID = OpenAPIParameter.path("model_id", "The logged model's id (percent-decoded once).")
    /// `logged-models/search` is a path of its own: GET, PATCH or DELETE of a model named `search` get its 405.
    private static let searchCollision: [Int: OpenAPIResponse] = [
        405: .mlflowError("The id 'search' names logged-models/search, which only takes POST (Allow: POST)."),
    ]

    static let loggedModelCalls: [MLflowCall] = [
        MLflowCall(
            .post, "logged-models", id: "createLoggedModel", "Create a logged model",
            fields: [
                experimentID, .string("name"), .string("model_type"), .string("source_run_id"),
                .list("params", of: "TagInput"), .list("tags", of: "TagInput"),
            ],
            reply: .object(["model": .ref("LoggedModel")], required: ["model"])
        ),
        MLflowCall(
            .post, "logged-models/search", id: "searchLoggedModels", "Search logged models",
            fields: [
                .rule("experiment_ids", .array(.experimentID)), .string("filter"),
                .maxResults(TrackingService.loggedModelResults.limit), pageToken,
            ],
            reply: .object(["models": .array(.ref("LoggedModel")), "next_page_token": .string], required: ["models"])
        ),
        MLflowCall(
            .get, "logged-models/{model_id}", id: "getLoggedModel", "Get a logged model", pathParameters: [modelID],
            reply: .object(["model": .ref("LoggedModel")], required: ["model"]), extraResponses: searchCollision
        ),
        MLflowCall(
            .patch, "logged-models/{model_id}", id: "finalizeLoggedModel", "Finalize a logged model (set its status)",
            fields: [.enumeration("status", LoggedModelStatus.allCases.map(\.rawValue), required: true)], pathParameters: [modelID],
            reply: .object(["model": .ref("LoggedModel")], required: ["model"]), extraResponses: searchCollision
        ),
        MLflowCall(
            .delete, "logged-models/{model_id}", id: "deleteLoggedModel", "Delete a logged model", pathParameters: [modelID],
            readsBody: false, extraResponses: searchCollision
        ),
        MLflowCall(
            .patch, "logged-models/{model_id}/tags", id: "setLoggedModelTags", "Set tags on a logged model",
            fields: [.list("tags", of: "TagInput")], pathParameters: [modelID]
        ),
        MLflowCall(
            .delete, "logged-models/{model_id}/tags/{tag_key}", id: "deleteLoggedModelTag", "Delete a tag of a logged model",
            pathParameters: [modelID, .path("tag_key", "The tag's key (percent-decoded once).")], readsBody: false
        ),
        MLflowCall(
            .post, "logged-models/{model_id}/params", id: "logLoggedModelParams", "Log params on a logged model",
            fields: [.list("params", of: "TagInput")], pathParameters: [modelID]
        ),
        MLflowCall(
            .post, "runs/outputs", id: "logOutputs", "Record the models a run produced",
            fields: [.rule("run_id", .nonEmpty, required: true), .list("models", of: "ModelOutput")]
        ),
    ]
}
