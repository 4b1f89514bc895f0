import AviaryCore

/// A comparison as written, before the search it belongs to checks what it may compare.
public struct RawComparison: Sendable, Equatable {
    /// The part before the first dot (`metrics`, `tags`…), or `nil` for a bare name.
    public var entity: String?
    public var key: String
    public var op: ComparisonOperator
    public var value: FilterValue
    /// Where the identifier starts in the filter string.
    public var position: Int
}

/// An ordering term as written: `metrics.acc DESC`.
public struct RawOrderTerm: Sendable, Equatable {
    public var entity: String?
    public var key: String
    public var ascending: Bool
}

/// Comparison operators of MLflow's search grammar.
public enum ComparisonOperator: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case like = "LIKE"
    case ilike = "ILIKE"
    case `in` = "IN"
    case notIn = "NOT IN"
    case isNull = "IS NULL"
    case isNotNull = "IS NOT NULL"

    /// Operators that compare numbers.
    public static let numeric: Set<ComparisonOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    /// Operators that compare strings.
    public static let string: Set<ComparisonOperator> = [.equal, .notEqual, .like, .ilike, .in, .notIn]
    /// Operators for params and tags: equality, patterns and presence, but no lists.
    public static let keyValue: Set<ComparisonOperator> = [.equal, .notEqual, .like, .ilike, .isNull, .isNotNull]
    /// Operators for experiment names and tags.
    public static let pattern: Set<ComparisonOperator> = [.equal, .notEqual, .like, .ilike]
}

/// The right-hand side of a comparison.
public enum FilterValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case list([String])
    case none
}

/// Parses MLflow's search grammar — `comparison (AND comparison)*` — and order-by terms.
///
/// Syntax errors name the offending token and its position so a user can find it.
public enum FilterParser {
    /// Parses a filter string into comparisons joined by AND; an empty string gives none.
    public static func parseFilter(_ filter: String) throws -> [RawComparison] {
        var cursor = Cursor(tokens: try FilterLexer.tokenize(filter), source: filter)
        var comparisons: [RawComparison] = []
        if cursor.current.kind == .end { return [] }
        while true {
            comparisons.append(try cursor.comparison())
            let token = cursor.current
            if token.kind == .end { return comparisons }
            if token.keyword == "AND" {
                cursor.advance()
                continue
            }
            if token.keyword == "OR" {
                throw syntaxError(in: filter, at: token.position, "'OR' is not supported; join conditions with AND")
            }
            throw syntaxError(in: filter, at: token.position, "expected AND or the end of the filter, found '\(token.text)'")
        }
    }

    /// Parses one order-by term: an identifier optionally followed by ASC or DESC.
    public static func parseOrderTerm(_ term: String) throws -> RawOrderTerm {
        var cursor = Cursor(tokens: try FilterLexer.tokenize(term), source: term, context: "order_by")
        let (entity, key, _) = try cursor.identifier()
        var ascending = true
        if let keyword = cursor.current.keyword, keyword == "ASC" || keyword == "DESC" {
            ascending = keyword == "ASC"
            cursor.advance()
        }
        if cursor.current.kind != .end {
            throw syntaxError(in: term, at: cursor.current.position, "expected ASC, DESC or the end of the clause, found '\(cursor.current.text)'", context: "order_by")
        }
        return RawOrderTerm(entity: entity, key: key, ascending: ascending)
    }

    /// Checks a comparison's operator against those its field allows, and its value's type.
    /// - Parameter name: how the message names the field, e.g. `metric 'acc'`.
    public static func check(_ raw: RawComparison, allowed: Set<ComparisonOperator>, numeric: Bool, name: String, filter: String) throws {
        guard allowed.contains(raw.op) else {
            throw AviaryError.invalid(
                "Invalid comparator '\(raw.op.rawValue)' for \(name) in filter '\(filter)': it supports \(allowed.map(\.rawValue).sorted().joined(separator: ", "))"
            )
        }
        switch raw.value {
        case .number where !numeric:
            throw AviaryError.invalid("Invalid value for \(name) in filter '\(filter)': expected a quoted string")
        case .string where numeric:
            throw AviaryError.invalid("Invalid value for \(name) in filter '\(filter)': expected a number")
        default:
            break
        }
    }

