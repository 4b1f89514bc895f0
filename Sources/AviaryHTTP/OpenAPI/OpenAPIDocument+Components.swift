import AviaryDeployments
import AviaryMonitoring
import AviaryRegistry
import AviaryTracking

/// The shared schemas of `components/schemas`, each defined once; a document carries the ones
/// its operations reference.
extension OpenAPIDocument {
    static let components: [String: OpenAPISchema] = errors.merging(mlflow) { _, last in last }
        .merging(tracking) { _, last in last }
        .merging(registry) { _, last in last }
        .merging(scoring) { _, last in last }
        .merging(deployments) { _, last in last }

    private static let errors: [String: OpenAPISchema] = [
        "MLflowError": .object(
            ["error_code": OpenAPISchema.string.described("One of MLflow's codes, e.g. INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, ENDPOINT_NOT_FOUND, BAD_REQUEST, PERMISSION_DENIED, INTERNAL_ERROR."),
             "message": OpenAPISchema.string.described("What was wrong, naming the field and the rule.")],
            required: ["error_code", "message"]
        ).described("MLflow's error body; every Aviary route answers errors this way unless its operation says otherwise."),
        "OpenInferenceError": .object(["error": .string], required: ["error"])
            .described("The Open Inference Protocol's error body."),
    ]

