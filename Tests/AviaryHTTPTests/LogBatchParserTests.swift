import AviaryTracking
import Foundation
import Testing
@testable import AviaryHTTP

/// The fast log-batch parser must agree with JSONDecoder (the reference) on every body it
/// accepts, and decline (return nil) rather than guess on anything unusual.
@Suite("Log-batch fast parser")
struct LogBatchParserTests {
    /// What JSONDecoder makes of a body, in the same shape as the parser's result.
    func reference(_ json: String) throws -> (String?, [Metric], [AviaryTracking.Tag], [AviaryTracking.Tag]) {
        let body = try RequestDecoding.decode(LogBatchRequest.self, from: Data(json.utf8))
        let metrics = (body.metrics ?? []).map {
            Metric(
                key: $0.key, value: $0.value.value, timestamp: $0.timestamp?.value ?? 0, step: $0.step?.value ?? 0,
                modelID: $0.model_id.nonEmpty, datasetName: $0.dataset_name.nonEmpty, datasetDigest: $0.dataset_digest.nonEmpty
            )
        }
        return (body.run_id, metrics, (body.params ?? []).map(\.tag), (body.tags ?? []).map(\.tag))
    }

    func expectAgreement(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parsed = try #require(LogBatchParser.parse(Array(json.utf8)), "parser declined \(json)", sourceLocation: sourceLocation)
        let expected = try reference(json)
        #expect(parsed.runID == expected.0, sourceLocation: sourceLocation)
        #expect(parsed.metrics == expected.1, sourceLocation: sourceLocation)
        #expect(parsed.params == expected.2, sourceLocation: sourceLocation)
        #expect(parsed.tags == expected.3, sourceLocation: sourceLocation)
    }

    @Test("bodies as the mlflow client sends them, and with unusual but valid JSON", arguments: [
        #"{"run_id": "abc", "metrics": [{"key": "m", "value": 0.5, "timestamp": 1700000000000, "step": 3}], "params": [{"key": "p", "value": "1"}], "tags": [{"key": "t", "value": "v"}]}"#,
        #"{"run_id":"abc","metrics":[{"key":"a","value":"NaN","timestamp":1},{"key":"b","value":"Infinity","timestamp":2},{"key":"c","value":"-Infinity","timestamp":3}]}"#,
        #" { "tags" : [ ] , "metrics" : [ ] , "run_id" : "x" , "params" : [ ] } "#,
        "{\n\t\"run_id\": \"x\",\r\n \"metrics\": [{\"step\": -5, \"timestamp\": 0, \"value\": -0.0, \"key\": \"k\"}]}",
        #"{"run_id": "x", "metrics": [{"key": "e", "value": 1.5e-300, "timestamp": 9223372036854775807, "step": -9223372036854775808}]}"#,
        #"{"run_id": "x", "metrics": [{"key": "z", "value": 0, "timestamp": 1}, {"key": "big", "value": 1E+308, "timestamp": 1}]}"#,
        #"{"run_id": "x", "params": [{"key": "esc", "value": "quote \" backslash \\ slash \/ \b\f\n\r\t"}]}"#,
        #"{"run_id": "x", "tags": [{"key": "uni", "value": "\u00e9\u4e2d\ud83d\udc26 direct é中🐦"}]}"#,
        #"{"run_id": "x", "tags": [{"key": "nul", "value": "a\u0000b"}, {"key": "empty"}]}"#,
        #"{"run_id": "x", "extra": {"nested": [1, 2.5, true, false, "s", {"deep": []}]}, "metrics": [{"key": "m", "value": 1, "timestamp": 1, "model_id": "m-1", "dataset_digest": "d"}]}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": 1, "timestamp": 1, "model_id": "", "dataset_name": "eval"}]}"#,
    ])
    func agreesWithJSONDecoder(json: String) throws {
        try expectAgreement(json)
    }

    @Test("randomised bodies agree with JSONDecoder")
    func randomised() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let metrics = (0..<Int.random(in: 0...20, using: &generator)).map { index in
                let value = [Double.random(in: -1e6...1e6), Double(Int.random(in: -100...100)), 1e-9, 123456789.123456789].randomElement()!
                return #"{"key": "k\#(index)", "value": \#(value), "timestamp": \#(Int64.random(in: 0...Int64.max)), "step": \#(Int64.random(in: Int64.min...Int64.max))}"#
            }
            let params = (0..<Int.random(in: 0...5)).map { #"{"key": "p\#($0)", "value": "v\#(Int.random(in: 0...1000))"}"# }
            try expectAgreement(#"{"run_id": "r", "metrics": [\#(metrics.joined(separator: ","))], "params": [\#(params.joined(separator: ", "))]}"#)
        }
    }

    @Test("declines what it does not handle, so JSONDecoder reports it", arguments: [
        "",
        "[]",
        #"{"run_id": null}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": "1.5", "timestamp": 1}]}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": 1, "timestamp": "17"}]}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": 1, "timestamp": 1.0}]}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": 1e400, "timestamp": 1}]}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": 1, "timestamp": 99999999999999999999}]}"#,
        #"{"run_id": "x", "run_id": "y"}"#,
        #"{"run_id": "x",}"#,
        #"{"run_id": "x"} trailing"#,
        #"{"run_id": "bad \x escape"}"#,
        #"{"run_id": "\ud83d alone"}"#,
        #"{"run_id": 01}"#,
        #"{"run_id": "x", "metrics": [{"key": "m", "value": NaN, "timestamp": 1}]}"#,
        "{\"run_id\": \"raw\ncontrol\"}",
        String(repeating: "[", count: 100_000),
        #"{"x": "# + String(repeating: "[", count: 50) + String(repeating: "]", count: 50) + "}",
    ])
    func declines(json: String) {
        #expect(LogBatchParser.parse(Array(json.utf8)) == nil)
    }

    @Test("reports metrics without a timestamp by index")
    func missingTimestamp() throws {
        let parsed = try #require(LogBatchParser.parse(Array(#"{"metrics": [{"key": "a", "value": 1, "timestamp": 1}, {"key": "b", "value": 2}]}"#.utf8)))
        #expect(parsed.metricsMissingTimestamp == [1])
        #expect(parsed.runID == nil)
    }
}
