import AviaryDeployments
import Hummingbird

/// Champion–challenger deployments (`DeploymentController`) and their API
/// (`DeploymentAdminController`).
extension OpenAPIDocument {
    private static let deploymentTag = "Deployments"
    private static let adminTag = "Deployments API"
    private static let deployment = OpenAPIParameter.path("name", "The deployment's name.", schema: OpenAPISchema.string.with("minLength", 1))
    private static let unknown = OpenAPIResponse.mlflowError("RESOURCE_DOES_NOT_EXIST: this server hosts no deployment of that name (the message lists those it has).")
    private static let failed = OpenAPIResponse.mlflowError("INTERNAL_ERROR: the prediction log failed.")
    private static let noLog = "INVALID_PARAMETER_VALUE: the deployment keeps no prediction log"
    private static let since = OpenAPIParameter.query("since", .int64, "Milliseconds since 1970; only what came after. 0 when left out.")
    private static let answeredBy: KeyValuePairs<String, String> = [
        "X-Aviary-Variant": "The variant that answered.",
        "X-Aviary-Model-Version": "The registry version it serves; empty when none.",
        "X-Request-Id": "The request's id in the prediction log, for feedback.",
    ]
    private static let sticky = OpenAPIParameter.header("X-Aviary-Key", "Requests with the same value keep one variant (the spec's sticky_header names this header).")

    /// `DeploymentController`: scoring, feedback and the production loop's read-back.
    static let deploymentOperations: [OpenAPIOperation] = [
        OpenAPIOperation(
            .post, "/deployments/{name}/invocations", id: "deploymentInvocations", summary: "Score rows with a deployment",
            description: "MLflow's scoring protocol. The request goes to one serving variant by weight (or by the sticky header); shadows score it too, off the response path.",
            tag: deploymentTag, parameters: [deployment, sticky], body: scoringBody,
            responses: scoringErrors.merging([200: .json("The predictions, one per row.", .ref("Predictions"), headers: answeredBy), 404: unknown]) { _, new in new }
        ),
        OpenAPIOperation(
            .post, "/v2/models/{name}/infer", id: "deploymentInfer", summary: "Score tensors with a deployment (Open Inference Protocol)",
            description: "The deployment's name is the model name. Errors are the protocol's {\"error\": …}.",
            tag: deploymentTag, parameters: [deployment, sticky], body: .json(.ref("InferenceRequest")),
            responses: [
                200: .json("The predictions as one output tensor.", .ref("InferenceResponse"), headers: answeredBy),
                400: .json("The body is not a valid infer request for the model's signature.", .ref("OpenInferenceError")),
                404: .json("This server hosts no deployment of that name.", .ref("OpenInferenceError")),
                413: .json("The body is larger than the server's --max-request-size.", .ref("OpenInferenceError")),
                500: .mlflowError("INTERNAL_ERROR."),
            ]
        ),
        OpenAPIOperation(
            .get, "/deployments/{name}/predictions", id: "exportPredictions", summary: "Export the prediction log as CSV",
            tag: deploymentTag, parameters: [deployment, since],
            responses: [
                200: OpenAPIResponse(
                    "Columns request_id, variant, model_version, shadow, timestamp, latency_us, inputs ({\"columns\": …, \"data\": …} JSON) and outputs (a nested list).",
                    content: ["text/csv": .string]
                ),
                400: .mlflowError("\(noLog), or since is not an integer."), 404: unknown, 500: failed,
            ]
        ),
        OpenAPIOperation(
            .post, "/deployments/{name}/feedback", id: "recordFeedback", summary: "Record ground truth for answered requests",
            description: "All or nothing: an unknown request id refuses the whole call.", tag: deploymentTag, parameters: [deployment],
            body: .json(.object(
                [
                    "feedback": .array(.object(
                        [
                            "request_id": OpenAPISchema.string.with("minLength", 1).described("The X-Request-Id the prediction was answered with; once per call."),
                            "truth": OpenAPISchema.oneOf(.number, .array(.number, minItems: 1)).described("The true value, or one per row the request scored."),
                        ],
                        required: ["request_id", "truth"]
                    ), minItems: 1, maxItems: 100_000),
                ],
                required: ["feedback"]
            )),
            responses: [
                200: .json("Recorded.", .object(["recorded": .integer], required: ["recorded"])),
                400: .mlflowError("\(noLog), or an item is invalid, unknown or given twice, or the JSON is invalid."),
                404: unknown,
                413: .mlflowError("BAD_REQUEST: the body is larger than 64 MiB."),
                500: failed,
            ]
        ),
        OpenAPIOperation(
            .get, "/deployments/{name}/quality", id: "liveQuality", summary: "Live quality per variant",
            description: "Over each serving variant's newest labelled requests: accuracy, precision, recall, f1, roc_auc and log_loss for classification; mae, rmse and mape for regression.",
            tag: deploymentTag,
            parameters: [deployment, .query("window", OpenAPISchema.integer.with("minimum", 1), "Labelled requests per variant; the spec's monitor.live_window, else 1000.")],
            responses: [
                200: .json("Quality per variant.", .object(
                    ["deployment": .string, "task": .string, "window": .integer, "variants": .array(.ref("DeploymentVariantQuality"))],
                    required: ["deployment", "task", "window", "variants"]
                )),
                400: .mlflowError("\(noLog), or window is not a whole number above 0."), 404: unknown, 500: failed,
            ]
        ),
        OpenAPIOperation(
            .get, "/deployments/{name}/monitors", id: "monitorPasses", summary: "The monitor passes, oldest first",
            tag: deploymentTag, parameters: [deployment, since],
            responses: [
                200: .json("Drift, data quality and live quality of each pass.", .object(
                    ["deployment": .string, "passes": .array(.ref("MonitorPass"))], required: ["deployment", "passes"]
                )),
                400: .mlflowError("\(noLog), or since is not an integer."), 404: unknown, 500: failed,
            ]
        ),
        OpenAPIOperation(
            .get, "/deployments/{name}/gate", id: "promotionGate", summary: "Whether a challenger may replace the champion",
            description: "A significance test on the two variants' live metric over their shared window, with the data-quality suite on the challenger's inputs.",
            tag: deploymentTag,
            parameters: [
                deployment,
                .query("challenger", .string, "A serving variant, or the alias one follows; challenger when left out."),
                .query("champion", .string, "A serving variant, or the alias one follows; champion when left out."),
                .query("metric", .string, "A live metric of the task; the spec's gate.metric, else accuracy or mae."),
            ],
            responses: [
                200: .json("The decision and why.", .ref("GateDecision")),
                400: .mlflowError("\(noLog), or a side is not a serving variant, both sides are one variant, or the metric is not a live metric of the task."),
                404: unknown, 500: failed,
            ]
        ),
    ]

