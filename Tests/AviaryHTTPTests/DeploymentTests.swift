@testable import AviaryHTTP
import AviaryCore
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
private let loggedSpec = validSpec + "\nprediction_log: {path: log.db}"

/// Deployment specs refuse what cannot be served, naming the field; assignment follows the
/// weights and never moves a sticky key.
@Suite("Deployments")
struct DeploymentTests {
    static let valid = validSpec


    @Test("the production-loop sections parse")
    func productionLoop() throws {
        let spec = try DeploymentSpec(yaml: loggedSpec + """

            task: regression
            monitor: {every_predictions: 500, reference: training, thresholds: {mae: {max: 2.5}}}
            alerts: {webhook: "http://127.0.0.1:9000/hook", secret_env: HOOK, command: [./retrain.sh, churn], cooldown_seconds: 0}
            gate: {metric: rmse, alpha: 0.01, min_samples: 500}
            """)
        #expect(spec.task == .regression)
        #expect(spec.monitor == .init(everySeconds: nil, everyPredictions: 500, window: 1000, reference: "training", driftShare: 0.5,
                                      qualitySuite: nil, liveWindow: 1000, thresholds: ["mae": .init(min: nil, max: 2.5)]))
        #expect(spec.alerts?.webhook?.url.port == 9000 && spec.alerts?.command == ["./retrain.sh", "churn"] && spec.alerts?.cooldownSeconds == 0)
        #expect(spec.gate == .init(metric: "rmse", alpha: 0.01, minSamples: 500))
    }

    @Test("a valid spec parses with defaults")
    func valid() throws {
        let spec = try DeploymentSpec(yaml: Self.valid)
        #expect(spec.name == "churn" && spec.stickyHeader == "X-Aviary-Key" && spec.refreshSeconds == 5)
        #expect(spec.serving.map(\.name) == ["champion", "challenger"])
        #expect(spec.variants[2].shadow && spec.variants[2].weight == 0)
    }

    @Test("bad specs are refused with the field and the rule", arguments: [
        ("name: churn\nvariants:\n  - {name: a, model: m, weight: 80}\n  - {name: b, model: m, weight: 10}", "weights must sum to 100, got 90"),
        ("name: churn\nvariants:\n  - {name: a, model: m, weight: 100}\n  - {name: a, model: m, weight: 0}", "variants[1].name: 'a' is used by two variants"),
        ("name: churn\nvariants:\n  - {name: a, model: m, weight: 100}\n  - {name: s, model: m, weight: 5, shadow: true}", "variants[1].weight: a shadow variant takes no traffic share"),
        ("name: churn\nvariants:\n  - {name: a, weight: 100}", "variants[0].model: required"),
        ("name: churn\nvariants:\n  - {name: a, model: m, weight: 101}", "variants[0].weight: required for a serving variant"),
        ("name: churn\nvariants:\n  - {name: a, model: m, weight: 100, wieght: 3}", "variants[0].wieght: unknown field"),
        ("name: ../x\nvariants: []", "name: required, letters, digits"),
        ("name: churn\nvariants: []", "variants: required"),
        ("name: churn\nsticky_header: 'a b'\nvariants:\n  - {name: a, model: m, weight: 100}", "sticky_header:"),
        ("name: [unclosed", "not valid YAML"),
        (validSpec + "\ntask: ranking", "task: classification or regression"),
        (validSpec + "\nmonitor: {every_seconds: 60}", "monitor: needs prediction_log"),
        (loggedSpec + "\nmonitor: {window: 100}", "monitor: give every_seconds, every_predictions or both"),
        (loggedSpec + "\nmonitor: {every_seconds: 60, thresholds: {mae: {max: 1}}}", "monitor.thresholds.mae: not a classification metric"),
        (loggedSpec + "\nmonitor: {every_seconds: 60, drift_share: 2}", "monitor.drift_share: a share of columns from 0 to 1"),
        (loggedSpec + "\ngate: {metric: mae}", "gate.metric: one of accuracy, precision, recall, f1, roc_auc, log_loss for task classification"),
        (loggedSpec + "\nalerts: {webhook: 'http://169.254.169.254/latest/meta-data/'}", "alerts.webhook: '169.254.169.254' resolves to 169.254.169.254"),
        (loggedSpec + "\nalerts: {webhook: 'http://metadata.google.internal/'}", "alerts.webhook: 'metadata.google.internal' is a cloud metadata service"),
        (loggedSpec + "\nalerts: {webhook: 'file:///etc/passwd'}", "alerts.webhook: an http:// or https:// URL"),
        (loggedSpec + "\nalerts: {command: 'rm -rf /'}", "alerts.command: a list, the program then its arguments (no shell)"),
        // Issue 19: numbers that became traps in durations, sleeps and window products.
        (validSpec + "\nrefresh_seconds: .inf", "refresh_seconds: a number from 0 up to 2592000"),
        (validSpec + "\nrefresh_seconds: 1e19", "refresh_seconds: a number from 0 up to 2592000"),
        (validSpec + "\nprediction_log: {path: log.db, flush_seconds: .inf}", "prediction_log.flush_seconds: a number from 0.01 up to 3600"),
        (validSpec + "\nprediction_log: {path: log.db, flush_seconds: 0.000001}", "prediction_log.flush_seconds: a number from 0.01"),
        (validSpec + "\nprediction_log: {path: log.db, retention_days: 1e12}", "prediction_log.retention_days: a positive number up to 36500"),
        (loggedSpec + "\nmonitor: {every_seconds: 1e16}", "monitor.every_seconds: a positive number up to 2592000"),
        (loggedSpec + "\nmonitor: {every_seconds: .nan}", "monitor.every_seconds: a positive number"),
        (loggedSpec + "\nmonitor: {every_seconds: 60, window: 9223372036854775807}", "monitor.window: a whole number from 1 to 10000000"),
        (loggedSpec + "\nalerts: {cooldown_seconds: -1}", "alerts.cooldown_seconds: a number from 0"),
        // A "billion laughs" spec hung the request; anchors and aliases are refused before expansion.
        ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + validSpec, "anchors (&a) and aliases are not accepted"),
    ])
    func refused(yaml: String, message: String) {
        #expect {
            try DeploymentSpec(yaml: yaml)
        } throws: { error in
            (error as? AviaryError).map { $0.code == .invalidParameterValue && $0.message.contains(message) } ?? false
        }
    }

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

    @Test("keys split 80/20 within a percent, always to the same variant; so do keyless draws")
    func assignment() throws {
        let spec = try DeploymentSpec(yaml: Self.valid)
        let package = try ModelPackage.load(from: Self.stumpFile())
        let models = Dictionary(uniqueKeysWithValues: spec.variants.map { ($0.name, ServedModel(package: package, name: "m", version: "1", maximumBodySize: 1 << 20)) })
        let deployment = Deployment(spec: spec, models: models)
        var counts: [String: Int] = [:]
        for k in 0..<20_000 {
            let variant = deployment.assign(key: "customer-\(k)")
            counts[variant.name, default: 0] += 1
            #expect(deployment.assign(key: "customer-\(k)") == variant)
        }
        #expect(abs(Double(counts["champion"]!) / 20_000 - 0.8) < 0.01)
        #expect(counts["shadow"] == nil)
        // Without a key: fresh draws, split the same way.
        let unkeyed = (0..<20_000).filter { _ in deployment.assign(key: nil).name == "champion" }.count
        #expect(abs(Double(unkeyed) / 20_000 - 0.8) < 0.01)
        #expect(Deployment.fnv1a("a") == 0xaf63_dc4c_8601_ec8c, "FNV-1a's published value for \"a\": stable across runs")
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
