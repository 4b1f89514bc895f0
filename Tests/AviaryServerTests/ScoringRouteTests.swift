import AviaryHTTP
import AviaryModels
import AviaryServer
import Foundation
import Hummingbird
import Testing

/// `aviary serve`'s routes over a two-feature XGBoost model, without a port: every input format
/// must give the predictor's own answer, and every malformed request a 4xx naming the problem.
@Suite("Scoring routes")
struct ScoringRouteTests {
    /// Two stumps: `a < 0.5` → 1 else 2, plus `b < 0` → 10 else 20 (NaN: left in both).
    static let modelJSON = """
        {"learner": {
          "learner_model_param": {"base_score": "[0E0]", "num_class": "0", "num_feature": "2"},
          "objective": {"name": "reg:squarederror"},
          "feature_names": ["a", "b"], "feature_types": ["float", "float"],
          "gradient_booster": {"name": "gbtree", "model": {"tree_info": [0, 0], "trees": [
            {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
             "split_conditions": [0.5, 1, 2], "default_left": [1, 0, 0], "split_type": [0, 0, 0]},
            {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [1, 0, 0],
             "split_conditions": [0, 10, 20], "default_left": [1, 0, 0], "split_type": [0, 0, 0]}
          ]}}
        }}
        """

    static func withModel(maximumBodySize: Int = 1 << 20, _ body: @Sendable (RouterClient, ModelPackage) async throws -> Void) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-scoring-\(UUID().uuidString).json")
        try Data(modelJSON.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let package = try ModelPackage.load(from: file)
        let model = ServedModel(package: package, name: "stumps", version: "3", maximumBodySize: maximumBodySize)
        // As `aviary serve` composes them: `POST /invocations` is answered ahead of the router.
        try await body(RouterClient(ScoringRouter(buildScoringRouter(model: model), model: model, requestLogLevel: .debug)), package)
    }

    /// The predictor's own answers for rows of (a, b).
    static func expected(_ package: ModelPackage, _ rows: [[Double]]) -> [Double] {
        package.predictor.predict(FeatureBatch(rows: rows, featureCount: 2)).values
    }

    static let rows: [[Double]] = [[0.2, -1], [0.7, 3], [.nan, 5], [0.5, 0]]

    @Test("every /invocations format gives the predictor's answer", arguments: [
        #"{"dataframe_split": {"columns": ["a", "b"], "data": [[0.2, -1], [0.7, 3], [null, 5], [0.5, 0]]}}"#,
        #"{"dataframe_split": {"columns": ["b", "a"], "data": [[-1, 0.2], [3, 0.7], [5, NaN], [0, 0.5]]}}"#,
        #"{"dataframe_records": [{"a": 0.2, "b": -1}, {"b": 3, "a": 0.7}, {"b": 5}, {"a": 0.5, "b": 0}]}"#,
        #"{"instances": [[0.2, -1], [0.7, 3], [null, 5], [0.5, 0]]}"#,
        #"{"inputs": {"a": [0.2, 0.7, null, 0.5], "b": [-1, 3, 5, 0]}}"#,
        #"{"inputs": [{"a": 0.2, "b": -1}, {"a": 0.7, "b": 3}, {"a": null, "b": 5}, {"a": 0.5, "b": 0}], "params": {}}"#,
    ])
    func invocations(body: String) async throws {
        try await Self.withModel { client, package in
            let (status, reply) = try await client.post("/invocations", body)
            #expect(status == .ok)
            #expect(reply["predictions"] as? [Double] == Self.expected(package, Self.rows))
        }
    }

    @Test("text/csv bodies are read with their header")
    func csv() async throws {
        try await Self.withModel { client, package in
            let (status, reply) = try await client.post("/invocations", "b,a\n-1,0.2\n3,0.7\n5,\n0,0.5\n", contentType: "text/csv")
            #expect(status == .ok)
            #expect(reply["predictions"] as? [Double] == Self.expected(package, Self.rows))
        }
    }

