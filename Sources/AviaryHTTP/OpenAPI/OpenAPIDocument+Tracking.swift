import AviaryTracking

/// MLflow's tracking API (`TrackingController`) and MLflow 3's logged models
/// (`LoggedModelController`), as their request DTOs read them.
extension OpenAPIDocument {
    private static let viewTypes = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]
    private static let runID = MLflowField.string("run_id", "The run; run_id or run_uuid is required.")
    private static let runUUID = MLflowField.string("run_uuid", "Deprecated name of run_id.")
    private static let pageToken = MLflowField.string("page_token", "The next_page_token of the previous page.")

    static let trackingCalls: [MLflowCall] = [
        MLflowCall(
            .post, "experiments/create", id: "createExperiment", "Create an experiment",
            fields: [.string("name", required: true), .string("artifact_location"), .list("tags", of: "TagInput")],
            reply: .object(["experiment_id": .string], required: ["experiment_id"]), canMiss: false
        ),
        MLflowCall(
            .get, "experiments/get", id: "getExperiment", "Get an experiment by id",
            fields: [.string("experiment_id", required: true)], reply: .object(["experiment": .ref("Experiment")], required: ["experiment"])
        ),
        MLflowCall(
            .get, "experiments/get-by-name", id: "getExperimentByName", "Get an experiment by name",
            fields: [.string("experiment_name", required: true)], reply: .object(["experiment": .ref("Experiment")], required: ["experiment"])
        ),
    ] + searchExperiments + [
        MLflowCall(
            .post, "experiments/update", id: "updateExperiment", "Rename an experiment",
            fields: [.string("experiment_id", required: true), .string("new_name", required: true)]
        ),
        MLflowCall(.post, "experiments/delete", id: "deleteExperiment", "Delete an experiment (restorable)", fields: [.string("experiment_id", required: true)]),
        MLflowCall(.post, "experiments/restore", id: "restoreExperiment", "Restore a deleted experiment", fields: [.string("experiment_id", required: true)]),
        MLflowCall(
            .post, "experiments/set-experiment-tag", id: "setExperimentTag", "Set a tag on an experiment",
            fields: [.string("experiment_id", required: true), .string("key", required: true), .string("value", required: true)]
        ),
        MLflowCall(
            .post, "experiments/delete-experiment-tag", id: "deleteExperimentTag", "Delete a tag of an experiment",
            fields: [.string("experiment_id", required: true), .string("key", required: true)]
        ),
        MLflowCall(
            .post, "runs/create", id: "createRun", "Create a run",
            fields: [
                .string("experiment_id", "Defaults to the default experiment."), .string("user_id"), .string("run_name"),
                .int64("start_time", "Milliseconds since 1970."), .list("tags", of: "TagInput"),
            ],
            reply: .object(["run": .ref("Run")], required: ["run"])
        ),
        MLflowCall(.get, "runs/get", id: "getRun", "Get a run", fields: [runID, runUUID], reply: .object(["run": .ref("Run")], required: ["run"])),
        MLflowCall(
            .post, "runs/update", id: "updateRun", "Update a run's status, end time or name",
            fields: [runID, runUUID, .enumeration("status", RunStatus.allCases.map(\.rawValue)), .int64("end_time"), .string("run_name")],
            reply: .object(["run_info": .ref("RunInfo")], required: ["run_info"])
        ),
        MLflowCall(.post, "runs/delete", id: "deleteRun", "Delete a run (restorable)", fields: [runID, runUUID]),
        MLflowCall(.post, "runs/restore", id: "restoreRun", "Restore a deleted run", fields: [runID, runUUID]),
        MLflowCall(
            .post, "runs/log-metric", id: "logMetric", "Log one metric value",
            fields: [
                runID, runUUID, .string("key", required: true), .double("value", required: true),
                .int64("timestamp", required: true, "Milliseconds since 1970."), .int64("step"),
                .string("model_id"), .string("dataset_name"), .string("dataset_digest"),
            ]
        ),
        MLflowCall(.post, "runs/log-parameter", id: "logParameter", "Log a param", fields: [runID, runUUID, .string("key", required: true), .string("value")]),
        MLflowCall(.post, "runs/set-tag", id: "setTag", "Set a tag on a run", fields: [runID, runUUID, .string("key", required: true), .string("value")]),
        MLflowCall(.post, "runs/delete-tag", id: "deleteTag", "Delete a tag of a run", fields: [runID, runUUID, .string("key", required: true)]),
        MLflowCall(
            .post, "runs/log-batch", id: "logBatch", "Log metrics, params and tags in one call",
            description: "All or nothing. Every metric needs a timestamp.",
            fields: [
                .string("run_id", "The run; required (run_uuid is not read here)."), .list("metrics", of: "MetricInput"),
                .list("params", of: "TagInput"), .list("tags", of: "TagInput"),
            ]
        ),
        MLflowCall(
            .post, "runs/log-inputs", id: "logInputs", "Log the datasets a run used",
            fields: [.string("run_id", "The run; required."), .list("datasets", of: "DatasetInput")]
        ),
        MLflowCall(
            .post, "runs/search", id: "searchRuns", "Search runs",
            description: "filter and order_by use MLflow's search grammar (metrics.x > 0.5, params.p = 'a', attributes.start_time DESC).",
            fields: [
                .strings("experiment_ids"), .string("filter"), .enumeration("run_view_type", viewTypes),
                .int64("max_results"), .strings("order_by"), pageToken,
            ],
            reply: .object(["runs": .array(.ref("Run")), "next_page_token": .string], required: ["runs"])
        ),
        MLflowCall(
            .get, "metrics/get-history", id: "getMetricHistory", "Get every logged value of a metric",
            fields: [runID, runUUID, .string("metric_key", required: true), .int64("max_results"), pageToken],
            reply: .object(["metrics": .array(.ref("Metric")), "next_page_token": .string], required: ["metrics"])
        ),
    ]

    /// POST and GET, the same fields.
    private static var searchExperiments: [MLflowCall] {
        [OpenAPIOperation.Method.post, .get].map { method in
            MLflowCall(
                method, "experiments/search", id: method == .post ? "searchExperiments" : "searchExperimentsGet", "Search experiments",
                fields: [.int64("max_results"), pageToken, .string("filter"), .strings("order_by"), .enumeration("view_type", viewTypes)],
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
                .string("experiment_id", required: true), .string("name"), .string("model_type"), .string("source_run_id"),
                .list("params", of: "TagInput"), .list("tags", of: "TagInput"),
            ],
            reply: .object(["model": .ref("LoggedModel")], required: ["model"])
        ),
        MLflowCall(
            .post, "logged-models/search", id: "searchLoggedModels", "Search logged models",
            fields: [.strings("experiment_ids"), .string("filter"), .int64("max_results"), pageToken],
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
            fields: [.string("run_id", required: true), .list("models", of: "ModelOutput")]
        ),
    ]
}
