import AviaryTracking
import GRDB

/// Renders one comparison operator on a column as SQL with bound values.
enum SQLComparison {
    static func render(
        column: String, _ op: ComparisonOperator, _ value: FilterValue
    ) -> (String, [(any DatabaseValueConvertible)?]) {
        let bound: (any DatabaseValueConvertible)? = switch value {
        case .number(let number): number
        case .string(let string): string
        case .list, .none: nil
        }
        switch op {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return ("\(column) \(op.rawValue) ?", [bound])
        case .like:
            // MLflow's LIKE is case-sensitive; SQLite's is not, so translate to GLOB.
            if case .string(let pattern) = value { return ("\(column) GLOB ?", [globPattern(fromLike: pattern)]) }
            return ("\(column) GLOB ?", [bound])
        case .ilike:
            return ("\(column) LIKE ?", [bound])
        case .in, .notIn:
            guard case .list(let items) = value else { return ("0", []) }
            let keyword = op == .in ? "IN" : "NOT IN"
            return ("\(column) \(keyword) (\(RunSearchSQL.placeholders(items.count)))", items.map { $0 })
        case .isNull:
            return ("\(column) IS NULL", [])
        case .isNotNull:
            return ("\(column) IS NOT NULL", [])
        }
    }

    /// `%` → `*`, `_` → `?`, and GLOB's own metacharacters matched literally.
    static func globPattern(fromLike pattern: String) -> String {
        var glob = ""
        for character in pattern {
            switch character {
            case "%": glob.append("*")
            case "_": glob.append("?")
            case "*", "?", "[": glob.append("[\(character)]")
            default: glob.append(character)
            }
        }
        return glob
    }
}
