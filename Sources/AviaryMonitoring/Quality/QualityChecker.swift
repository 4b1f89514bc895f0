import AviaryCore
import Foundation

/// The verdict on one rule: how many rows break it and a few of them to look at.
public struct RuleResult: Sendable, Codable {
    public var rule: String
    public var summary: String
    public var passed: Bool
    /// Rows that break the rule (for row_count, type and max_missing_share: 0 or the whole
    /// dataset's measure, see `detail`).
    public var failingRows: Int
    /// Up to five failing rows: 1-based data row number (header excluded) and the values read.
    public var examples: [RuleExample]
    /// What was measured, e.g. `missing share 0.12`.
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case rule, summary, passed, examples, detail
        case failingRows = "failing_rows"
    }
}

/// A row that breaks a rule and the values of the columns the rule reads.
public struct RuleExample: Sendable, Codable {
    public var row: Int
    public var values: [String: String]
}

/// A suite checked against a dataset.
public struct QualityReport: Sendable, Codable {
    public var rows: Int
    /// One result per rule, in suite order.
    public var results: [RuleResult]
    /// True when every rule passes.
    public var passed: Bool { results.allSatisfy(\.passed) }
    public var failedRules: Int { results.filter { !$0.passed }.count }

    enum CodingKeys: String, CodingKey {
        case rows, results
    }
}

/// Evaluates `QualitySuite`s on `DataTable`s.
public enum QualityChecker {
    static let exampleLimit = 5

    /// Checks every rule; a rule naming a column the data lacks is an error, not a failure.
    public static func check(_ suite: QualitySuite, on table: DataTable) throws -> QualityReport {
        for rule in suite.rules {
            if let missing = rule.columns.first(where: { table[$0] == nil }) {
                throw AviaryError.invalid("rule \(rule.summary) names column '\(missing)', which the data does not have; its columns are \(table.columnNames.joined(separator: ", "))")
            }
        }
        return QualityReport(rows: table.rowCount, results: try suite.rules.map { try evaluate($0, table) })
    }

    private static func evaluate(_ rule: QualityRule, _ table: DataTable) throws -> RuleResult {
        var failing: [Int] = []
        var detail: String?
        var passedOverride: Bool?
        switch rule {
        case .type(let name, let kind):
            let actual = table[name]!.kind
            passedOverride = actual == kind
            detail = "read as \(actual.rawValue)"
        case .notNull(let name):
            let column = table[name]!
            failing = (0..<table.rowCount).filter { column.text(at: $0) == nil }
        case .maxMissingShare(let name, let max):
            let share = Double(table[name]!.missingCount) / Double(table.rowCount)
            passedOverride = share <= max
            detail = "missing share \(share)"
        case .range(let name, let min, let max):
            let column = table[name]!
            guard column.kind != .categorical else { throw AviaryError.invalid("rule \(rule.summary): column '\(name)' is categorical; range needs numbers or timestamps") }
            failing = column.numbers.indices.filter { i in
                let v = column.numbers[i]
                return !v.isNaN && ((min.map { v < $0 } ?? false) || (max.map { v > $0 } ?? false))
            }
        case .allowedValues(let name, let values):
            let column = table[name]!
            if column.kind == .numeric {
                let allowed = Set(values.compactMap(Double.init))
                failing = column.numbers.indices.filter { !column.numbers[$0].isNaN && !allowed.contains(column.numbers[$0]) }
            } else {
                let allowed = Set(values)
                failing = (0..<table.rowCount).filter { column.text(at: $0).map { !allowed.contains($0) } ?? false }
            }
        case .regex(let name, let pattern):
            let column = table[name]!
            let expression = try NSRegularExpression(pattern: "^(?:\(pattern))$")
            var verdicts: [String: Bool] = [:]
            failing = (0..<table.rowCount).filter { row in
                guard let text = column.text(at: row) else { return false }
                if let known = verdicts[text] { return !known }
                let matches = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                verdicts[text] = matches
                return !matches
            }
        case .unique(let name):
            let column = table[name]!
            var seen = Set<String>()
            failing = (0..<table.rowCount).filter { row in
                guard let text = column.text(at: row) else { return false }
                return !seen.insert(text).inserted
            }
        case .compare(let leftName, let op, let rightName):
            let left = table[leftName]!
            let right = table[rightName]!
            guard left.kind != .categorical, right.kind != .categorical else {
                throw AviaryError.invalid("rule \(rule.summary): compare needs numeric, boolean or datetime columns")
            }
            failing = (0..<table.rowCount).filter { row in
                let (a, b) = (left.numbers[row], right.numbers[row])
                return !a.isNaN && !b.isNaN && !op.holds(a, b)
            }
        case .rowCount(let min, let max):
            passedOverride = (min.map { table.rowCount >= $0 } ?? true) && (max.map { table.rowCount <= $0 } ?? true)
            detail = "\(table.rowCount) rows"
        }
        let examples = failing.prefix(exampleLimit).map { row in
            RuleExample(row: row + 1, values: Dictionary(rule.columns.map { ($0, table[$0]?.text(at: row) ?? "") }) { first, _ in first })
        }
        return RuleResult(rule: rule.name, summary: rule.summary, passed: passedOverride ?? failing.isEmpty,
                          failingRows: failing.count, examples: Array(examples), detail: detail)
    }
}
