import AviaryCore
import AviaryTracking

/// What a registry search compares or sorts on.
public enum RegistrySearchKey: Sendable, Equatable, Hashable {
    case name
    case versionNumber
    case runID
    case sourcePath
    case creationTimestamp
    case lastUpdatedTimestamp
    case tag(String)

    var isNumeric: Bool { self == .versionNumber || self == .creationTimestamp || self == .lastUpdatedTimestamp }
}

/// A comparison of a registry search.
public typealias RegistryComparison = SearchComparison<RegistrySearchKey>
/// An ordering term of a registry search.
public typealias RegistryOrder = SearchOrder<RegistrySearchKey>

/// Parses `filter` and `order_by` of `registered-models/search` and `model-versions/search`,
/// with the fields `mlflow.utils.search_utils.SearchModelUtils` and `SearchModelVersionUtils` allow.
public enum RegistryFilter {
    /// What a search is over; decides which fields it accepts.
    public enum Target: Sendable {
        case registeredModels
        case modelVersions

        var filterable: Set<RegistrySearchKey> {
            switch self {
            case .registeredModels: [.name]
            case .modelVersions: [.name, .versionNumber, .runID, .sourcePath]
            }
        }

        var orderable: Set<RegistrySearchKey> {
            switch self {
            case .registeredModels: [.name, .creationTimestamp, .lastUpdatedTimestamp]
            case .modelVersions: [.name, .versionNumber, .creationTimestamp, .lastUpdatedTimestamp]
            }
        }
    }

    /// Parses a filter; fields outside the target's set are INVALID_PARAMETER_VALUE.
    public static func parse(_ filter: String, for target: Target) throws -> [RegistryComparison] {
        try FilterParser.parseFilter(filter).map { raw in
            let key = try resolve(entity: raw.entity, key: raw.key, source: filter)
            if case .tag = key {} else if !target.filterable.contains(key) {
                throw AviaryError.invalid("Invalid attribute key '\(raw.key)' in filter '\(filter)': this search filters on \(names(target.filterable)) and tags")
            }
            let allowed: Set<ComparisonOperator> = switch key {
            case .tag: ComparisonOperator.pattern
            case .runID, .name: ComparisonOperator.string
            case .sourcePath: ComparisonOperator.pattern
            default: ComparisonOperator.numeric
            }
            try FilterParser.check(raw, allowed: allowed, numeric: key.isNumeric, name: "'\(raw.key)'", filter: filter)
            return RegistryComparison(key: key, op: raw.op, value: raw.value)
        }
    }

    /// Parses order_by terms (`name DESC`, `version_number`…); duplicates are refused.
    public static func parseOrder(_ terms: [String], for target: Target) throws -> [RegistryOrder] {
        let orders = try terms.map { term in
            let raw = try FilterParser.parseOrderTerm(term)
            let key = try resolve(entity: raw.entity, key: raw.key, source: term)
            guard target.orderable.contains(key) else {
                throw AviaryError.invalid("Invalid order_by clause '\(term)': this search orders by \(names(target.orderable))")
            }
            return RegistryOrder(key: key, ascending: raw.ascending)
        }
        try FilterParser.rejectDuplicates(orders.map(\.key), terms)
        return orders
    }

    static func resolve(entity: String?, key: String, source: String) throws -> RegistrySearchKey {
        switch entity?.lowercased() {
        case "tag", "tags": return .tag(key)
        case nil, "attribute", "attributes":
            switch key {
            case "name": return .name
            case "version_number": return .versionNumber
            case "run_id": return .runID
            case "source_path": return .sourcePath
            case "creation_timestamp": return .creationTimestamp
            case "last_updated_timestamp": return .lastUpdatedTimestamp
            default: throw AviaryError.invalid("Invalid attribute key '\(key)' in '\(source)'")
            }
        default:
            throw AviaryError.invalid("Invalid identifier '\(entity ?? "").\(key)' in '\(source)': use an attribute name or 'tags.<key>'")
        }
    }

    private static func names(_ keys: Set<RegistrySearchKey>) -> String {
        keys.map { key in
            switch key {
            case .name: "name"
            case .versionNumber: "version_number"
            case .runID: "run_id"
            case .sourcePath: "source_path"
            case .creationTimestamp: "creation_timestamp"
            case .lastUpdatedTimestamp: "last_updated_timestamp"
            case .tag(let key): "tags.\(key)"
            }
        }.sorted().joined(separator: ", ")
    }
}
