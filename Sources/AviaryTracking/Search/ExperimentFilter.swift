import AviaryCore

/// What an experiment search compares or sorts on.
public enum ExperimentSearchKey: Sendable, Equatable {
    case name
    case experimentID
    case creationTime
    case lastUpdateTime
    case tag(String)

    var isNumeric: Bool { self == .creationTime || self == .lastUpdateTime }

    static func resolve(entity: String?, key: String, source: String) throws -> ExperimentSearchKey {
        switch entity?.lowercased() {
        case nil, "attribute", "attributes", "attr":
            switch key {
            case "name": return .name
            case "experiment_id": return .experimentID
            case "creation_time": return .creationTime
            case "last_update_time": return .lastUpdateTime
            default:
                throw AviaryError.invalid(
                    "Invalid attribute key '\(key)' in '\(source)': valid attributes are name, experiment_id, creation_time, last_update_time"
                )
            }
        case "tag", "tags": return .tag(key)
        default:
            throw AviaryError.invalid(
                "Invalid identifier '\(entity ?? "").\(key)' in '\(source)': use 'name', 'creation_time', 'last_update_time' or 'tags.<key>'"
            )
        }
    }
}

/// Parses and checks `filter` and `order_by` of `experiments/search`.
public enum ExperimentFilter {
    /// Parses an experiment filter string such as `name LIKE 'prod-%' AND tags.team = 'ml'`.
    public static func parse(_ filter: String) throws -> [ExperimentComparison] {
        try FilterParser.parseFilter(filter).map { raw in
            let key = try ExperimentSearchKey.resolve(entity: raw.entity, key: raw.key, source: filter)
            try FilterParser.check(
                raw, allowed: key.isNumeric ? ComparisonOperator.numeric : ComparisonOperator.pattern,
                numeric: key.isNumeric, name: "'\(raw.key)'", filter: filter
            )
            return ExperimentComparison(key: key, op: raw.op, value: raw.value)
        }
    }

    /// Parses `order_by` terms: `name`, `experiment_id`, `creation_time`, `last_update_time`.
    public static func parseOrder(_ terms: [String]) throws -> [ExperimentOrder] {
        let orders = try terms.map { term in
            let raw = try FilterParser.parseOrderTerm(term)
            let key = try ExperimentSearchKey.resolve(entity: raw.entity, key: raw.key, source: term)
            if case .tag = key {
                throw AviaryError.invalid("Invalid order_by clause '\(term)': experiments can be ordered by name, experiment_id, creation_time or last_update_time")
            }
            return ExperimentOrder(key: key, ascending: raw.ascending)
        }
        try FilterParser.rejectDuplicates(orders.map(\.key), terms)
        return orders
    }
}