    /// `DeploymentAdminController` at `/api/2.0/aviary/deployments`.
    static var deploymentAdminOperations: [OpenAPIOperation] {
        let root = "/" + DeploymentAdminController<BasicRequestContext>.path
        let found = OpenAPIResponse.mlflowError("RESOURCE_DOES_NOT_EXIST: no deployment of that name.")
        return [
            OpenAPIOperation(
                .get, root, id: "listDeployments", summary: "List the deployments", tag: adminTag,
                responses: [200: .json("Every deployment, by name.", .object(["deployments": .array(.ref("Deployment"))], required: ["deployments"]))]
            ),
            OpenAPIOperation(
                .get, "\(root)/{name}", id: "getDeployment", summary: "Get a deployment", tag: adminTag, parameters: [deployment],
                responses: [200: .json("The deployment.", .object(["deployment": .ref("Deployment")], required: ["deployment"])), 404: found]
            ),
            OpenAPIOperation(
                .put, "\(root)/{name}", id: "putDeployment", summary: "Create or replace a deployment",
                description: "Every variant's model is loaded before the swap; if one fails, nothing changes and the old configuration keeps serving. Through the API, alerts.command is refused and prediction_log.path, monitor.reference and monitor.quality_suite must be plain relative paths. aviary serve --deployment keeps no specs and refuses every PUT.",
                tag: adminTag, parameters: [deployment],
                body: OpenAPIRequestBody(
                    content: ["application/json": .ref("DeploymentSpec"), "application/yaml": OpenAPISchema.string.described("The spec as YAML, as in a spec file.")],
                    required: true, description: "The spec, YAML or JSON, whatever the Content-Type."
                ),
                responses: [
                    200: .json("Serving.", .object(["deployment": .ref("Deployment")], required: ["deployment"])),
                    400: .mlflowError("INVALID_PARAMETER_VALUE: the spec does not parse, breaks a rule (naming the field), is named other than the path, or a model does not load."),
                    404: found,
                    413: .mlflowError("BAD_REQUEST: the spec is larger than 1 MiB."),
                    500: .mlflowError("INTERNAL_ERROR: the spec could not be stored."),
                ]
            ),
            OpenAPIOperation(
                .delete, "\(root)/{name}", id: "deleteDeployment", summary: "Stop serving a deployment and forget its spec", tag: adminTag,
                parameters: [deployment],
                responses: [200: .json("Removed.", .ref("Empty")), 404: found, 500: .mlflowError("INTERNAL_ERROR: the spec could not be removed.")]
            ),
        ]
    }
}
