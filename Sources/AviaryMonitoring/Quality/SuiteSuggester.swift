/// Infers a quality suite from a reference dataset: rules the reference passes and that a
/// corrupted copy (missing values, out-of-range numbers, unseen categories, broken order
/// between columns) breaks.
public enum SuiteSuggester {
    /// Categorical columns with at most this many distinct values get an allowed_values rule.
    static let maximumAllowedValues = 50

    /// The suite for `table`: row-count bounds, then per column its type, missing-value rule,
    /// range or allowed values and uniqueness, then ordered date pairs.
    public static func suggest(from table: DataTable) -> QualitySuite {
        var rules: [QualityRule] = [.rowCount(min: max(1, table.rowCount / 2), max: table.rowCount * 2)]
        for column in table.columns {
            rules.append(.type(column: column.name, kind: column.kind))
            let missing = column.missingCount
            if missing == 0 {
                rules.append(.notNull(column: column.name))
            } else {
                // Room for sampling noise: twice the reference's share, at least 1 point more.
                let share = Double(missing) / Double(table.rowCount)
                rules.append(.maxMissingShare(column: column.name, max: min(1, max(share * 2, share + 0.01))))
            }
            switch column.kind {
            case .numeric, .datetime:
                let present = column.numbers.filter { !$0.isNaN }
                if let low = present.min(), let high = present.max() {
                    rules.append(.range(column: column.name, min: low, max: high))
                }
                if column.kind == .numeric, column.isIntegerTyped, Set(present).count == table.rowCount, table.rowCount > 1 {
                    rules.append(.unique(column: column.name))
                }
            case .categorical:
                let distinct = column.categories.count
                if distinct == table.rowCount - missing, table.rowCount > 1 {
                    rules.append(.unique(column: column.name))
                } else if distinct <= maximumAllowedValues {
                    rules.append(.allowedValues(column: column.name, values: column.categories.sorted()))
                }
            case .boolean:
                break
            }
        }
        rules += orderedPairs(table)
        return QualitySuite(rules: rules)
    }

    /// `a <= b` for pairs of datetime columns (or numeric ones sharing a name stem such as
    /// `min_`/`max_`) that hold on every reference row where both are present.
    static func orderedPairs(_ table: DataTable) -> [QualityRule] {
        let ordered = table.columns.filter { $0.kind == .datetime }
        var rules: [QualityRule] = []
        for a in ordered {
            for b in ordered where a.name != b.name {
                var compared = 0
                var holds = true
                for row in 0..<table.rowCount where !a.numbers[row].isNaN && !b.numbers[row].isNaN {
                    compared += 1
                    if a.numbers[row] > b.numbers[row] { holds = false; break }
                }
                // Equal columns would give both a <= b and b <= a; keep the pair only once.
                if holds, compared > 0, !(rules.contains(.compare(left: b.name, op: .lessOrEqual, right: a.name))) {
                    rules.append(.compare(left: a.name, op: .lessOrEqual, right: b.name))
                }
            }
        }
        return rules
    }
}
