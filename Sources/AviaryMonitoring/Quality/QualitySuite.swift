import AviaryCore
import Foundation

/// A list of data-quality rules, read from and written to YAML:
///
/// ```yaml
/// rules:
///   - {rule: row_count, min: 500, max: 2000}
///   - {rule: not_null, column: id}
///   - {rule: range, column: age, min: 0, max: 120}
///   - {rule: allowed_values, column: country, values: [DE, FR, US]}
///   - {rule: regex, column: email, pattern: "^[^@]+@[^@]+$"}
///   - {rule: compare, left: start_date, op: "<=", right: end_date}
/// ```
public struct QualitySuite: Sendable, Equatable {
    /// The rules, checked in this order.
    public var rules: [QualityRule]

    public init(rules: [QualityRule]) {
        self.rules = rules
    }

    /// Reads a suite from its parsed YAML (`BoundedYAML.load` with `.handWritten` limits, done by
    /// the caller so this target needs no YAML parser); each error names the rule's position
    /// and the field at fault.
    public init(document: Any?) throws {
        guard let root = document as? [String: Any], let entries = root["rules"] as? [Any] else {
            throw AviaryError.invalid("the suite must be a mapping with a 'rules' list")
        }
        rules = try entries.enumerated().map { index, entry in
            guard let fields = entry as? [String: Any] else { throw AviaryError.invalid("rule \(index + 1) must be a mapping such as {rule: not_null, column: id}") }
            return try Self.rule(fields, position: index + 1)
        }
    }

    private static func rule(_ fields: [String: Any], position: Int) throws -> QualityRule {
        guard let name = fields["rule"] as? String else { throw AviaryError.invalid("rule \(position) has no 'rule' name; use one of \(QualityRule.names.joined(separator: ", "))") }
        func string(_ key: String) throws -> String {
            guard let value = fields[key] else { throw AviaryError.invalid("rule \(position) (\(name)) needs '\(key)'") }
            return "\(value)"
        }
        func numeric(_ key: String) throws -> Double? {
            guard let value = fields[key] else { return nil }
            // YAML's .nan and .inf are Doubles too; no bound can be NaN, and none needs infinity.
            if let double = (value as? Double) ?? (value as? Int).map(Double.init), double.isFinite { return double }
            throw AviaryError.invalid("rule \(position) (\(name)): '\(key)' must be a finite number, got '\(value)'")
        }
        func whole(_ key: String) throws -> Int? {
            guard let value = try numeric(key) else { return nil }
            guard let count = Int(exactly: value), count >= 0 else {
                throw AviaryError.invalid("rule \(position) (\(name)): '\(key)' must be a whole number of rows, 0 or more, got \(value)")
            }
            return count
        }
        switch name {
        case "type":
            let kindName = try string("type")
            guard let kind = DataColumn.Kind(rawValue: kindName) else {
                throw AviaryError.invalid("rule \(position) (type): '\(kindName)' is not numeric, categorical, boolean or datetime")
            }
            return .type(column: try string("column"), kind: kind)
        case "not_null": return .notNull(column: try string("column"))
        case "max_missing_share":
            guard let max = try numeric("max"), (0...1).contains(max) else { throw AviaryError.invalid("rule \(position) (max_missing_share) needs 'max' between 0 and 1") }
            return .maxMissingShare(column: try string("column"), max: max)
        case "range":
            let (min, max) = (try numeric("min"), try numeric("max"))
            guard min != nil || max != nil else { throw AviaryError.invalid("rule \(position) (range) needs 'min', 'max' or both") }
            return .range(column: try string("column"), min: min, max: max)
        case "allowed_values":
            guard let values = fields["values"] as? [Any], !values.isEmpty else { throw AviaryError.invalid("rule \(position) (allowed_values) needs a non-empty 'values' list") }
            return .allowedValues(column: try string("column"), values: values.map { "\($0)" })
        case "regex":
            let pattern = try string("pattern")
            guard (try? NSRegularExpression(pattern: pattern)) != nil else { throw AviaryError.invalid("rule \(position) (regex): '\(pattern)' is not a valid regular expression") }
            return .regex(column: try string("column"), pattern: pattern)
        case "unique": return .unique(column: try string("column"))
        case "compare":
            let opName = try string("op")
            guard let op = QualityRule.ComparisonOperator(rawValue: opName) else {
                throw AviaryError.invalid("rule \(position) (compare): op must be one of \(QualityRule.ComparisonOperator.allCases.map(\.rawValue).joined(separator: " ")), got '\(opName)'")
            }
            let (left, right) = (try string("left"), try string("right"))
            guard left != right else { throw AviaryError.invalid("rule \(position) (compare): left and right are both '\(left)'; compare two different columns") }
            return .compare(left: left, op: op, right: right)
        case "row_count":
            let (min, max) = (try whole("min"), try whole("max"))
            guard min != nil || max != nil else { throw AviaryError.invalid("rule \(position) (row_count) needs 'min', 'max' or both") }
            return .rowCount(min: min, max: max)
        default:
            throw AviaryError.invalid("rule \(position): unknown rule '\(name)'; use one of \(QualityRule.names.joined(separator: ", "))")
        }
    }

    /// The suite as YAML, one flow mapping per rule (readable and diff-friendly).
    public var yaml: String {
        var lines = ["rules:"]
        for rule in rules {
            var fields: [(String, String)] = [("rule", rule.name)]
            switch rule {
            case .type(let c, let kind): fields += [("column", quoted(c)), ("type", kind.rawValue)]
            case .notNull(let c), .unique(let c): fields += [("column", quoted(c))]
            case .maxMissingShare(let c, let max): fields += [("column", quoted(c)), ("max", "\(max)")]
            case .range(let c, let min, let max):
                fields += [("column", quoted(c))] + (min.map { [("min", "\($0)")] } ?? []) + (max.map { [("max", "\($0)")] } ?? [])
            case .allowedValues(let c, let values): fields += [("column", quoted(c)), ("values", "[" + values.map(quoted).joined(separator: ", ") + "]")]
            case .regex(let c, let pattern): fields += [("column", quoted(c)), ("pattern", quoted(pattern))]
            case .compare(let left, let op, let right): fields += [("left", quoted(left)), ("op", quoted(op.rawValue)), ("right", quoted(right))]
            case .rowCount(let min, let max): fields += (min.map { [("min", "\($0)")] } ?? []) + (max.map { [("max", "\($0)")] } ?? [])
            }
            lines.append("  - {" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: safe for any text (keys like `yes`, `1.0`, `: `).
    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\x%02X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
