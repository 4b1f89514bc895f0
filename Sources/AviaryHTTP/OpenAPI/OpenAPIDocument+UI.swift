/// The server-rendered web UI (`UIController`): HTML pages whose errors are HTML pages too.
extension OpenAPIDocument {
    private static let uiTag = "Web UI"
    private static let html = OpenAPISchema.string.with("contentMediaType", "text/html")

    /// A page: 200, and the error pages a lookup or a refused input gives.
    private static func page(
        _ path: String, id: String, _ summary: String, parameters: [OpenAPIParameter] = [], canMiss: Bool = true, refuses: Bool = false
    ) -> OpenAPIOperation {
        var responses: [Int: OpenAPIResponse] = [
            200: OpenAPIResponse("The page.", content: ["text/html": html]),
            500: OpenAPIResponse("An error page; nothing internal is shown.", content: ["text/html": html]),
        ]
        if canMiss { responses[404] = OpenAPIResponse("A Not found page.", content: ["text/html": html]) }
        if refuses { responses[400] = OpenAPIResponse("A page saying what was refused.", content: ["text/html": html]) }
        return OpenAPIOperation(.get, path, id: id, summary: summary, tag: uiTag, parameters: parameters, responses: responses)
    }

    private static func asset(_ path: String, id: String, _ summary: String, type: String) -> OpenAPIOperation {
        OpenAPIOperation(
            .get, path, id: id, summary: summary, tag: uiTag,
            responses: [200: OpenAPIResponse("The file, cacheable for an hour.", content: [type: .string])]
        )
    }

    private static let runID = OpenAPIParameter.path("id", "The run's id.")
    private static let modelName = OpenAPIParameter.path("name", "The registered model's name (percent-decoded once).")
    private static let artifactPath = OpenAPIParameter.query("path", .string, "Relative to the run's artifact root.")

    static let uiOperations: [OpenAPIOperation] = [
        page("/", id: "uiExperiments", "Experiments", parameters: [.query("q", .string, "Only names containing this, ignoring case.")], canMiss: false),
        page(
            "/experiments/{id}", id: "uiExperiment", "An experiment's runs",
            parameters: [
                .path("id", "The experiment's id."),
                .query("filter", .string, "runs/search grammar, e.g. metrics.acc > 0.9"),
                .query("order_by", .string, "e.g. metrics.acc DESC"),
                .query("columns", .array(.string), "Columns to show (metrics.x, params.y, tags.z); repeat or separate by commas."),
                .query("page_token", .string),
            ],
            refuses: true
        ),
        page("/runs/{id}", id: "uiRun", "A run: params, metric charts, artifacts", parameters: [runID, .query("x", .string, "time charts metrics by wall time, anything else by step.")], refuses: true),
        page("/runs/{id}/artifacts", id: "uiRunArtifacts", "A run's artifact directory or a file's preview", parameters: [runID, artifactPath], refuses: true),
        OpenAPIOperation(
            .get, "/runs/{id}/artifacts/raw", id: "uiRunArtifactRaw", summary: "A run's artifact file, raw",
            description: "Images are served as images; everything else as an attachment, so an uploaded page never runs in the UI's origin.",
            tag: uiTag, parameters: [runID, artifactPath],
            responses: [
                200: OpenAPIResponse("The file's bytes.", content: [
                    "application/octet-stream": .binary, "image/png": .binary, "image/jpeg": .binary, "image/gif": .binary, "image/webp": .binary,
                ]),
                400: OpenAPIResponse("A page saying the path was refused.", content: ["text/html": html]),
                404: OpenAPIResponse("A Not found page.", content: ["text/html": html]),
                500: OpenAPIResponse("An error page.", content: ["text/html": html]),
            ]
        ),
        page(
            "/compare", id: "uiCompare", "Runs side by side",
            parameters: [
                .query("runs", .array(.string), "1 to 50 run ids; repeat or separate by commas."),
                .query("x", .string, "The scatter's x axis: params.k or metrics.k."), .query("y", .string, "The scatter's y axis: metrics.k."),
            ],
            refuses: true
        ),
        page("/models", id: "uiModels", "Registered models", parameters: [.query("q", .string, "Only names containing this, ignoring case.")], canMiss: false),
        page("/models/{name}", id: "uiModel", "A registered model and its versions", parameters: [modelName], refuses: true),
        page(
            "/models/{name}/versions/{version}", id: "uiModelVersion", "A model version and its lineage",
            parameters: [modelName, .path("version", "The version number.", schema: .versionNumber)], refuses: true
        ),
        page("/deployments", id: "uiDeployments", "Deployments", canMiss: false),
        page("/deployments/{name}", id: "uiDeployment", "A deployment: variants and monitor charts", parameters: [.path("name", "The deployment's name.")]),
        asset("/static/aviary.css", id: "uiStylesheet", "The UI's stylesheet", type: "text/css"),
        asset("/static/aviary.js", id: "uiScript", "The UI's script", type: "text/javascript"),
    ]
}
