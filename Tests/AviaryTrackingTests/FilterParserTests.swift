import AviaryCore
import Testing
@testable import AviaryTracking

@Suite("Search filter grammar")
struct FilterParserTests {
    @Test("entity prefixes, quoting and operators resolve to the right AST")
    func parsesMLflowForms() throws {
        let comparisons = try RunFilter.parse(
            "metrics.acc > 0.9 and params.lr = '0.01' AND tags.`model type` LIKE 'xgb%' AND attributes.status != \"FAILED\""
        )
        #expect(comparisons == [
            RunComparison(key: .metric("acc"), op: .greater, value: .number(0.9)),
            RunComparison(key: .param("lr"), op: .equal, value: .string("0.01")),
            RunComparison(key: .tag("model type"), op: .like, value: .string("xgb%")),
            RunComparison(key: .attribute(.status), op: .notEqual, value: .string("FAILED")),
        ])
    }

    @Test("double-quoted keys, dotted keys, singular and short entity names")
    func parsesKeyForms() throws {
        #expect(try RunFilter.parse("tags.\"a.b c\" = 'x'") == [RunComparison(key: .tag("a.b c"), op: .equal, value: .string("x"))])
        #expect(try RunFilter.parse("metric.val.loss <= -1e-3") == [RunComparison(key: .metric("val.loss"), op: .lessOrEqual, value: .number(-0.001))])
        #expect(try RunFilter.parse("attr.start_time >= 10") == [RunComparison(key: .attribute(.startTime), op: .greaterOrEqual, value: .number(10))])
        #expect(try RunFilter.parse("run.run_name ILIKE '%Fox%'") == [RunComparison(key: .attribute(.runName), op: .ilike, value: .string("%Fox%"))])
        #expect(try RunFilter.parse("attributes.created < 5") == [RunComparison(key: .attribute(.startTime), op: .less, value: .number(5))])
    }

    @Test("IN, NOT IN, IS NULL and IS NOT NULL")
    func parsesSetAndPresenceOperators() throws {
        #expect(try RunFilter.parse("attributes.run_id IN ('a', 'b')") == [RunComparison(key: .attribute(.runID), op: .in, value: .list(["a", "b"]))])
        #expect(try RunFilter.parse("attributes.status not in ('x')") == [RunComparison(key: .attribute(.status), op: .notIn, value: .list(["x"]))])
        #expect(try RunFilter.parse("tags.t IS NULL") == [RunComparison(key: .tag("t"), op: .isNull, value: .none)])
        #expect(try RunFilter.parse("params.p is not null") == [RunComparison(key: .param("p"), op: .isNotNull, value: .none)])
        #expect(try RunFilter.parse("datasets.name IN ('train', 'eval')") == [RunComparison(key: .dataset(.name), op: .in, value: .list(["train", "eval"]))])
    }

    @Test("an empty filter has no comparisons")
    func emptyFilter() throws {
        #expect(try RunFilter.parse("").isEmpty)
        #expect(try RunFilter.parse("   ").isEmpty)
    }

    @Test("string values may contain quotes, spaces and operators")
    func quotedValues() throws {
        #expect(try RunFilter.parse("params.q = 'it''s = 1 AND x'") == [RunComparison(key: .param("q"), op: .equal, value: .string("it's = 1 AND x"))])
    }

    @Test("syntax errors name the offending token and its position", arguments: [
        ("metrics.acc >> 1", "position 13"),
        ("metrics.acc > 1 OR params.a = 'b'", "'OR' is not supported"),
        ("metrics.acc > 1 AND", "the end of the filter"),
        ("params.a = 'unterminated", "unterminated"),
        ("metrics.acc 1", "expected a comparison operator"),
        ("params.a IN 'x'", "expected '('"),
        ("metrics.a > 1 params.b = 'c'", "expected AND"),
        ("metrics.a ? 1", "unexpected character '?'"),
    ])
    func syntaxErrors(filter: String, expected: String) {
        #expect {
            try RunFilter.parse(filter)
        } throws: { error in
            guard let error = error as? AviaryError else { return false }
            return error.code == .invalidParameterValue && error.message.contains(expected)
        }
    }

    @Test("type and operator rules per entity", arguments: [
        ("metrics.acc = 'high'", "expected a number"),
        ("params.lr > 0.1", "Invalid comparator '>'"),
        ("params.lr = 0.1", "expected a quoted string"),
        ("tags.t < 'a'", "Invalid comparator '<'"),
        ("attributes.start_time = 'yesterday'", "expected a number"),
        ("attributes.status > 'A'", "Invalid comparator"),
        ("attributes.colour = 'red'", "Invalid attribute key 'colour'"),
        ("foo.bar = 'x'", "Invalid identifier 'foo.bar'"),
        ("metrics.m LIKE '1%'", "Invalid comparator 'LIKE'"),
        ("metrics.m IS NULL", "Invalid comparator 'IS NULL'"),
        ("params.p IN ('a')", "Invalid comparator 'IN'"),
    ])
    func semanticErrors(filter: String, expected: String) {
        #expect {
            try RunFilter.parse(filter)
        } throws: { error in
            (error as? AviaryError)?.message.contains(expected) == true
        }
    }

    @Test("order_by terms with directions and quoted keys")
    func orderBy() throws {
        let orders = try RunFilter.parseOrder(["metrics.`val loss` DESC", "params.lr", "attributes.start_time asc", "tags.t"])
        #expect(orders == [
            RunOrder(key: .metric("val loss"), ascending: false),
            RunOrder(key: .param("lr"), ascending: true),
            RunOrder(key: .attribute(.startTime), ascending: true),
            RunOrder(key: .tag("t"), ascending: true),
        ])
        #expect(throws: AviaryError.self) { try RunFilter.parseOrder(["metrics.m SIDEWAYS"]) }
        #expect(throws: AviaryError.self) { try RunFilter.parseOrder(["datasets.name"]) }
        #expect(throws: AviaryError.self) { try RunFilter.parseOrder(["metrics.m", "metric.m DESC"]) }
    }

    @Test("experiment filters accept bare attribute names and tags")
    func experimentFilters() throws {
        #expect(try ExperimentFilter.parse("name LIKE 'prod-%' AND tags.team = 'ml' AND creation_time > 0") == [
            ExperimentComparison(key: .name, op: .like, value: .string("prod-%")),
            ExperimentComparison(key: .tag("team"), op: .equal, value: .string("ml")),
            ExperimentComparison(key: .creationTime, op: .greater, value: .number(0)),
        ])
        #expect(try ExperimentFilter.parseOrder(["last_update_time DESC", "name"]) == [
            ExperimentOrder(key: .lastUpdateTime, ascending: false), ExperimentOrder(key: .name, ascending: true),
        ])
        #expect(throws: AviaryError.self) { try ExperimentFilter.parse("name > 'a'") }
        #expect(throws: AviaryError.self) { try ExperimentFilter.parse("metrics.x > 1") }
    }
}
