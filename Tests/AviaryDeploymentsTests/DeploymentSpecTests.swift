import AviaryCore
import Testing
@testable import AviaryDeployments

private let validSpec = """
        name: churn
        variants:
          - {name: champion, model: "models:/churn@champion", weight: 80}
          - {name: challenger, model: "models:/churn@challenger", weight: 20}
          - {name: shadow, model: "models:/churn/1", shadow: true}
        """
private let loggedSpec = validSpec + "\nprediction_log: {path: log.db}"

/// Deployment specs refuse what cannot be served, naming the field and the rule.
@Suite("Deployment specs")
struct DeploymentSpecTests {
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
}

/// Assignment follows the weights and never moves a sticky key.
@Suite("Traffic split")
struct TrafficSplitTests {
    @Test("keys split 80/20 within a percent, always to the same variant; so do consecutive draws; shadows get nothing")
    func assignment() throws {
        let spec = try DeploymentSpec(yaml: validSpec)
        let split = TrafficSplit(spec.variants)
        var counts: [String: Int] = [:]
        for k in 0..<20_000 {
            let index = split.index(key: "customer-\(k)")
            counts[spec.variants[index].name, default: 0] += 1
            #expect(split.index(key: "customer-\(k)") == index)
        }
        #expect(abs(Double(counts["champion"]!) / 20_000 - 0.8) < 0.01)
        #expect(counts["shadow"] == nil)
        // Without a key: a counter's consecutive values, split the same way.
        let unkeyed = (0..<UInt64(20_000)).filter { spec.variants[split.index(draw: $0 &* 0x9E37_79B9_7F4A_7C15)].name == "champion" }.count
        #expect(abs(Double(unkeyed) / 20_000 - 0.8) < 0.01)
        #expect(TrafficSplit.fnv1a("a") == 0xaf63_dc4c_8601_ec8c, "FNV-1a's published value for \"a\": stable across runs")
    }

    @Test("a variant of weight 0 is never picked; one of weight 100 always is")
    func zeroWeight() throws {
        let spec = try DeploymentSpec(yaml: """
            name: churn
            variants:
              - {name: idle, model: m, weight: 0}
              - {name: all, model: m, weight: 100}
            """)
        let split = TrafficSplit(spec.variants)
        #expect((0..<UInt64(5_000)).allSatisfy { split.index(draw: $0) == 1 })
        #expect((0..<5_000).allSatisfy { split.index(key: "k\($0)") == 1 })
    }
}
