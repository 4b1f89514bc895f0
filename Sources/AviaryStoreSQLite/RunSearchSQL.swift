import AviaryTracking
import GRDB

/// Compiles a checked run search into one SQL statement that returns the page's run ids.
///
/// A metric, param or tag comparison becomes an inner JOIN on that table's `(run_uuid, key)`
/// primary key, which matches at most one row per run. Written as joins, SQLite's planner may
/// start from whichever `(key, value)` index is most selective (it knows from `ANALYZE`, see
/// `AviaryDatabase.refreshStatistics`) and reach the other filters by primary-key lookups,
/// instead of scanning every run of the experiment. Nothing is filtered in memory.
struct RunSearchSQL {
    private(set) var sql = ""
    private(set) var arguments = StatementArguments()

    private typealias Value = (any DatabaseValueConvertible)?

    init(query: RunQuery) {
        var joins: [String] = []
        var joinArguments: [Value] = []
        var conditions: [String] = []
        var conditionArguments: [Value] = []

        let experimentIDs = query.experimentIDs.compactMap { Int64($0) }
        conditions.append("r.experiment_id IN (\(Self.placeholders(experimentIDs.count)))")
        conditionArguments += experimentIDs.map { $0 }
        let stages = query.viewType.stages.map(\.rawValue)
        conditions.append("r.lifecycle_stage IN (\(Self.placeholders(stages.count)))")
        conditionArguments += stages.map { $0 }

        for (index, comparison) in query.filter.enumerated() {
            let alias = "f\(index)"
            switch comparison.key {
            case .metric(let key):
                let (predicate, values) = SQLComparison.render(column: "\(alias).value", comparison.op, comparison.value)
                // NaN is stored as 0 with is_nan set. As in IEEE arithmetic (and mlflow server) it
                // fails every comparison except "!=", which it always satisfies.
                let nanRule = comparison.op == .notEqual ? "(\(predicate) OR \(alias).is_nan = 1)" : "\(predicate) AND \(alias).is_nan = 0"
                joins.append("JOIN latest_metrics \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ? AND \(nanRule)")
                joinArguments += [key] + values
            case .param(let key), .tag(let key):
                let table = if case .param = comparison.key { "params" } else { "tags" }
                switch comparison.op {
                case .isNull:
                    conditions.append("NOT EXISTS (SELECT 1 FROM \(table) \(alias) WHERE \(alias).run_uuid = r.run_uuid AND \(alias).key = ?)")
                    conditionArguments.append(key)
                case .isNotNull:
                    joins.append("JOIN \(table) \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ?")
                    joinArguments.append(key)
                default:
                    let (predicate, values) = SQLComparison.render(column: "\(alias).value", comparison.op, comparison.value)
                    joins.append("JOIN \(table) \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ? AND \(predicate)")
                    joinArguments += [key] + values
                }
            case .attribute(let attribute):
                let (predicate, values) = SQLComparison.render(column: Self.column(for: attribute), comparison.op, comparison.value)
                conditions.append(predicate)
                conditionArguments += values
            case .dataset(let attribute):
                // A run may have several inputs, so datasets stay a subquery rather than a join.
                let (condition, values) = Self.datasetCondition(attribute, comparison)
                conditions.append(condition)
                conditionArguments += values
            }
        }

        var orderTerms: [String] = []
        var ordersByStartTime = false
        for (index, order) in query.orderBy.enumerated() {
            let direction = order.ascending ? "ASC" : "DESC"
            let alias = "o\(index)"
            switch order.key {
            case .metric(let key):
                joins.append("LEFT JOIN latest_metrics \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ?")
                joinArguments.append(key)
                // Numbers first, then NaN, then runs without the metric — whatever the direction.
                orderTerms.append("CASE WHEN \(alias).is_nan = 1 THEN 1 WHEN \(alias).value IS NULL THEN 2 ELSE 0 END")
                orderTerms.append("\(alias).value \(direction)")
            case .param(let key), .tag(let key):
                let table = if case .param = order.key { "params" } else { "tags" }
                joins.append("LEFT JOIN \(table) \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ?")
                joinArguments.append(key)
                orderTerms.append("\(alias).value IS NULL")
                orderTerms.append("\(alias).value \(direction)")
            case .attribute(let attribute):
                let column = Self.column(for: attribute)
                if attribute == .startTime { ordersByStartTime = true }
                orderTerms.append("\(column) IS NULL")
                orderTerms.append("\(column) \(direction)")
            case .dataset:
                break  // rejected by RunFilter.parseOrder
            }
        }
        if !ordersByStartTime { orderTerms.append("r.start_time DESC") }
        orderTerms.append("r.run_uuid ASC")

        sql = """
            SELECT r.run_uuid FROM runs r \(joins.joined(separator: " "))
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT ? OFFSET ?
            """
        arguments = StatementArguments(joinArguments + conditionArguments + [query.maxResults + 1, query.page.offset])
    }

    static func placeholders(_ count: Int) -> String {
        count == 0 ? "NULL" : Array(repeating: "?", count: count).joined(separator: ",")
    }

    static func column(for attribute: RunAttribute) -> String {
        switch attribute {
        case .runID: "r.run_uuid"
        case .runName: "r.name"
        case .status: "r.status"
        case .userID: "r.user_id"
        case .artifactURI: "r.artifact_uri"
        case .startTime: "r.start_time"
        case .endTime: "r.end_time"
        }
    }

    private static func datasetCondition(_ attribute: DatasetAttribute, _ comparison: RunComparison) -> (String, [Value]) {
        switch attribute {
        case .name, .digest:
            let (predicate, values) = SQLComparison.render(column: "d.\(attribute.rawValue)", comparison.op, comparison.value)
            return (
                "r.run_uuid IN (SELECT i.run_uuid FROM run_inputs i JOIN datasets d ON d.dataset_id = i.dataset_id WHERE \(predicate))",
                values
            )
        case .context:
            let (predicate, values) = SQLComparison.render(column: "t.value", comparison.op, comparison.value)
            return ("r.run_uuid IN (SELECT t.run_uuid FROM input_tags t WHERE t.key = 'mlflow.data.context' AND \(predicate))", values)
        }
    }
}
