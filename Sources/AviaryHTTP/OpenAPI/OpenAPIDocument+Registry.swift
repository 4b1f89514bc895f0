import AviaryRegistry

/// MLflow's model registry API (`RegistryController`). Its DELETE calls read a JSON body, as
/// MLflow's do.
extension OpenAPIDocument {
    private static let name = MLflowField.rule("name", .modelName, required: true, "The registered model's name.")
    private static let version = MLflowField.rule("version", .versionNumber, required: true, "The version number, as a string.")
    private static let key = MLflowField.rule("key", .key, required: true)
    private static let alias = MLflowField.rule("alias", .alias, required: true)
    private static let registeredModel = OpenAPISchema.object(["registered_model": .ref("RegisteredModel")], required: ["registered_model"])
    private static let modelVersion = OpenAPISchema.object(["model_version": .ref("ModelVersion")], required: ["model_version"])
    private static func search(limit: Int) -> [MLflowField] {
        [
            .string("filter", "e.g. name LIKE 'churn%'"), .maxResults(limit), .strings("order_by"),
            .string("page_token", "The next_page_token of the previous page."),
        ]
    }

    static let registryCalls: [MLflowCall] = [
        MLflowCall(
            .post, "registered-models/create", id: "createRegisteredModel", "Create a registered model",
            fields: [name, .list("tags", of: "TagInput"), .string("description")], reply: registeredModel, canMiss: false
        ),
        MLflowCall(.get, "registered-models/get", id: "getRegisteredModel", "Get a registered model", fields: [name], reply: registeredModel),
        MLflowCall(
            .post, "registered-models/rename", id: "renameRegisteredModel", "Rename a registered model",
            fields: [name, .rule("new_name", .modelName, required: true)], reply: registeredModel
        ),
        MLflowCall(
            .patch, "registered-models/update", id: "updateRegisteredModel", "Set a registered model's description",
            fields: [name, .string("description")], reply: registeredModel
        ),
        MLflowCall(.delete, "registered-models/delete", id: "deleteRegisteredModel", "Delete a registered model and its versions", fields: [name]),
        MLflowCall(
            .get, "registered-models/search", id: "searchRegisteredModels", "Search registered models",
            fields: search(limit: RegistryService.registeredModelResults.limit),
            reply: .object(["registered_models": .array(.ref("RegisteredModel")), "next_page_token": .string], required: ["registered_models"]),
            canMiss: false
        ),
    ] + [OpenAPIOperation.Method.post, .get].map { method in
        MLflowCall(
            method, "registered-models/get-latest-versions", id: method == .post ? "getLatestVersions" : "getLatestVersionsGet",
            "Get the latest version in each stage", fields: [name, .rule("stages", .array(.stage), "Only these stages; every stage when left out.")],
            reply: .object(["model_versions": .array(.ref("ModelVersion"))], required: ["model_versions"])
        )
    } + [
        MLflowCall(
            .post, "registered-models/set-tag", id: "setRegisteredModelTag", "Set a tag on a registered model",
            fields: [name, key, .string("value")]
        ),
        MLflowCall(
            .delete, "registered-models/delete-tag", id: "deleteRegisteredModelTag", "Delete a tag of a registered model",
            fields: [name, key]
        ),
        MLflowCall(
            .post, "registered-models/alias", id: "setRegisteredModelAlias", "Point an alias at a version",
            fields: [name, alias, version]
        ),
        MLflowCall(
            .delete, "registered-models/alias", id: "deleteRegisteredModelAlias", "Delete an alias",
            fields: [name, alias]
        ),
        MLflowCall(
            .get, "registered-models/alias", id: "getModelVersionByAlias", "Get the version an alias points at",
            fields: [name, alias], reply: modelVersion
        ),
        MLflowCall(
            .post, "model-versions/create", id: "createModelVersion", "Register a new version",
            fields: [
                name, .rule("source", .modelSource, required: true, "Where the model's files are, e.g. models:/m-…, runs:/RUN/model or mlflow-artifacts:/…; a local path must be inside the artifact store."),
                .string("run_id"), .list("tags", of: "TagInput"), .string("run_link"), .string("description"), .string("model_id"),
            ],
            reply: modelVersion
        ),
        MLflowCall(.get, "model-versions/get", id: "getModelVersion", "Get a version", fields: [name, version], reply: modelVersion),
        MLflowCall(
            .patch, "model-versions/update", id: "updateModelVersion", "Set a version's description",
            fields: [name, version, .string("description")], reply: modelVersion
        ),
        MLflowCall(.delete, "model-versions/delete", id: "deleteModelVersion", "Delete a version", fields: [name, version]),
        MLflowCall(
            .get, "model-versions/search", id: "searchModelVersions", "Search versions",
            fields: search(limit: RegistryService.modelVersionResults.limit),
            reply: .object(["model_versions": .array(.ref("ModelVersion")), "next_page_token": .string], required: ["model_versions"]),
            canMiss: false
        ),
        MLflowCall(
            .post, "model-versions/transition-stage", id: "transitionModelVersionStage", "Move a version to a stage",
            fields: [name, version, .rule("stage", .stage, required: true, "Any letter case."), .bool("archive_existing_versions")],
            reply: modelVersion
        ),
        MLflowCall(
            .get, "model-versions/get-download-uri", id: "getModelVersionDownloadURI", "Get where a version's files can be downloaded",
            fields: [name, version], reply: .object(["artifact_uri": .string], required: ["artifact_uri"])
        ),
        MLflowCall(
            .post, "model-versions/set-tag", id: "setModelVersionTag", "Set a tag on a version",
            fields: [name, version, key, .string("value")]
        ),
        MLflowCall(
            .delete, "model-versions/delete-tag", id: "deleteModelVersionTag", "Delete a tag of a version",
            fields: [name, version, key]
        ),
    ]
}
