import Foundation
import Hummingbird
import HummingbirdTesting
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