    /// Scalars as MLflow's protobuf JSON mapping reads them in requests.
    private static let mlflow: [String: OpenAPISchema] = [
        "Int64": .anyOf(.int64, OpenAPISchema.string.with("pattern", "^-?[0-9]{1,18}$"))
            .described("A 64-bit integer: a JSON integer, or a string of decimal digits (any that fits in 64 bits), as protobuf's JSON mapping allows."),
        "Double": .anyOf(.number, OpenAPISchema.string.with("pattern", #"^(NaN|-?Infinity|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$"#))
            .described("A double: a JSON number, or a string holding one, NaN, Infinity or -Infinity."),
        "Timestamp": .anyOf(OpenAPISchema.int64.with("minimum", 0), OpenAPISchema.string.with("pattern", "^[0-9]{1,18}$"))
            .described("Milliseconds since 1970, not negative: a JSON integer or a string of digits."),
        "ResponseDouble": .types("number", "string")
            .described("A double as responses write it: a JSON number, or the string NaN, Infinity or -Infinity."),
        "Empty": OpenAPISchema.emptyObject.described("MLflow's empty reply, `{}`."),
        "TagInput": .object(["key": .key, "value": .string], required: ["key"])
            .described("A tag or param to set; a missing value is the empty string. Values: params up to 6000 characters, tags up to 8000."),
        "Tag": .object(["key": .string, "value": .string], required: ["key", "value"]),
    ]

    private static let tracking: [String: OpenAPISchema] = [
        "Experiment": .object(
            [
                "experiment_id": .string, "name": .string, "artifact_location": .string,
                "lifecycle_stage": .enumeration(["active", "deleted"]), "creation_time": .int64, "last_update_time": .int64,
                "tags": .array(.ref("Tag")),
            ],
            required: ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time", "tags"]
        ),
        "RunInfo": .object(
            [
                "run_id": .string, "run_uuid": OpenAPISchema.string.described("The same as run_id, for older clients."),
                "run_name": .string, "experiment_id": .string, "user_id": .string,
                "status": .enumeration(RunStatus.allCases.map(\.rawValue)),
                "start_time": .int64, "end_time": .int64, "artifact_uri": .string, "lifecycle_stage": .enumeration(["active", "deleted"]),
            ],
            required: ["run_id", "run_uuid", "run_name", "experiment_id", "user_id", "status", "artifact_uri", "lifecycle_stage"]
        ),
        "Run": .object(
            [
                "info": .ref("RunInfo"),
                "data": .object(
                    ["metrics": .array(.ref("Metric")), "params": .array(.ref("Tag")), "tags": .array(.ref("Tag"))],
                    required: ["metrics", "params", "tags"]
                ),
                "inputs": .object(["dataset_inputs": .array(.ref("DatasetInput"))], required: ["dataset_inputs"]),
                "outputs": .object(["model_outputs": .array(.ref("ModelOutput"))], required: ["model_outputs"]),
            ],
            required: ["info", "data", "inputs", "outputs"]
        ),
        "Metric": .object(
            [
                "key": .string, "value": .ref("ResponseDouble"), "timestamp": .int64, "step": .int64,
                "model_id": .string, "dataset_name": .string, "dataset_digest": .string,
            ],
            required: ["key", "value", "timestamp", "step"]
        ),
        "MetricInput": .object(
            [
                "key": .key, "value": .ref("Double"),
                "timestamp": OpenAPISchema.ref("Timestamp").described("Required."),
                "step": .ref("Int64"), "model_id": .string, "dataset_name": .string, "dataset_digest": .string,
            ],
            required: ["key", "value", "timestamp"]
        ),
        "Dataset": .object(
            ["name": .string, "digest": .string, "source_type": .string, "source": .string, "schema": .string, "profile": .string],
            required: ["name", "digest"]
        ),
        "DatasetInput": .object(["tags": .array(.ref("Tag")), "dataset": .ref("Dataset")], required: ["dataset"]),
        "DatasetInputRequest": .object(
            [
                "tags": .array(.ref("TagInput")),
                "dataset": .object(
                    [
                        "name": .nonEmpty, "digest": .nonEmpty, "source_type": .string, "source": .string,
                        "schema": .string, "profile": .string,
                    ],
                    required: ["name", "digest"]
                ),
            ],
            required: ["dataset"]
        ).described("A dataset a run used, with tags such as mlflow.data.context."),
        "ModelOutput": .object(["model_id": .string, "step": .ref("Int64")], required: ["model_id"]),
        "LoggedModel": .object(
            [
                "info": .object(
                    [
                        "model_id": .string, "experiment_id": .string, "name": .string, "artifact_uri": .string,
                        "creation_timestamp_ms": .int64, "last_updated_timestamp_ms": .int64,
                        "status": .enumeration(LoggedModelStatus.allCases.map(\.rawValue)), "status_message": .string,
                        "model_type": .string, "source_run_id": .string, "tags": .array(.ref("Tag")),
                    ],
                    required: [
                        "model_id", "experiment_id", "name", "artifact_uri", "creation_timestamp_ms", "last_updated_timestamp_ms",
                        "status", "status_message", "model_type", "source_run_id", "tags",
                    ]
                ),
                "data": .object(["params": .array(.ref("Tag")), "metrics": .array(.ref("Metric"))], required: ["params", "metrics"]),
            ],
            required: ["info", "data"]
        ),
        "FileInfo": .object(
            ["path": .string, "is_dir": .boolean, "file_size": OpenAPISchema.int64.described("Bytes; left out for directories and empty files.")],
            required: ["path", "is_dir"]
        ),
    ]

    private static let registry: [String: OpenAPISchema] = [
        "ModelVersion": .object(
            [
                "name": .string, "version": .string, "creation_timestamp": .int64, "last_updated_timestamp": .int64,
                "user_id": .string, "current_stage": .string, "description": .string, "source": .string, "run_id": .string,
                "status": .string, "run_link": .string, "tags": .array(.ref("Tag")), "aliases": .array(.string),
                "model_id": .string, "storage_location": .string,
            ],
            required: [
                "name", "version", "creation_timestamp", "last_updated_timestamp", "user_id", "current_stage", "description",
                "source", "run_id", "status", "run_link", "tags", "aliases", "storage_location",
            ]
        ),
        "RegisteredModel": .object(
            [
                "name": .string, "creation_timestamp": .int64, "last_updated_timestamp": .int64, "description": .string,
                "latest_versions": .array(.ref("ModelVersion")), "tags": .array(.ref("Tag")),
                "aliases": .array(.object(["alias": .string, "version": .string], required: ["alias", "version"])),
            ],
            required: ["name", "creation_timestamp", "last_updated_timestamp", "description", "latest_versions", "tags", "aliases"]
        ),
        "Lineage": .object(
            [
                "model_version": .ref("ModelVersion"),
                "logged_model": OpenAPISchema.ref("LoggedModel").described("The logged model the version was registered from, if any."),
                "run": OpenAPISchema.ref("Run").described("The run that produced it, with params, latest metrics and tags."),
                "experiment": .object(["experiment_id": .string, "name": .string], required: ["experiment_id", "name"]),
                "dataset_inputs": .array(.ref("DatasetInput")),
            ],
            required: ["model_version", "dataset_inputs"]
        ).described("Where a model version came from: its logged model, run, experiment and the run's datasets."),
    ]

    private static let scoring: [String: OpenAPISchema] = [
        "ScoringRequest": OpenAPISchema.object(
            [
                "dataframe_split": .object(
                    ["columns": .array(.string), "data": .array(.array(.any)), "index": .array(.any)], required: ["data"]
                ).described("Rows as lists, with their column names; without columns the rows are positional."),
                "dataframe_records": OpenAPISchema.array(.map(.any)).described("One object per row, column name to value."),
                "instances": OpenAPISchema.types("array", "object").described("A list of rows, or an object of columns."),
                "inputs": OpenAPISchema.types("array", "object").described("A list of rows, or an object of columns."),
                "params": OpenAPISchema.map(.any).described("Accepted and ignored."),
            ],
            closed: true
        ).with("oneOf", [["required": ["dataframe_split"]], ["required": ["dataframe_records"]], ["required": ["instances"]], ["required": ["inputs"]]])
            .described("MLflow's scoring input: exactly one of dataframe_split, dataframe_records, instances or inputs. Values are checked against the model's signature."),
        "Predictions": .object(
            ["predictions": OpenAPISchema.array(.any).described("One number per row, or one list per row for multi-output models. A non-finite prediction is written NaN, Infinity or -Infinity, as Python's json writes it.")],
            required: ["predictions"]
        ),
        "InferenceRequest": .object(
            [
                "id": OpenAPISchema.string.described("Echoed in the reply."),
                "inputs": .array(.ref("InferenceTensor"), minItems: 1),
                "parameters": .map(.any),
                "outputs": .array(.any),
            ],
            required: ["inputs"]
        ).described("An Open Inference Protocol infer request: one tensor [rows, features], or one tensor per feature ([rows] or [rows, 1])."),
        "InferenceTensor": .object(
            [
                "name": .string,
                "shape": .array(OpenAPISchema.integer.with("minimum", 0), minItems: 1, maxItems: 2),
                "datatype": .enumeration(["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64"]),
                "data": OpenAPISchema.any.described("The values, flat in row-major order or nested; as many as the shape holds."),
                "parameters": .map(.any),
            ],
            required: ["name", "shape", "datatype", "data"]
        ),
        "TensorMetadata": .object(
            ["name": .string, "datatype": .string, "shape": .array(.integer)], required: ["name", "datatype", "shape"]
        ),
        "InferenceResponse": .object(
            [
                "model_name": .string, "model_version": .string, "id": .string,
                "outputs": .array(.object(
                    ["name": .string, "shape": .array(.integer), "datatype": .string, "data": .array(.any)],
                    required: ["name", "shape", "datatype", "data"]
                )),
            ],
            required: ["model_name", "outputs"]
        ),
    ]

    private static let deployments: [String: OpenAPISchema] = [
        "Deployment": .object(
            [
                "name": .string, "task": .enumeration(ModelTask.allCases.map(\.rawValue)), "sticky_header": .string,
                "variants": .array(.object(
                    [
                        "name": .string, "model": .string, "weight": .integer, "shadow": .boolean,
                        "version": OpenAPISchema.string.described("The registry version the variant serves now; empty when none."),
                    ],
                    required: ["name", "model", "weight", "shadow", "version"]
                )),
                "prediction_log": .boolean, "monitored": .boolean, "shadows_skipped": .integer,
                "gate": .object(["metric": .string, "alpha": .number, "min_samples": .integer], required: ["metric", "alpha", "min_samples"]),
            ],
            required: ["name", "task", "sticky_header", "variants", "prediction_log", "monitored", "shadows_skipped"]
        ),
        "DeploymentSpec": deploymentSpec,
        "DeploymentVariantQuality": .object(
            ["variant": .string, "version": .string, "shadow": .boolean, "rows": .integer, "metrics": .map(.number)],
            required: ["variant", "version", "shadow", "rows", "metrics"]
        ),
        "MonitorPass": .object(
            [
                "timestamp": .int64, "window_rows": .integer, "drift_share": .ref("ResponseDouble"), "drift_detected": .boolean,
                "drift_scores": .map(.ref("ResponseDouble")), "quality_failures": .array(.string),
                "live": .map(.map(.ref("ResponseDouble"))),
                "violations": .array(.object(["key": .string, "message": .string], required: ["key", "message"])),
                "duration_seconds": .ref("ResponseDouble"),
            ],
            required: ["timestamp", "window_rows", "live", "violations"]
        ),
        "GateDecision": .object(
            [
                "metric": .string, "higher_is_better": .boolean, "alpha": .ref("ResponseDouble"), "min_samples": .integer,
                "champion": .ref("GateSide"), "challenger": .ref("GateSide"),
                "test": OpenAPISchema.string.described("two-proportion z, Welch t or permutation."),
                "statistic": .ref("ResponseDouble"), "p_value": .ref("ResponseDouble"), "window_start": .int64,
                "quality_failures": .array(.string), "promote": .boolean, "reason": .string,
            ],
            required: ["metric", "higher_is_better", "alpha", "min_samples", "champion", "challenger", "test", "promote", "reason"]
        ),
        "GateSide": .object(
            ["variant": .string, "version": .string, "rows": .integer, "value": .ref("ResponseDouble")],
            required: ["variant", "version", "rows"]
        ),
    ]

    /// The spec `PUT /api/2.0/aviary/deployments/{name}` takes, as JSON; unknown keys are refused.
    private static var deploymentSpec: OpenAPISchema {
        let name = OpenAPISchema.string.with("pattern", "^[A-Za-z0-9_-]{1,64}$")
        typealias Limits = DeploymentSpec.Limits
        let seconds = OpenAPISchema.number.with("minimum", 0).with("maximum", .number(Limits.seconds))
        let positiveSeconds = OpenAPISchema.number.with("exclusiveMinimum", 0).with("maximum", .number(Limits.seconds))
        let count = OpenAPISchema.integer.with("minimum", 1).with("maximum", .integer(Limits.count))
        let share = OpenAPISchema.number.with("exclusiveMinimum", 0).with("maximum", 1)
        return OpenAPISchema.object(
            [
                "name": name.described("Must equal the {name} in the path."),
                "variants": .array(.object(
                    [
                        "name": name, "model": OpenAPISchema.string.with("pattern", "^(models|runs):/").described("Through this API, a model the server holds: models:/NAME/VERSION, models:/NAME@ALIAS or runs:/RUN_ID/PATH (spec files may also name a path)."),
                        "weight": OpenAPISchema.integer.with("minimum", 0).with("maximum", 100).described("Percent of the traffic; required for serving variants, which must sum to 100; not allowed on shadows."),
                        "shadow": .boolean,
                    ],
                    required: ["name", "model"], closed: true
                ).with("anyOf", [
                    ["properties": ["shadow": ["const": true]], "required": ["shadow"], "not": ["required": ["weight"]]],
                    ["properties": ["shadow": ["const": false]], "required": ["weight"]],
                ]), minItems: 1),
                "sticky_header": OpenAPISchema.string.with("pattern", "^[A-Za-z0-9-]+$"),
                "refresh_seconds": seconds,
                "task": .enumeration(ModelTask.allCases.map(\.rawValue)),
                "prediction_log": .object(
                    [
                        "path": OpenAPISchema.string.with("minLength", 1).described("A plain relative path through this API."),
                        "flush_seconds": OpenAPISchema.number.with("minimum", .number(Limits.flushSeconds.lowerBound)).with("maximum", .number(Limits.flushSeconds.upperBound)),
                        "retention_days": OpenAPISchema.number.with("exclusiveMinimum", 0).with("maximum", .number(Limits.days)),
                    ],
                    required: ["path"], closed: true
                ),
                "monitor": .object(
                    [
                        "every_seconds": positiveSeconds, "every_predictions": count, "window": count,
                        "reference": OpenAPISchema.string.with("minLength", 1).described("training, an artifact (runs:/RUN_ID/PATH, mlflow-artifacts:/PATH) or a plain relative CSV path in the deployments directory."),
                        "drift_share": share, "quality_suite": OpenAPISchema.string.with("minLength", 1), "live_window": count,
                        "thresholds": .map(.object(["min": .number, "max": .number], closed: true)),
                    ],
                    closed: true
                ),
                "alerts": .object(
                    [
                        "webhook": OpenAPISchema.string.with("pattern", "^https?://[^/?#]+").described("An http(s) URL with a host that alerts are POSTed to."),
                        "secret_env": OpenAPISchema.string.with("pattern", "^AVIARY_WEBHOOK_").described("Through this API, a variable starting with AVIARY_WEBHOOK_ that holds the HMAC key."),
                        "command": OpenAPISchema.array(.string, minItems: 1).described("Refused through the API; spec files only."),
                        "cooldown_seconds": seconds,
                    ],
                    closed: true
                ),
                "gate": .object(
                    ["metric": .string, "alpha": OpenAPISchema.number.with("exclusiveMinimum", 0).with("exclusiveMaximum", 1), "min_samples": count],
                    required: ["metric"], closed: true
                ),
            ],
            required: ["name", "variants"], closed: true
        ).described("A deployment spec, the same fields as the YAML file; monitor and gate need prediction_log.")
    }
}
