import AviaryTracking
import GRDB

/// Compiles a checked experiment search into one SQL statement over `experiments`.
struct ExperimentSearchSQL {
    private(set) var sql = ""
    private(set) var arguments = StatementArguments()

    init(query: ExperimentQuery) {
        var conditions: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        let stages = query.viewType.stages.map(\.rawValue)
        conditions.append("e.lifecycle_stage IN (\(RunSearchSQL.placeholders(stages.count)))")
        values += stages.map { $0 }

        for comparison in query.filter {
            switch comparison.key {
            case .tag(let key):
                let (predicate, bound) = SQLComparison.render(column: "value", comparison.op, comparison.value)
                conditions.append("e.experiment_id IN (SELECT experiment_id FROM experiment_tags WHERE key = ? AND \(predicate))")
                values.append(key)
                values += bound
            default:
                let (predicate, bound) = SQLComparison.render(column: Self.column(for: comparison.key), comparison.op, comparison.value)
                conditions.append(predicate)
                values += bound
            }
        }

        var orderTerms: [String] = []
        for order in query.orderBy {
            orderTerms.append("\(Self.column(for: order.key)) \(order.ascending ? "ASC" : "DESC")")
        }
        if !query.orderBy.contains(where: { $0.key == .creationTime }) { orderTerms.append("e.creation_time DESC") }
        orderTerms.append("e.experiment_id ASC")

        sql = """
            SELECT e.* FROM experiments e WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", ")) LIMIT ? OFFSET ?
            """
        arguments = StatementArguments(values + [query.maxResults + 1, query.page.offset])
    }

    static func column(for key: ExperimentSearchKey) -> String {
        switch key {
        case .name: "e.name"
        case .experimentID: "CAST(e.experiment_id AS TEXT)"
        case .creationTime: "e.creation_time"
        case .lastUpdateTime: "e.last_update_time"
        case .tag: "NULL"
        }
    }
}
