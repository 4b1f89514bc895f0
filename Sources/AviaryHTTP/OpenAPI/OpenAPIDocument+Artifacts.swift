/// MLflow's artifact proxy (`ArtifactController`) and Aviary's own API under `/api/aviary/v1`.
extension OpenAPIDocument {
    /// The artifact operations under `prefix`'s `mlflow-artifacts` mount.
    static func artifactOperations(_ prefix: MLflowPrefix) -> [OpenAPIOperation] {
        let mount = "/\(prefix.artifacts)/artifacts"
        let tag = prefix.tag("MLflow artifacts")
        // Hummingbird's `**`: one or more segments. A client may send '/' as is or as %2F;
        // the path is percent-decoded once.
        let path = OpenAPIParameter.path(
            "artifact_path", "The artifact's path under the artifact root, e.g. 1/RUN/artifacts/model/MLmodel; may hold '/'. Percent-decoded once; '..', '.', empty segments, backslashes and double encoding are refused."
        )
        let refused = OpenAPIResponse.mlflowError("INVALID_PARAMETER_VALUE: the path is not a plain relative path (or passes through a symbolic link).")
        let failed = OpenAPIResponse.mlflowError("INTERNAL_ERROR: the artifact store failed.")
        return [
            OpenAPIOperation(
                .get, mount, id: prefix.operationID("listArtifacts"), summary: "List a directory of artifacts", tag: tag,
                parameters: [.query("path", .string, "The directory, relative to the artifact root; the root when left out.")],
                responses: [
                    200: .json("The directory's entries; exactly {} when it is empty or does not exist.", .object(["files": .array(.ref("FileInfo"))])),
                    400: refused, 500: failed,
                ]
            ),
            OpenAPIOperation(
                .get, "\(mount)/{artifact_path}", id: prefix.operationID("downloadArtifact"), summary: "Download an artifact", tag: tag,
                parameters: [path],
                responses: [
                    200: OpenAPIResponse("The file's bytes, streamed.", content: ["application/octet-stream": .binary]),
                    400: refused,
                    404: .mlflowError("RESOURCE_DOES_NOT_EXIST: no file at that path."),
                    500: failed,
                ]
            ),
            OpenAPIOperation(
                .put, "\(mount)/{artifact_path}", id: prefix.operationID("uploadArtifact"), summary: "Upload an artifact",
                description: "The body is stored as is, whatever its Content-Type, streamed to disk and renamed into place once complete; an existing file is replaced.",
                tag: tag, parameters: [path],
                body: OpenAPIRequestBody(content: ["application/octet-stream": .binary, "*/*": .binary], required: false, description: "The file's bytes."),
                responses: [
                    200: .json("Stored.", .ref("Empty")),
                    400: .mlflowError("INVALID_PARAMETER_VALUE: the path is refused, or names a directory."),
                    413: .mlflowError("BAD_REQUEST: larger than the server's --max-artifact-size; nothing is stored."),
                    500: failed,
                ]
            ),
            OpenAPIOperation(
                .delete, "\(mount)/{artifact_path}", id: prefix.operationID("deleteArtifact"), summary: "Delete an artifact or a directory of them",
                tag: tag, parameters: [path],
                responses: [200: .json("Deleted, or there was nothing to delete.", .ref("Empty")), 400: refused, 500: failed]
            ),
        ]
    }

    /// Aviary's lineage API, `LineageController` at `/api/aviary/v1`.
    static let lineageOperations: [OpenAPIOperation] = [
        OpenAPIOperation(
            .get, "/api/aviary/v1/models/{name}/versions/{version}/lineage", id: "getModelVersionLineage",
            summary: "Trace a model version back to its run, code and data", tag: aviaryTag,
            parameters: [
                .path("name", "The registered model's name (percent-decoded once)."),
                .path("version", "The version number (percent-decoded once).", schema: .versionNumber),
            ],
            responses: [
                200: .json("The version's lineage.", .ref("Lineage")),
                400: .mlflowError("INVALID_PARAMETER_VALUE: a path parameter is badly percent-encoded."),
                // As the server answers today: a version whose logged model or run is gone is a 404 too.
                404: .mlflowError("RESOURCE_DOES_NOT_EXIST: no such model or version. A logged model or run the version names that no longer exists is left out of the answer."),
                500: .mlflowError("INTERNAL_ERROR: the store failed."),
            ]
        ),
    ]

    /// This document, `OpenAPIController`.
    static let openAPIOperations: [OpenAPIOperation] = [
        OpenAPIOperation(
            .get, "/" + documentPath, id: "getOpenAPIDocument",
            summary: "This server's OpenAPI 3.1 document", description: "Every route this server serves, with what each takes and answers.",
            tag: aviaryTag,
            responses: [
                200: .json("The document.", .object(
                    ["openapi": .string, "info": .object(["title": .string, "version": .string], required: ["title", "version"]), "paths": .map(.emptyObject)],
                    required: ["openapi", "info", "paths"]
                )),
            ]
        ),
    ]

    static let aviaryTag = "Aviary"
}
