import AviaryModels

/// Health, `/metrics`, MLflow's scoring protocol (`ScoringController`) and the Open Inference
/// Protocol (`InferenceController`).
extension OpenAPIDocument {
    private static let healthTag = "Health"
    private static let scoringTag = "Scoring"
    private static let inferenceTag = "Open Inference Protocol"
    private static let version = OpenAPIResponse("The server's version, e.g. 0.1.0.", content: ["text/plain": .string])

    /// `HealthController` of `aviary server`.
    static let serverHealthOperations: [OpenAPIOperation] = [
        OpenAPIOperation(
            .get, "/health", id: "getHealth", summary: "Liveness, as mlflow server answers it", tag: healthTag,
            responses: [200: OpenAPIResponse("The body OK.", content: ["text/plain": .string])]
        ),
        OpenAPIOperation(.get, "/version", id: "getVersion", summary: "The server's version", tag: healthTag, responses: [200: version]),
    ]

    /// `GET /ping` and `GET /health` answering 200 with an empty body and no Content-Type, as
    /// `mlflow models serve` does.
    static let probeOperations: [OpenAPIOperation] = [
        OpenAPIOperation(.get, "/ping", id: "ping", summary: "Liveness", tag: healthTag, responses: [200: OpenAPIResponse("Alive; the body is empty.")]),
        OpenAPIOperation(.get, "/health", id: "getHealth", summary: "Liveness", tag: healthTag, responses: [200: OpenAPIResponse("Alive; the body is empty.")]),
    ]

    /// `MetricsController`.
    static let metricsOperations: [OpenAPIOperation] = [
        OpenAPIOperation(
            .get, "/metrics", id: "getMetrics", summary: "Prometheus metrics",
            description: "Requests, latency, rows scored, prediction distributions and monitor results in the Prometheus text exposition format 0.0.4.",
            tag: healthTag,
            responses: [200: OpenAPIResponse("The exposition.", content: ["text/plain; version=0.0.4": .string])]
        ),
    ]

    /// The errors of a scoring request in MLflow's protocol.
    static let scoringErrors: [Int: OpenAPIResponse] = [
        400: .mlflowError("BAD_REQUEST: invalid JSON or CSV, not exactly one input format, a missing or unknown column, a value of the wrong type, or a Content-Type other than JSON or CSV."),
        413: .mlflowError("BAD_REQUEST: the body is larger than the server's --max-request-size."),
        500: .mlflowError("INTERNAL_ERROR."),
    ]

    /// The body of a scoring request in MLflow's protocol: JSON (also when no Content-Type is
    /// sent) or CSV with a header row.
    static let scoringBody = OpenAPIRequestBody(
        content: ["application/json": .ref("ScoringRequest"), "text/csv": OpenAPISchema.string.described("A header row of column names, then one line per row.")],
        required: true
    )

    /// One row of zeros in `inputs`' columns: a request the model accepts.
    static func scoringExample(_ inputs: InputSchema) -> OpenAPIJSON {
        let row = OpenAPIJSON.array(inputs.columns.map { _ in .integer(0) })
        var split: [String: OpenAPIJSON] = ["data": [row]]
        if inputs.isNamed { split["columns"] = .array(inputs.columns.map { .string($0.name) }) }
        return ["dataframe_split": .object(split)]
    }

    /// The same row as one Open Inference tensor of shape [1, features].
    static func inferenceExample(_ inputs: InputSchema) -> OpenAPIJSON {
        [
            "inputs": [[
                "name": "input", "shape": [1, .integer(inputs.width)], "datatype": "FP64",
                "data": .array(inputs.columns.map { _ in .integer(0) }),
            ]],
        ]
    }

    /// `ScoringController` of `aviary serve MODEL`, for a model taking `inputs`.
    static func scoringOperations(_ inputs: InputSchema) -> [OpenAPIOperation] { probeOperations + [
        OpenAPIOperation(.get, "/version", id: "getVersion", summary: "The server's version", tag: healthTag, responses: [200: version]),
        OpenAPIOperation(
            .post, "/invocations", id: "invocations", summary: "Score rows with the served model",
            description: "MLflow's scoring protocol, as mlflow models serve speaks it.", tag: scoringTag,
            body: scoringBody.example(scoringExample(inputs), for: "application/json"),
            responses: scoringErrors.merging([200: .json("The predictions, one per row.", .ref("Predictions"))]) { _, new in new }
        ),
    ] }

    private static let inferenceErrors: [Int: OpenAPIResponse] = [
        404: .json("No model of that name: this server serves one model.", .ref("OpenInferenceError")),
        500: .mlflowError("INTERNAL_ERROR."),
    ]

    /// `InferenceController` of `aviary serve MODEL`, under `/v2`, for the model `name` taking `inputs`.
    static func inferenceOperations(name: String, inputs: InputSchema) -> [OpenAPIOperation] {
        let modelName = OpenAPIParameter.path("name", "The served model's name, \(name); any other is a 404.").example(.string(name))
        return [
        OpenAPIOperation(
            .get, "/v2", id: "serverMetadata", summary: "Server metadata", tag: inferenceTag,
            responses: [200: .json("The server's name, version and extensions.", .object(
                ["name": .string, "version": .string, "extensions": .array(.string)], required: ["name", "version", "extensions"]
            ))]
        ),
        OpenAPIOperation(
            .get, "/v2/health/live", id: "serverLive", summary: "Server liveness", tag: inferenceTag,
            responses: [200: .json("Alive.", .object(["live": .boolean], required: ["live"]))]
        ),
        OpenAPIOperation(
            .get, "/v2/health/ready", id: "serverReady", summary: "Server readiness", tag: inferenceTag,
            responses: [200: .json("Ready.", .object(["ready": .boolean], required: ["ready"]))]
        ),
        OpenAPIOperation(
            .get, "/v2/models/{name}", id: "modelMetadata", summary: "Model metadata: inputs, outputs, versions", tag: inferenceTag,
            parameters: [modelName],
            responses: inferenceErrors.merging([200: .json("The model's metadata.", .object(
                [
                    "name": .string, "platform": .string, "versions": .array(.string),
                    "inputs": .array(.ref("TensorMetadata")), "outputs": .array(.ref("TensorMetadata")),
                ],
                required: ["name", "platform", "inputs", "outputs"]
            ))]) { _, new in new }
        ),
        OpenAPIOperation(
            .get, "/v2/models/{name}/ready", id: "modelReady", summary: "Model readiness", tag: inferenceTag, parameters: [modelName],
            responses: inferenceErrors.merging([200: .json("Ready.", .object(["name": .string, "ready": .boolean], required: ["name", "ready"]))]) { _, new in new }
        ),
        OpenAPIOperation(
            .post, "/v2/models/{name}/infer", id: "modelInfer", summary: "Score tensors with the served model", tag: inferenceTag,
            parameters: [modelName], body: OpenAPIRequestBody.json(.ref("InferenceRequest")).example(inferenceExample(inputs), for: "application/json"),
            responses: inferenceErrors.merging([
                200: .json("The predictions as one output tensor.", .ref("InferenceResponse")),
                400: .json("The body is not a valid infer request for the model's signature.", .ref("OpenInferenceError")),
                413: .json("The body is larger than the server's --max-request-size.", .ref("OpenInferenceError")),
            ]) { _, new in new }
        ),
        ]
    }
}
