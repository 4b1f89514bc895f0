import AviaryCore

/// Parses and checks `filter` and `order_by` of `runs/search` against MLflow's rules: metrics
/// and numeric attributes compare with numbers, everything else with quoted strings.
///
/// Which operator goes with which entity follows `mlflow.utils.search_utils.SearchUtils`:
/// metrics and time attributes take `= != < <= > >=`; params and tags `= != LIKE ILIKE IS NULL
/// IS NOT NULL`; text attributes and datasets `= != LIKE ILIKE IN NOT IN`.
public enum RunFilter {
    /// Parses a run filter string; the result is empty for an empty filter.
    public static func parse(_ filter: String) throws -> [RunComparison] {
        try FilterParser.parseFilter(filter).map { raw in
            let key = try RunSearchKey.resolve(entity: raw.entity, key: raw.key, source: filter)
            try check(raw, key: key, filter: filter)
            return RunComparison(key: key, op: raw.op, value: raw.value)
        }
    }

    /// Parses `order_by` terms such as `metrics.acc DESC` or `attributes.start_time`.
    public static func parseOrder(_ terms: [String]) throws -> [RunOrder] {
        let orders = try terms.map { term in
            let raw = try FilterParser.parseOrderTerm(term)
            let key = try RunSearchKey.resolve(entity: raw.entity, key: raw.key, source: term)
            if case .dataset = key {
                throw AviaryError.invalid("Invalid order_by clause '\(term)': datasets cannot be ordered by")
            }
            return RunOrder(key: key, ascending: raw.ascending)
        }
        try FilterParser.rejectDuplicates(orders.map(\.key), terms)
        return orders
    }

    private static func check(_ raw: RawComparison, key: RunSearchKey, filter: String) throws {
        let numeric: Bool
        let allowed: Set<ComparisonOperator>
        let name: String
        switch key {
        case .metric(let key):
            numeric = true
            allowed = ComparisonOperator.numeric
            name = "metric '\(key)'"
        case .param(let key):
            numeric = false
            allowed = ComparisonOperator.keyValue
            name = "param '\(key)'"
        case .tag(let key):
            numeric = false
            allowed = ComparisonOperator.keyValue
            name = "tag '\(key)'"
        case .attribute(let attribute):
            numeric = attribute.isNumeric
            allowed = numeric ? ComparisonOperator.numeric : ComparisonOperator.string
            name = "attribute '\(attribute.rawValue)'"
        case .dataset(let attribute):
            numeric = false
            allowed = ComparisonOperator.string
            name = "dataset key '\(attribute.rawValue)'"
        }
        try FilterParser.check(raw, allowed: allowed, numeric: numeric, name: name, filter: filter)
    }
}
