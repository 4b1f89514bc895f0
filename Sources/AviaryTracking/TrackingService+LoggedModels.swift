import AviaryCore

extension TrackingService {
    /// Default and largest `max_results` of `logged-models/search`.
    public static let loggedModelResults = (default: 100, limit: 1000)

    /// Creates a pending logged model with an id like MLflow's (`m-` and 32 hex characters).
    public func createLoggedModel(
        experimentID: String, name: String?, modelType: String?, sourceRunID: String?, tags: [Tag], params: [Tag]
    ) async throws -> LoggedModel {
        try Self.validateTags(tags, field: "tags")
        for param in params { try Validation.validateKey(param.key, kind: "param", field: "params.key") }
        return try await store.createLoggedModel(NewLoggedModel(
            id: "m-" + Identifiers.newRunID(), experimentID: experimentID,
            name: name.nonEmpty ?? RunNameGenerator.generate(),
            modelType: modelType ?? "", sourceRunID: sourceRunID ?? "", tags: Self.truncated(tags), params: params,
            now: Clock.nowMillis()
        ))
    }

    /// The logged model with its tags, params and metrics; RESOURCE_DOES_NOT_EXIST if none.
    public func loggedModel(id: String) async throws -> LoggedModel {
        try await store.loggedModel(id: id)
    }

    /// Sets the upload status (`log_model` finalizes to READY once the files are stored).
    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        try await store.finalizeLoggedModel(id: id, status: status, now: Clock.nowMillis())
    }

    /// Sets (or replaces) tags on a logged model.
    public func setLoggedModelTags(id: String, _ tags: [Tag]) async throws {
        try Self.validateTags(tags, field: "tags")
        try await store.setLoggedModelTags(id: id, Self.truncated(tags), now: Clock.nowMillis())
    }

    /// Removes a tag; RESOURCE_DOES_NOT_EXIST if the model has no such tag.
    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await store.deleteLoggedModelTag(id: id, key: key)
    }

    /// Adds params to a logged model (the client sends those past the first 100 this way).
    public func logLoggedModelParams(id: String, _ params: [Tag]) async throws {
        for param in params { try Validation.validateKey(param.key, kind: "param", field: "params.key") }
        try await store.logLoggedModelParams(id: id, params)
    }

    /// Deletes a logged model with its tags and params.
    public func deleteLoggedModel(id: String) async throws {
        try await store.deleteLoggedModel(id: id)
    }

    /// Records that a run produced these logged models, at these steps.
    public func logOutputs(runID: String, _ outputs: [ModelOutput]) async throws {
        try await store.logOutputs(runID: runID, outputs)
    }

    /// Searches logged models with `=` filters joined by AND on `name`, `model_id`,
    /// `source_run_id`, `status`, `tags.<key>` and `params.<key>` — what `log_model`, the
    /// `runs:/` artifact repository and the registry ask. Other comparisons (metrics, ranges)
    /// are refused with INVALID_PARAMETER_VALUE rather than answered wrongly.
    public func searchLoggedModels(experimentIDs: [String], filter: String?, maxResults: Int64?, pageToken: String?) async throws -> Page<LoggedModel> {
        let source = filter ?? ""
        let equalities = try FilterParser.parseFilter(source).map { raw -> (field: String, value: String) in
            guard raw.op == .equal, case .string(let value) = raw.value else {
                throw AviaryError.invalid("Unsupported logged-model filter '\(source)': only field = 'value' comparisons joined by AND are supported")
            }
            switch raw.entity?.lowercased() {
            case nil, "attribute", "attributes":
                guard ["name", "model_id", "source_run_id", "status"].contains(raw.key) else {
                    throw AviaryError.invalid("Invalid attribute '\(raw.key)' in logged-model filter '\(source)': use name, model_id, source_run_id or status")
                }
                return (raw.key, value)
            case "tag", "tags": return ("tags.\(raw.key)", value)
            case "param", "params": return ("params.\(raw.key)", value)
            default:
                throw AviaryError.invalid("Unsupported identifier '\(raw.entity ?? "").\(raw.key)' in logged-model filter '\(source)'")
            }
        }
        let limits = Self.loggedModelResults
        return try await store.searchLoggedModels(LoggedModelQuery(
            experimentIDs: experimentIDs, equalities: equalities,
            maxResults: try Validation.validateMaxResults(maxResults ?? Int64(limits.default), limit: limits.limit),
            page: try PageToken(decoding: pageToken)
        ))
    }
}