    /// The most `order_by` fields a search takes: the duplicate check below is quadratic, and
    /// a request should not be able to make it run for hours.
    public static let maximumOrderFields = 100

    /// MLflow refuses an order_by that names the same field twice.
    public static func rejectDuplicates<Key: Equatable>(_ keys: [Key], _ terms: [String]) throws {
        guard keys.count <= maximumOrderFields else {
            throw AviaryError.invalid("`order_by` has \(keys.count) fields; at most \(maximumOrderFields) are accepted")
        }
        for (index, key) in keys.enumerated() where keys[..<index].contains(key) {
            throw AviaryError.invalid("`order_by` contains duplicate fields: \(terms)")
        }
    }

    static func syntaxError(in source: String, at position: Int, _ detail: String, context: String = "filter") -> AviaryError {
        .invalid("Invalid \(context) '\(source)': \(detail) at position \(position)")
    }

    private struct Cursor {
        var tokens: [FilterToken]
        var source: String
        var context = "filter"
        var index = 0

        var current: FilterToken { tokens[index] }
        mutating func advance() { if index < tokens.count - 1 { index += 1 } }

        func error(_ detail: String, at token: FilterToken? = nil) -> AviaryError {
            let token = token ?? current
            let found = token.kind == .end ? "the end of the \(context)" : "'\(token.text)'"
            return FilterParser.syntaxError(in: source, at: token.position, "\(detail), found \(found)", context: context)
        }

        mutating func identifier() throws -> (String?, String, Int) {
            let token = current
            switch token.kind {
            case .identifier(let prefix, let quotedKey):
                advance()
                if let quotedKey {
                    // `metrics.`-prefixed quoted key, or a bare backticked name.
                    let entity = prefix.isEmpty ? nil : String(prefix.dropLast())
                    return (entity, quotedKey, token.position)
                }
                guard let dot = prefix.firstIndex(of: ".") else { return (nil, prefix, token.position) }
                let entity = String(prefix[..<dot])
                let key = String(prefix[prefix.index(after: dot)...])
                if key.isEmpty || entity.isEmpty { throw error("expected a name like 'metrics.accuracy'", at: token) }
                return (entity, key, token.position)
            case .string(let text, true):
                // A double-quoted name standing alone, e.g. "created".
                advance()
                return (nil, text, token.position)
            default:
                throw error("expected an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<key>")
            }
        }

        mutating func comparison() throws -> RawComparison {
            let (entity, key, position) = try identifier()
            let op = try comparisonOperator()
            let value: FilterValue
            switch op {
            case .isNull, .isNotNull: value = .none
            case .in, .notIn: value = .list(try list())
            default: value = try scalar()
            }
            return RawComparison(entity: entity, key: key, op: op, value: value, position: position)
        }

        mutating func comparisonOperator() throws -> ComparisonOperator {
            let token = current
            if case .symbol(let symbol) = token.kind, let op = ComparisonOperator(rawValue: symbol) {
                advance()
                return op
            }
            switch token.keyword {
            case "LIKE": advance(); return .like
            case "ILIKE": advance(); return .ilike
            case "IN": advance(); return .in
            case "NOT":
                advance()
                guard current.keyword == "IN" else { throw error("expected IN after NOT") }
                advance()
                return .notIn
            case "IS":
                advance()
                var negated = false
                if current.keyword == "NOT" { negated = true; advance() }
                guard current.keyword == "NULL" else { throw error("expected NULL after IS\(negated ? " NOT" : "")") }
                advance()
                return negated ? .isNotNull : .isNull
            default:
                throw error("expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)")
            }
        }

        mutating func scalar() throws -> FilterValue {
            let token = current
            switch token.kind {
            case .number(let number):
                advance()
                return .number(number)
            case .string(let text, _):
                advance()
                return .string(text)
            default:
                throw error("expected a quoted string or a number")
            }
        }

        mutating func list() throws -> [String] {
            guard current.kind == .symbol("(") else { throw error("expected '(' to start a list") }
            advance()
            var values: [String] = []
            while true {
                switch current.kind {
                case .string(let text, _): values.append(text)
                case .number: values.append(current.text)
                default: throw error("expected a quoted string in the list")
                }
                advance()
                if current.kind == .symbol(",") { advance(); continue }
                if current.kind == .symbol(")") { advance(); return values }
                throw error("expected ',' or ')' in the list")
            }
        }
    }
}
