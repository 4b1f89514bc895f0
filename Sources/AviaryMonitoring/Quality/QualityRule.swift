import AviaryCore
import Foundation

/// One data-quality rule of a suite: a format rule on one column, a logic rule between two
/// columns, or a bound on the row count.
public enum QualityRule: Sendable, Equatable {
    /// The column is read as this kind.
    case type(column: String, kind: DataColumn.Kind)
    /// No value is missing.
    case notNull(column: String)
    /// At most this share of values is missing.
    case maxMissingShare(column: String, max: Double)
    /// Every present value lies in [min, max] (either bound optional).
    case range(column: String, min: Double?, max: Double?)
    /// Every present value is one of these.
    case allowedValues(column: String, values: [String])
    /// Every present value matches this regular expression (whole value).
    case regex(column: String, pattern: String)
    /// No two present values are equal.
    case unique(column: String)
    /// `left op right` holds on every row where both are present (numbers or timestamps).
    case compare(left: String, op: ComparisonOperator, right: String)
    /// The dataset has between min and max rows (either bound optional).
    case rowCount(min: Int?, max: Int?)

    /// How `compare` relates its left and right column, written as in the suite (`<=`).
    public enum ComparisonOperator: String, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", equal = "==", notEqual = "!=", greaterOrEqual = ">=", greater = ">"

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: a < b
            case .lessOrEqual: a <= b
            case .equal: a == b
            case .notEqual: a != b
            case .greaterOrEqual: a >= b
            case .greater: a > b
            }
        }
    }

    /// The rule's name in a suite file.
    public var name: String {
        switch self {
        case .type: "type"
        case .notNull: "not_null"
        case .maxMissingShare: "max_missing_share"
        case .range: "range"
        case .allowedValues: "allowed_values"
        case .regex: "regex"
        case .unique: "unique"
        case .compare: "compare"
        case .rowCount: "row_count"
        }
    }

    /// Every rule name a suite may use.
    public static let names = ["type", "not_null", "max_missing_share", "range", "allowed_values", "regex", "unique", "compare", "row_count"]

    /// The columns the rule reads.
    public var columns: [String] {
        switch self {
        case .type(let c, _), .notNull(let c), .maxMissingShare(let c, _), .range(let c, _, _),
             .allowedValues(let c, _), .regex(let c, _), .unique(let c):
            [c]
        case .compare(let left, _, let right): [left, right]
        case .rowCount: []
        }
    }

    /// A one-line description, e.g. `range(age): 0 <= value <= 120`.
    public var summary: String {
        switch self {
        case .type(let c, let kind): "type(\(c)) is \(kind.rawValue)"
        case .notNull(let c): "not_null(\(c))"
        case .maxMissingShare(let c, let max): "max_missing_share(\(c)) <= \(max)"
        case .range(let c, let min, let max): "range(\(c)): \(min.map { "\($0) <= " } ?? "")value\(max.map { " <= \($0)" } ?? "")"
        case .allowedValues(let c, let values): "allowed_values(\(c)): \(values.prefix(6).joined(separator: ", "))\(values.count > 6 ? ", …" : "")"
        case .regex(let c, let pattern): "regex(\(c)): \(pattern)"
        case .unique(let c): "unique(\(c))"
        case .compare(let left, let op, let right): "\(left) \(op.rawValue) \(right)"
        case .rowCount(let min, let max): "row_count: \(min.map { "\($0) <= " } ?? "")rows\(max.map { " <= \($0)" } ?? "")"
        }
    }
}
