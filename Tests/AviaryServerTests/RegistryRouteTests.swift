import Foundation
import Hummingbird
import Testing

@Suite("Registry routes")
struct RegistryRouteTests {
    let api = "/api/2.0/mlflow"

    @Test("register, version, alias and resolve over HTTP; version as a string, aliases as a map")
    func roundTrip() async throws {
        try await RouteFixture().test { client in
            #expect(try await client.post("\(api)/registered-models/create", #"{"name": "fraud"}"#).0 == .ok)
            let (status, created) = try await client.post(
                "\(api)/model-versions/create", #"{"name": "fraud", "source": "mlflow-artifacts:/0/r/artifacts/model", "tags": [{"key": "k", "value": "v"}]}"#
            )
            #expect(status == .ok)
            #expect((created["model_version"] as? [String: Any])?["version"] as? String == "1")
            #expect(try await client.post("\(api)/registered-models/alias", #"{"name": "fraud", "alias": "champion", "version": "1"}"#).0 == .ok)
            let (_, byAlias) = try await client.get("\(api)/registered-models/alias?name=fraud&alias=champion")
            #expect((byAlias["model_version"] as? [String: Any])?["aliases"] as? [String] == ["champion"])
            let (_, model) = try await client.get("\(api)/registered-models/get?name=fraud")
            let aliases = (model["registered_model"] as? [String: Any])?["aliases"] as? [[String: String]]
            #expect(aliases == [["alias": "champion", "version": "1"]])
            let (_, uri) = try await client.get("\(api)/model-versions/get-download-uri?name=fraud&version=1")
            #expect(uri["artifact_uri"] as? String == "mlflow-artifacts:/0/r/artifacts/model")
            let deleted = try await client.execute(
                uri: "\(api)/registered-models/delete", method: .delete, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"name": "fraud"}"#)
            )
            #expect(deleted.status == .ok)
            expectMLflowError(try await client.get("\(api)/registered-models/get?name=fraud"), .notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("lineage: a version leads back to its run's params, metrics and datasets")
    func lineage() async throws {
        try await RouteFixture().test { client in
            let (_, runBody) = try await client.post("\(api)/runs/create", #"{"experiment_id": "0", "run_name": "trainer"}"#)
            let runID = try #require(((runBody["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
            _ = try await client.post("\(api)/runs/log-batch", #"{"run_id": "\#(runID)", "params": [{"key": "eta", "value": "0.3"}], "metrics": [{"key": "auc", "value": 0.9, "timestamp": 1}]}"#)
            _ = try await client.post(
                "\(api)/runs/log-inputs",
                #"{"run_id": "\#(runID)", "datasets": [{"dataset": {"name": "train", "digest": "d1", "source_type": "local", "source": "s"}}]}"#
            )
            _ = try await client.post("\(api)/registered-models/create", #"{"name": "fraud model"}"#)
            _ = try await client.post("\(api)/model-versions/create", #"{"name": "fraud model", "source": "runs:/\#(runID)/model", "run_id": "\#(runID)"}"#)
            let (status, lineage) = try await client.get("/api/aviary/v1/models/fraud%20model/versions/1/lineage")
            #expect(status == .ok)
            let run = try #require(lineage["run"] as? [String: Any])
            let data = try #require(run["data"] as? [String: Any])
            #expect((data["params"] as? [[String: String]]) == [["key": "eta", "value": "0.3"]])
            #expect((data["metrics"] as? [[String: Any]])?.first?["value"] as? Double == 0.9)
            #expect((lineage["dataset_inputs"] as? [[String: Any]])?.count == 1)
            #expect((lineage["experiment"] as? [String: Any])?["name"] as? String == "Default")
            let (_, uri) = try await client.get("\(api)/model-versions/get-download-uri?name=fraud%20model&version=1")
            #expect(uri["artifact_uri"] as? String == "mlflow-artifacts:/0/\(runID)/artifacts/model")
            expectMLflowError(try await client.get("/api/aviary/v1/models/fraud%20model/versions/7/lineage"), .notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("a version whose run or logged model is gone, or never existed, still has a lineage and a page (schemathesis finding)")
    func lineageOfDanglingIDs() async throws {
        try await RouteFixture().test { client in
            _ = try await client.post("\(api)/registered-models/create", #"{"name": "orphan"}"#)
            let (_, model) = try await client.post("\(api)/logged-models", #"{"experiment_id": "0", "name": "m"}"#)
            let modelID = try #require(((model["model"] as? [String: Any])?["info"] as? [String: Any])?["model_id"] as? String)
            _ = try await client.post("\(api)/model-versions/create", #"{"name": "orphan", "source": "models:/\#(modelID)", "model_id": "\#(modelID)"}"#)
            _ = try await client.post("\(api)/model-versions/create", #"{"name": "orphan", "source": "s3://b/m", "run_id": "0123456789abcdef0123456789abcdef"}"#)
            #expect(try await client.execute(uri: "\(api)/logged-models/\(modelID)", method: .delete).status == .ok)
            for version in ["1", "2"] {
                let (status, lineage) = try await client.get("/api/aviary/v1/models/orphan/versions/\(version)/lineage")
                #expect(status == .ok && lineage["run"] == nil && lineage["logged_model"] == nil, "\(lineage)")
                let (page, _) = try await UIRouteTests.html(client, "/models/orphan/versions/\(version)")
                #expect(page == .ok)
            }
        }
    }

    @Test("a traversing source is refused before anything is stored", arguments: [
        "mlflow-artifacts:/0/../../../../etc/passwd",
        "mlflow-artifacts:/0/%252e%252e/%252e%252e/etc/passwd",
        "//proc/self/root/etc/passwd",
        "file:///etc/passwd",
        "..\\\\..\\\\etc\\\\passwd",
    ])
    func traversalSource(source: String) async throws {
        try await RouteFixture().test { client in
            _ = try await client.post("\(api)/registered-models/create", #"{"name": "m"}"#)
            expectMLflowError(
                try await client.post("\(api)/model-versions/create", #"{"name": "m", "source": "\#(source)"}"#),
                .badRequest, "INVALID_PARAMETER_VALUE", mentioning: "source"
            )
            let (_, search) = try await client.get("\(api)/model-versions/search?filter=name%3D%27m%27")
            #expect(search["model_versions"] == nil || (search["model_versions"] as? [Any])?.isEmpty == true)
        }
    }
}