    @Test("malformed /invocations bodies are 400s that say what to fix", arguments: [
        ("{bad", "invalid JSON"),
        (#"{"dataframe_split": {"columns": ["a", "zz"], "data": [[1, 2]]}}"#, "unknown column 'zz'"),
        (#"{"dataframe_split": {"columns": ["a"], "data": [[1]]}}"#, "missing column 'b'"),
        (#"{"dataframe_records": [{"a": "x", "b": 1}]}"#, "column 'a': expected a number"),
        (#"{"dataframe_split": {"columns": ["a", "b"], "data": []}}"#, "no rows"),
        (#"{"instances": [[1, 2, 3]]}"#, "expects 2 features"),
        (#"{"records": []}"#, "unknown key 'records'"),
        (#"{"instances": [[1, 2]], "inputs": [[1, 2]]}"#, "exactly one of"),
        (#"[1, 2]"#, "JSON object"),
        // Issue 19: a lone high surrogate escape killed the server through an overflow.
        (#"{"inputs":"\ud800\u0041"}"#, "surrogate"),
    ])
    func malformed(body: String, mentioning: String) async throws {
        try await Self.withModel { client, _ in
            expectMLflowError(try await client.post("/invocations", body), .badRequest, "BAD_REQUEST", mentioning: mentioning)
        }
    }

    @Test("bodies over the limit get 413 and the server keeps answering")
    func tooLarge() async throws {
        try await Self.withModel(maximumBodySize: 1000) { client, package in
            let rows = Array(repeating: "[0.2, -1]", count: 200).joined(separator: ",")
            let (status, reply) = try await client.post("/invocations", #"{"instances": [\#(rows)]}"#)
            #expect(status == .contentTooLarge)
            #expect((reply["message"] as? String)?.contains("larger than 1000 bytes") == true)
            let (again, ok) = try await client.post("/invocations", #"{"instances": [[0.2, -1]]}"#)
            #expect(again == .ok)
            #expect(ok["predictions"] as? [Double] == Self.expected(package, [[0.2, -1]]))
        }
    }

    @Test("unsupported content types are refused")
    func contentType() async throws {
        try await Self.withModel { client, _ in
            expectMLflowError(try await client.post("/invocations", "a=1", contentType: "application/x-www-form-urlencoded"), .badRequest, "BAD_REQUEST", mentioning: "content type")
        }
    }

    @Test("v2 infer takes one tensor, flat or nested, or one input per feature", arguments: [
        #"{"id": "r1", "inputs": [{"name": "x", "shape": [4, 2], "datatype": "FP64", "data": [0.2, -1, 0.7, 3, null, 5, 0.5, 0]}]}"#,
        #"{"id": "r1", "inputs": [{"name": "x", "shape": [4, 2], "datatype": "FP32", "data": [[0.2, -1], [0.7, 3], [null, 5], [0.5, 0]]}]}"#,
        #"{"id": "r1", "inputs": [{"name": "b", "shape": [4], "datatype": "INT64", "data": [-1, 3, 5, 0]}, {"name": "a", "shape": [4, 1], "datatype": "FP64", "data": [0.2, 0.7, null, 0.5]}]}"#,
    ])
    func infer(body: String) async throws {
        try await Self.withModel { client, package in
            let (status, reply) = try await client.post("/v2/models/stumps/infer", body)
            #expect(status == .ok)
            #expect(reply["model_name"] as? String == "stumps")
            #expect(reply["model_version"] as? String == "3")
            #expect(reply["id"] as? String == "r1")
            let output = (reply["outputs"] as? [[String: Any]])?.first
            #expect(output?["shape"] as? [Int] == [4])
            #expect(output?["datatype"] as? String == "FP32")
            #expect(output?["data"] as? [Double] == Self.expected(package, Self.rows))
        }
    }

    @Test("malformed v2 requests are {\"error\": …} with a 4xx", arguments: [
        ("/v2/models/stumps/infer", #"{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3]}]}"#, 400, "needs 4 values"),
        ("/v2/models/stumps/infer", #"{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]}"#, 400, "expected [rows, 2]"),
        ("/v2/models/stumps/infer", #"{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "BYTES", "data": ["a", "b"]}]}"#, 400, "datatype BYTES"),
        ("/v2/models/stumps/infer", #"{"inputs": [{"name": "a", "shape": [1], "datatype": "FP64", "data": [1]}, {"name": "q", "shape": [1], "datatype": "FP64", "data": [1]}]}"#, 400, "unknown column 'q'"),
        ("/v2/models/stumps/infer", #"{"inputs": []}"#, 400, "non-empty list"),
        // Issue 19: the product of this shape overflowed and killed the server.
        ("/v2/models/stumps/infer", #"{"inputs": [{"name": "x", "shape": [4294967296, 4294967296], "datatype": "FP64", "data": [1, 2]}]}"#, 400, "more values than any request can hold"),
        ("/v2/models/other/infer", #"{"inputs": []}"#, 404, "no model named 'other'"),
    ])
    func inferErrors(path: String, body: String, status: Int, mentioning: String) async throws {
        try await Self.withModel { client, _ in
            let (code, reply) = try await client.post(path, body)
            #expect(code.code == status)
            #expect((reply["error"] as? String)?.contains(mentioning) == true, "\(reply)")
        }
    }

    @Test("health, readiness and metadata")
    func metadata() async throws {
        try await Self.withModel { client, _ in
            #expect(try await client.execute(uri: "/ping", method: .get).status == .ok)
            #expect(try await client.get("/v2/health/ready").1["ready"] as? Bool == true)
            #expect(try await client.get("/v2/models/stumps/ready").1["ready"] as? Bool == true)
            let (status, meta) = try await client.get("/v2/models/stumps")
            #expect(status == .ok)
            #expect((meta["inputs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["a", "b"])
            #expect(meta["versions"] as? [String] == ["3"])
        }
    }
}
