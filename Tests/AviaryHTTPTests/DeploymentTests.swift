@testable import AviaryHTTP
import AviaryCore
import AviaryDeployments
import AviaryModels
import Foundation
import Testing

private let validSpec = """
        name: churn
        variants:
          - {name: champion, model: "models:/churn@champion", weight: 80}
          - {name: challenger, model: "models:/churn@challenger", weight: 20}
          - {name: shadow, model: "models:/churn/1", shadow: true}
        """

/// A deployment serves its spec's variants: scoring routes recognised without the router, and
/// shadow scoring bounded.
@Suite("Deployments")
struct DeploymentTests {
    static let valid = validSpec

    @Test("scoring paths are recognised without the router; any other path is left to it", arguments: [
        ("/deployments/churn/invocations", DeploymentScoring.Wire.mlflow as DeploymentScoring.Wire?, "churn"),
        ("/v2/models/churn-2/infer", .openInference, "churn-2"),
        ("/deployments/churn/predictions", nil, ""),
        ("/deployments//invocations", nil, ""),
        ("/deployments/a/b/invocations", nil, ""),
        ("deployments/churn/invocations", nil, ""),
        ("/deployments/churn/invocations/", nil, ""),
        ("/v2/models/churn/ready", nil, ""),
        ("/v2/models/churn/versions/1/infer", nil, ""),
    ])
    func scoringRoute(path: String, wire: DeploymentScoring.Wire?, name: String) {
        let route = DeploymentScoring.Route(path: path)
        #expect(route?.wire == wire)
        #expect(route.map { String($0.name) } == (wire == nil ? nil : name))
    }

    @Test("the media type of a Content-Type value ignores parameters, blanks and case; none means JSON")
    func mediaType() {
        #expect(ServedModel.mediaType(nil) == "application/json")
        #expect(ServedModel.mediaType("application/json") == "application/json")
        #expect(ServedModel.mediaType(" Text/CSV ; charset=utf-8") == "text/csv")
        #expect(ServedModel.mediaType("\tapplication/json\t;") == "application/json")
        #expect(ServedModel.mediaType("") == "application/json")
        #expect(ServedModel.mediaType(" ; charset=utf-8") == "application/json")
    }

    @Test("at most maximumShadowsInFlight shadow scorings run at once; the rest are skipped and counted")
    func shadowCap() throws {
        let spec = try DeploymentSpec(yaml: Self.valid)
        let package = try ModelPackage.load(from: Self.stumpFile())
        let models = Dictionary(uniqueKeysWithValues: spec.variants.map { ($0.name, ServedModel(package: package, name: "m", version: "1", maximumBodySize: 1 << 20)) })
        let deployment = Deployment(spec: spec, models: models, maximumShadowsInFlight: 3)
        #expect((0..<5).map { _ in deployment.reserveShadow() } == [true, true, true, false, false])
        #expect(deployment.shadowsSkipped.load(ordering: .relaxed) == 2)
        deployment.releaseShadow()
        #expect(deployment.reserveShadow() && !deployment.reserveShadow())
        #expect(deployment.shadowsSkipped.load(ordering: .relaxed) == 3)
    }

    static func stumpFile() throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-stump-\(UUID().uuidString).json")
        try Data(#"""
            {"learner": {"learner_model_param": {"base_score": "[0E0]", "num_class": "0", "num_feature": "1"},
              "objective": {"name": "reg:squarederror"}, "feature_names": ["a"], "feature_types": ["float"],
              "gradient_booster": {"name": "gbtree", "model": {"tree_info": [0], "trees": [
                {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
                 "split_conditions": [0.5, 1, 2], "default_left": [1, 0, 0], "split_type": [0, 0, 0]}]}}}}
            """#.utf8).write(to: file)
        return file
    }
}
