import Foundation
import Hummingbird
import Testing

@Suite("Tracking routes")
struct TrackingRouteTests {
    let api = "/api/2.0/mlflow"

    @Test("create an experiment and a run, log a batch, read it back on both API prefixes")
    func roundTrip() async throws {
        try await RouteFixture().test { client in
            let (_, created) = try await client.post("\(api)/experiments/create", #"{"name": "routes"}"#)
            let experimentID = try #require(created["experiment_id"] as? String)
            let (status, runBody) = try await client.post(
                "\(api)/runs/create", #"{"experiment_id": "\#(experimentID)", "start_time": "1700000000000", "unknown_field": 1}"#
            )
            #expect(status == .ok)
            let info = try #require((runBody["run"] as? [String: Any])?["info"] as? [String: Any])
            let runID = try #require(info["run_id"] as? String)
            #expect(info["start_time"] as? Int == 1_700_000_000_000)
            #expect(info["artifact_uri"] as? String == "mlflow-artifacts:/\(experimentID)/\(runID)/artifacts")

            let batch = #"""
                {"run_id": "\#(runID)", "metrics": [
                    {"key": "a", "value": "NaN", "timestamp": 1, "step": 0},
                    {"key": "b", "value": "-Infinity", "timestamp": 1, "step": 0},
                    {"key": "c", "value": 1.5e300, "timestamp": 1, "step": 3}],
                 "params": [{"key": "p", "value": "ü"}], "tags": [{"key": "t", "value": "v"}]}
                """#
            #expect(try await client.post("/ajax-api/2.0/mlflow/runs/log-batch", batch).0 == .ok)
            let (_, fetched) = try await client.get("\(api)/runs/get?run_id=\(runID)")
            let data = try #require((fetched["run"] as? [String: Any])?["data"] as? [String: Any])
            let metrics = try #require(data["metrics"] as? [[String: Any]])
            #expect(metrics.map { "\($0["key"]!)=\($0["value"]!)" } == ["a=NaN", "b=-Infinity", "c=1.5e+300"])
            #expect((data["params"] as? [[String: String]]) == [["key": "p", "value": "ü"]])
        }
    }

    @Test("GET parameters come from the query string, with + and %20 as spaces and repeated lists")
    func queryStrings() async throws {
        try await RouteFixture().test { client in
            _ = try await client.post("\(api)/experiments/create", #"{"name": "my exp"}"#)
            let (status, body) = try await client.get("\(api)/experiments/get-by-name?experiment_name=my+exp")
            #expect(status == .ok)
            #expect((body["experiment"] as? [String: Any])?["name"] as? String == "my exp")
            let (searchStatus, search) = try await client.get(
                "\(api)/experiments/search?max_results=10&order_by=name%20DESC&order_by=experiment_id&filter=name%20LIKE%20%27my%25%27"
            )
            #expect(searchStatus == .ok)
            #expect((search["experiments"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("errors carry MLflow's error_code, HTTP status and a message naming the field")
    func errors() async throws {
        try await RouteFixture().test { client in
            let missingRun = String(repeating: "a", count: 32)
            expectMLflowError(try await client.get("\(api)/runs/get?run_id=\(missingRun)"), .notFound, "RESOURCE_DOES_NOT_EXIST", mentioning: missingRun)
            expectMLflowError(try await client.get("\(api)/experiments/get?experiment_id=77"), .notFound, "RESOURCE_DOES_NOT_EXIST")
            expectMLflowError(try await client.post("\(api)/experiments/create", #"{"name": "Default"}"#), .badRequest, "RESOURCE_ALREADY_EXISTS")
            expectMLflowError(try await client.post("\(api)/experiments/create", #"{"name": "x""#), .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "Malformed JSON")
            expectMLflowError(try await client.post("\(api)/experiments/create", #"{"name": 5}"#), .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "'name'")
            expectMLflowError(try await client.post("\(api)/experiments/create", #"{}"#), .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "'name'")
            expectMLflowError(try await client.post("\(api)/experiments/create", "name=x", contentType: "text/plain"), .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "Content-Type")
            expectMLflowError(
                try await client.post("\(api)/runs/log-metric", #"{"run_id": "\#(missingRun)", "key": "m", "value": 1, "timestamp": 1e400}"#),
                .badRequest, "INVALID_PARAMETER_VALUE"
            )
            expectMLflowError(
                try await client.post("\(api)/runs/log-metric", #"{"run_id": "\#(missingRun)", "key": "m", "value": 1, "timestamp": 1180591620717411303424}"#),
                .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "timestamp"
            )
            expectMLflowError(
                try await client.post("\(api)/runs/log-batch", #"{"run_id": "r", "metrics": [{"key": "m", "value": 1}]}"#),
                .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "metrics[0].timestamp"
            )
            expectMLflowError(
                try await client.post("\(api)/runs/log-batch", #"{"run_id": "r", "metrics": [{"key": "m", "value": "high"}]}"#),
                .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "metrics[0].value"
            )
            expectMLflowError(
                try await client.post("\(api)/runs/search", #"{"experiment_ids": ["0"], "filter": "metrics.a >> 1"}"#),
                .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "position"
            )
            expectMLflowError(try await client.post("\(api)/runs/search", #"{"run_view_type": "SOME"}"#), .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "run_view_type")
            expectMLflowError(try await client.get("\(api)/no-such-endpoint"), .notFound, "ENDPOINT_NOT_FOUND")
            #expect(try await client.get("\(api)/runs/create").0 == .methodNotAllowed)
            #expect(try await client.get("/health").0 == .ok)
        }
    }

    @Test("metric history pages through get-history")
    func historyPaging() async throws {
        try await RouteFixture().test { client in
            let (_, runBody) = try await client.post("\(api)/runs/create", #"{"experiment_id": "0"}"#)
            let runID = try #require(((runBody["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
            let metrics = (0..<30).map { #"{"key": "loss", "value": \#($0), "timestamp": 5, "step": \#($0)}"# }.joined(separator: ",")
            _ = try await client.post("\(api)/runs/log-batch", #"{"run_id": "\#(runID)", "metrics": [\#(metrics)]}"#)
            var steps: [Int] = []
            var token = ""
            repeat {
                let (status, page) = try await client.get("\(api)/metrics/get-history?run_id=\(runID)&metric_key=loss&max_results=7&page_token=\(token)")
                #expect(status == .ok)
                steps += (page["metrics"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? Int }
                token = (page["next_page_token"] as? String)?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            } while !token.isEmpty
            #expect(steps == Array(0..<30))
        }
    }

    @Test("without max_results, a history longer than a page comes whole in one answer, as from mlflow server (streamed)")
    func historyWhole() async throws {
        try await RouteFixture().test { client in
            let (_, runBody) = try await client.post("\(api)/runs/create", #"{"experiment_id": "0"}"#)
            let runID = try #require(((runBody["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
            let total = 30_000
            for start in stride(from: 0, to: total, by: 1_000) {
                let metrics = (start..<(start + 1_000)).map { #"{"key": "loss", "value": \#($0), "timestamp": 5, "step": \#($0)}"# }.joined(separator: ",")
                let (status, _) = try await client.post("\(api)/runs/log-batch", #"{"run_id": "\#(runID)", "metrics": [\#(metrics)]}"#)
                #expect(status == .ok)
            }
            let (status, whole) = try await client.get("\(api)/metrics/get-history?run_id=\(runID)&metric_key=loss")
            #expect(status == .ok && whole["next_page_token"] == nil)
            #expect((whole["metrics"] as? [[String: Any]])?.compactMap { $0["step"] as? Int } == Array(0..<total))
            let (_, page) = try await client.get("\(api)/metrics/get-history?run_id=\(runID)&metric_key=loss&max_results=1000")
            #expect((page["metrics"] as? [Any])?.count == 1_000 && page["next_page_token"] != nil)
        }
    }
}
