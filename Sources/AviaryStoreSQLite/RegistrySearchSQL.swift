import AviaryRegistry
import GRDB

/// Compiles a checked registry search into one SQL statement returning the page's keys:
/// model names for `registered-models/search`, (name, version) for `model-versions/search`.
struct RegistrySearchSQL {
    private(set) var sql = ""
    private(set) var arguments = StatementArguments()

    private typealias Value = (any DatabaseValueConvertible)?

    /// MLflow's default order for registered models: by name.
    init(registeredModels query: RegistryQuery) {
        let (conditions, values) = Self.conditions(query.filter, alias: "m", tagTable: "registered_model_tags", tagJoin: "t.name = m.name")
        var order = query.orderBy.map { "\(Self.column($0.key, alias: "m")) \($0.ascending ? "ASC" : "DESC")" }
        if !query.orderBy.contains(where: { $0.key == .name }) { order.append("m.name ASC") }
        sql = """
            SELECT m.name FROM registered_models m WHERE \(conditions)
            ORDER BY \(order.joined(separator: ", ")) LIMIT ? OFFSET ?
            """
        arguments = StatementArguments(values + [query.maxResults + 1, query.page.offset])
    }

    /// MLflow's default order for versions: most recently updated first, then name, then newest version.
    init(modelVersions query: RegistryQuery) {
        let (conditions, values) = Self.conditions(
            query.filter, alias: "v", tagTable: "model_version_tags", tagJoin: "t.name = v.name AND t.version = v.version"
        )
        var order = query.orderBy.map { "\(Self.column($0.key, alias: "v")) \($0.ascending ? "ASC" : "DESC")" }
        if query.orderBy.isEmpty { order = ["v.last_updated_time DESC", "v.name ASC", "v.version DESC"] }
        if !query.orderBy.contains(where: { $0.key == .name }) { order.append("v.name ASC") }
        if !query.orderBy.contains(where: { $0.key == .versionNumber }) { order.append("v.version DESC") }
        sql = """
            SELECT v.name, v.version FROM model_versions v WHERE \(conditions)
            ORDER BY \(order.joined(separator: ", ")) LIMIT ? OFFSET ?
            """
        arguments = StatementArguments(values + [query.maxResults + 1, query.page.offset])
    }

    private static func conditions(
        _ filter: [RegistryComparison], alias: String, tagTable: String, tagJoin: String
    ) -> (String, [Value]) {
        var conditions = ["1"]
        var values: [Value] = []
        for comparison in filter {
            if case .tag(let key) = comparison.key, comparison.op == .notEqual {
                // In the registry, "tags.k != 'v'" also matches models without the tag: the
                // mlflow client relies on it to hide prompts (tags.`mlflow.prompt.is_prompt` != 'true').
                let (predicate, bound) = SQLComparison.render(column: "t.value", .equal, comparison.value)
                conditions.append("NOT EXISTS (SELECT 1 FROM \(tagTable) t WHERE \(tagJoin) AND t.key = ? AND \(predicate))")
                values += [key] + bound
            } else if case .tag(let key) = comparison.key {
                let (predicate, bound) = SQLComparison.render(column: "t.value", comparison.op, comparison.value)
                conditions.append("EXISTS (SELECT 1 FROM \(tagTable) t WHERE \(tagJoin) AND t.key = ? AND \(predicate))")
                values += [key] + bound
            } else {
                let (predicate, bound) = SQLComparison.render(column: column(comparison.key, alias: alias), comparison.op, comparison.value)
                conditions.append(predicate)
                values += bound
            }
        }
        return (conditions.joined(separator: " AND "), values)
    }

    private static func column(_ key: RegistrySearchKey, alias: String) -> String {
        switch key {
        case .name: "\(alias).name"
        case .versionNumber: "\(alias).version"
        case .runID: "\(alias).run_id"
        case .sourcePath: "\(alias).source"
        case .creationTimestamp: "\(alias).creation_time"
        case .lastUpdatedTimestamp: "\(alias).last_updated_time"
        case .tag: "NULL"
        }
    }
}
