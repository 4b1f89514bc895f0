import Foundation
import AviaryCore

/// The tracking API as MLflow defines it, in front of any `TrackingStore`.
///
/// It checks input shape and MLflow's limits, fills in defaults (experiment "0", generated run
/// names and the `mlflow.runName` tag, timestamps), and leaves state-dependent rules to the store.
public struct TrackingService: Sendable {
    /// Largest number of metrics in one log-batch request.
    public static let maxBatchMetrics = 1000
    /// Largest number of params in one log-batch request.
    public static let maxBatchParams = 100
    /// Largest number of tags in one log-batch request.
    public static let maxBatchTags = 100
    /// Largest number of entries of all kinds in one log-batch request.
    public static let maxBatchEntries = 1000
    /// `max_results` of a search when the request leaves it out.
    public static let defaultMaxResults = 1000

    public let store: any TrackingStore

    public init(store: any TrackingStore) {
        self.store = store
    }

    // MARK: Experiments

    /// Creates an experiment and returns its id.
    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) async throws -> String {
        try Self.validateExperimentName(name)
        try Self.validateTags(tags, field: "tags")
        return try await store.createExperiment(
            name: name, artifactLocation: artifactLocation.nonEmpty,
            tags: Self.truncated(tags), now: Clock.nowMillis()
        )
    }

    /// The experiment with this id; RESOURCE_DOES_NOT_EXIST if none, INVALID_PARAMETER_VALUE if the id is not an integer.
    public func experiment(id: String) async throws -> Experiment {
        try await store.experiment(id: id)
    }

    /// The experiment with this name, active or deleted; RESOURCE_DOES_NOT_EXIST if none.
    public func experiment(named name: String) async throws -> Experiment {
        try await store.experiment(named: name)
    }

    /// Renames an active experiment; BAD_REQUEST if the new name is taken (as mlflow server).
    public func renameExperiment(id: String, to newName: String) async throws {
        try Self.validateExperimentName(newName, field: "new_name")
        try await store.renameExperiment(id: id, to: newName, now: Clock.nowMillis())
    }

    /// Soft-deletes an experiment and its runs. The default experiment cannot be deleted.
    public func deleteExperiment(id: String) async throws {
        if id == Experiment.defaultID {
            throw AviaryError.invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.")
        }
        try await store.setExperimentLifecycle(id: id, to: .deleted, now: Clock.nowMillis())
    }

    /// Restores a deleted experiment and its runs.
    public func restoreExperiment(id: String) async throws {
        try await store.setExperimentLifecycle(id: id, to: .active, now: Clock.nowMillis())
    }

    /// Sets (or replaces) a tag on an active experiment.
    public func setExperimentTag(id: String, _ tag: Tag) async throws {
        try Self.validateTags([tag], field: "key")
        try await store.setExperimentTag(id: id, Self.truncated([tag])[0])
    }

    /// Removes a tag; RESOURCE_DOES_NOT_EXIST if the experiment has no such tag.
    public func deleteExperimentTag(id: String, key: String) async throws {
        try await store.deleteExperimentTag(id: id, key: key)
    }

    /// Searches experiments with MLflow's filter and order_by grammar.
    public func searchExperiments(
        filter: String?, orderBy: [String], viewType: ViewType?, maxResults: Int64?, pageToken: String?
    ) async throws -> Page<Experiment> {
        let query = ExperimentQuery(
            filter: try ExperimentFilter.parse(filter ?? ""),
            orderBy: try ExperimentFilter.parseOrder(orderBy),
            viewType: viewType ?? .activeOnly,
            maxResults: try Validation.validateMaxResults(maxResults ?? Int64(Self.defaultMaxResults)),
            page: try PageToken(decoding: pageToken)
        )
        return try await store.searchExperiments(query)
    }

    // MARK: Runs

    /// Creates a run in `RUNNING` state, naming it as MLflow does.
    public func createRun(
        experimentID: String?, userID: String?, runName: String?, startTime: Int64?, tags: [Tag]
    ) async throws -> Run {
        try Self.validateTags(tags, field: "tags")
        var tags = tags
        let tagName = tags.last(where: { $0.key == RunInfo.runNameTag })?.value
        let requestedName = runName.nonEmpty
        if let requestedName, let tagName, requestedName != tagName {
            throw AviaryError.invalid(
                "Both 'run_name' argument and '\(RunInfo.runNameTag)' tag are specified, but with different values (run_name='\(requestedName)', \(RunInfo.runNameTag)='\(tagName)')."
            )
        }
        let name = requestedName ?? tagName ?? RunNameGenerator.generate()
        if tagName == nil { tags.append(Tag(key: RunInfo.runNameTag, value: name)) }
        tags = Self.truncated(tags)
        let experimentID = experimentID.nonEmpty ?? Experiment.defaultID
        return try await store.createRun(
            NewRun(
                id: Identifiers.newRunID(), experimentID: experimentID, userID: userID ?? "",
                name: name, startTime: startTime ?? Clock.nowMillis(), tags: Self.deduplicated(tags)
            )
        )
    }

    /// The run with its latest metrics, params, tags, dataset inputs and model outputs.
    public func run(id: String) async throws -> Run {
        try await store.run(id: id)
    }

    /// Sets status, end time and/or name of an active run; a new name is mirrored into `mlflow.runName`.
    public func updateRun(id: String, status: RunStatus?, endTime: Int64?, runName: String?) async throws -> RunInfo {
        try await store.updateRun(id: id, status: status, endTime: endTime, runName: runName.nonEmpty)
    }

    /// Soft-deletes a run; deleting a deleted run is a no-op.
    public func deleteRun(id: String) async throws {
        try await store.setRunLifecycle(id: id, to: .deleted, now: Clock.nowMillis())
    }

    /// Restores a deleted run; restoring an active run is a no-op.
    public func restoreRun(id: String) async throws {
        try await store.setRunLifecycle(id: id, to: .active, now: Clock.nowMillis())
    }

    /// Logs metrics, params and tags atomically after checking MLflow's batch limits.
    public func logBatch(runID: String, metrics: [Metric], params: [Tag], tags: [Tag]) async throws {
        if metrics.count > Self.maxBatchMetrics {
            throw AviaryError.invalid("A batch logging request can contain at most \(Self.maxBatchMetrics) metrics. Got \(metrics.count) metrics. Please split up metrics across multiple requests and try again.")
        }
        if params.count > Self.maxBatchParams {
            throw AviaryError.invalid("A batch logging request can contain at most \(Self.maxBatchParams) params. Got \(params.count) params. Please split up params across multiple requests and try again.")
        }
        if tags.count > Self.maxBatchTags {
            throw AviaryError.invalid("A batch logging request can contain at most \(Self.maxBatchTags) tags. Got \(tags.count) tags. Please split up tags across multiple requests and try again.")
        }
        let total = metrics.count + params.count + tags.count
        if total > Self.maxBatchEntries {
            throw AviaryError.invalid("A batch logging request can contain at most \(Self.maxBatchEntries) metrics, params and tags in total. Got \(total). Please split up the batch and try again.")
        }
        for (index, metric) in metrics.enumerated() {
            try Validation.validateKey(metric.key, kind: "metric", field: "metrics[\(index)].key")
            if metric.timestamp < 0 {
                throw AviaryError.invalid(
                    "Got invalid timestamp \(metric.timestamp) for metric '\(metric.key)': field 'metrics[\(index)].timestamp' must be a nonnegative long (64-bit integer)"
                )
            }
        }
        var seen = Set<String>()
        var duplicates: [String] = []
        for param in params {
            try Validation.validateKey(param.key, kind: "param", field: "params.key")
            if !seen.insert(param.key).inserted { duplicates.append(param.key) }
        }
        let params = params.map { Tag(key: $0.key, value: String($0.value.prefix(Validation.maxParamValueLength))) }
        if !duplicates.isEmpty {
            throw AviaryError.invalid("Duplicate parameter keys have been submitted: \(duplicates). Please ensure the request contains only one param value per param key.")
        }
        try Self.validateTags(tags, field: "tags")
        try await store.logBatch(runID: runID, metrics: metrics, params: params, tags: Self.deduplicated(Self.truncated(tags)))
    }

    /// Removes a run tag; RESOURCE_DOES_NOT_EXIST if the run has no such tag.
    public func deleteTag(runID: String, key: String) async throws {
        try await store.deleteTag(runID: runID, key: key)
    }

    /// Records datasets a run used.
    public func logInputs(runID: String, inputs: [DatasetInput]) async throws {
        for (index, input) in inputs.enumerated() {
            let field = "datasets[\(index)].dataset"
            if input.dataset.name.isEmpty { throw AviaryError.invalid("Field '\(field).name' must not be empty") }
            if input.dataset.digest.isEmpty { throw AviaryError.invalid("Field '\(field).digest' must not be empty") }
            try Validation.validateLength(input.dataset.name, max: 500, field: "\(field).name")
            try Validation.validateLength(input.dataset.digest, max: 36, field: "\(field).digest")
            try Validation.validateLength(input.dataset.source, max: 65535, field: "\(field).source")
        }
        try await store.logInputs(runID: runID, inputs: inputs)
    }

    /// One page of a metric's history; without `maxResults` the whole history.
    public func metricHistory(runID: String, key: String, maxResults: Int64?, pageToken: String?) async throws -> Page<Metric> {
        let limit = try maxResults.map { try Validation.validateMaxResults($0, limit: 1_000_000) }
        return try await store.metricHistory(runID: runID, key: key, page: try PageToken(decoding: pageToken), limit: limit)
    }

    /// A metric's history downsampled for a chart `columns` pixels wide (see `MetricDownsampler`).
    public func metricSeries(runID: String, key: String, axis: MetricAxis, columns: Int) async throws -> MetricSeries {
        try await store.metricSeries(runID: runID, key: key, axis: axis, columns: columns)
    }

    /// Searches runs of the given experiments with MLflow's filter and order_by grammar.
    public func searchRuns(
        experimentIDs: [String], filter: String?, orderBy: [String], viewType: ViewType?, maxResults: Int64?,
        pageToken: String?
    ) async throws -> Page<Run> {
        let query = RunQuery(
            experimentIDs: experimentIDs,
            filter: try RunFilter.parse(filter ?? ""),
            orderBy: try RunFilter.parseOrder(orderBy),
            viewType: viewType ?? .activeOnly,
            maxResults: try Validation.validateMaxResults(maxResults ?? Int64(Self.defaultMaxResults)),
            page: try PageToken(decoding: pageToken)
        )
        return try await store.searchRuns(query)
    }

    // MARK: Rules

    static func validateExperimentName(_ name: String, field: String = "name") throws {
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw AviaryError.invalid("Invalid experiment name: field '\(field)' must be a non-empty string")
        }
        try Validation.validateLength(name, max: 500, field: field)
    }

    static func validateTags(_ tags: [Tag], field: String) throws {
        for tag in tags {
            try Validation.validateKey(tag.key, kind: "tag", field: "\(field).key")
        }
    }

    /// Over-long tag values are cut to 8,000 characters rather than refused, as mlflow server
    /// does by default (`MLFLOW_TRUNCATE_LONG_VALUES`); params are cut to 6,000 the same way.
    static func truncated(_ tags: [Tag]) -> [Tag] {
        tags.map { $0.value.count > Validation.maxTagValueLength ? Tag(key: $0.key, value: String($0.value.prefix(Validation.maxTagValueLength))) : $0 }
    }

    /// Keeps the last value of each key: later tags in one request win, as in MLflow.
    static func deduplicated(_ tags: [Tag]) -> [Tag] {
        var position: [String: Int] = [:]
        var result: [Tag] = []
        for tag in tags {
            if let index = position[tag.key] {
                result[index] = tag
            } else {
                position[tag.key] = result.count
                result.append(tag)
            }
        }
        return result
    }
}
