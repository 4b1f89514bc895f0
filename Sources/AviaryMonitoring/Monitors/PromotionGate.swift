import AviaryCore
import Foundation

/// Decides whether a challenger may replace the champion: it must beat it on the gate's live
/// metric with statistical significance over the window both were serving in, on enough
/// labelled rows, and pass the data-quality checks.
///
/// Accuracy is compared with a one-sided two-proportion z-test (pooled); the other metrics are
/// means of per-row losses (log loss, absolute, squared or relative error), compared with a
/// one-sided Welch t-test (scipy's `ttest_ind(equal_var=False, alternative=…)`). RMSE is
/// tested through the per-row squared errors, whose mean orders versions the same way.
public enum PromotionGate {
    /// Metrics that are means over rows, which the tests above apply to.
    public static func testableMetrics(_ task: ModelTask) -> [String] {
        switch task {
        case .classification: ["accuracy", "log_loss"]
        case .regression: ["mae", "rmse", "mape"]
        }
    }

    /// One side of the comparison.
    public struct Side: Sendable, Codable, Equatable {
        public var variant: String
        public var version: String
        /// Labelled rows in the shared window.
        public var rows: Int
        /// The metric over those rows; nil without rows.
        public var value: Double?
    }

    /// The gate's verdict with everything it was based on; recorded as tags by `aviary models promote`.
    public struct Decision: Sendable, Codable, Equatable {
        public var metric: String
        public var higherIsBetter: Bool
        public var alpha: Double
        public var minSamples: Int
        public var champion: Side
        public var challenger: Side
        /// `two-proportion z` or `Welch t`.
        public var test: String
        public var statistic: Double?
        /// P(a challenger this much better by chance, if it were no better).
        public var pValue: Double?
        /// Start of the shared window, milliseconds since 1970.
        public var windowStart: Int64?
        /// Failed rules of the data-quality suite on the challenger's inputs; nil without a suite.
        public var qualityFailures: [String]?
        public var promote: Bool
        /// Why, in one sentence.
        public var reason: String
    }

    /// Compares the labelled predictions of two variants, each already limited to the version it
    /// serves now. Only rows from the later of their first timestamps on are compared, so both
    /// saw the same period's traffic.
    public static func evaluate(
        task: ModelTask, metric: String, alpha: Double, minSamples: Int,
        champion: (variant: String, version: String, labeled: [LabeledPrediction]),
        challenger: (variant: String, version: String, labeled: [LabeledPrediction]),
        qualityFailures: [String]?
    ) throws -> Decision {
        guard let higherIsBetter = task.metrics.first(where: { $0.name == metric })?.higherIsBetter, testableMetrics(task).contains(metric) else {
            throw AviaryError.invalid("gate.metric: '\(metric)' cannot be tested for \(task.rawValue); use \(testableMetrics(task).joined(separator: ", "))")
        }
        let start = [champion.labeled.first?.timestamp, challenger.labeled.first?.timestamp].compactMap { $0 }.max()
        func rows(_ labeled: [LabeledPrediction]) -> [Double] {
            var values: [Double] = []
            for prediction in labeled where prediction.timestamp >= (start ?? 0) {
                values += LiveQuality.perRow(metric, task: task, outputs: prediction.outputs, width: prediction.outputWidth, truth: prediction.truth) ?? []
            }
            return values
        }
        let a = rows(champion.labeled)
        let b = rows(challenger.labeled)
        func side(_ name: String, _ version: String, _ values: [Double]) -> Side {
            var value = values.isEmpty ? nil : LiveQuality.mean(values)
            if metric == "rmse" { value = value.map { $0.squareRoot() } }
            return Side(variant: name, version: version, rows: values.count, value: value)
        }
        var decision = Decision(
            metric: metric, higherIsBetter: higherIsBetter, alpha: alpha, minSamples: minSamples,
            champion: side(champion.variant, champion.version, a), challenger: side(challenger.variant, challenger.version, b),
            test: metric == "accuracy" ? "two-proportion z" : "Welch t", windowStart: start, qualityFailures: qualityFailures,
            promote: false, reason: ""
        )
        guard a.count >= minSamples, b.count >= minSamples else {
            decision.reason = "not enough labelled rows in the shared window: champion \(a.count), challenger \(b.count), need \(minSamples) each"
            return decision
        }
        // Both tests ask whether the challenger's mean is better: higher correctness, lower loss.
        let (statistic, pValue) = metric == "accuracy" ? proportionTest(better: b, than: a) : welchTest(lower: b, than: a)
        decision.statistic = statistic
        decision.pValue = pValue
        let better = higherIsBetter ? decision.challenger.value! > decision.champion.value! : decision.challenger.value! < decision.champion.value!
        if !better {
            decision.reason = "the challenger's \(metric) \(format(decision.challenger.value!)) is not better than the champion's \(format(decision.champion.value!))"
        } else if !(pValue < alpha) {
            decision.reason = "the challenger's \(metric) is better but not significantly: p = \(format(pValue)) ≥ α = \(alpha)"
        } else if let failures = qualityFailures, !failures.isEmpty {
            decision.reason = "the challenger's inputs fail data-quality rules: \(failures.joined(separator: "; "))"
        } else {
            decision.promote = true
            decision.reason = "the challenger's \(metric) \(format(decision.challenger.value!)) beats the champion's \(format(decision.champion.value!)) with p = \(format(pValue)) < α = \(alpha)"
        }
        return decision
    }

    /// One-sided pooled two-proportion z-test that `better`'s share of 1s exceeds `than`'s.
    static func proportionTest(better b: [Double], than a: [Double]) -> (Double, Double) {
        let n1 = Double(b.count), n2 = Double(a.count)
        let p1 = b.reduce(0, +) / n1, p2 = a.reduce(0, +) / n2
        let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        let spread = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        guard spread > 0 else { return (0, 1) }
        let z = (p1 - p2) / spread
        return (z, 1 - SpecialFunctions.normalCDF(z))
    }

    /// One-sided Welch t-test that `lower`'s mean is below `than`'s: scipy's
    /// `ttest_ind(lower, than, equal_var=False, alternative="less")`.
    static func welchTest(lower b: [Double], than a: [Double]) -> (Double, Double) {
        func moments(_ x: [Double]) -> (mean: Double, variance: Double, n: Double) {
            let n = Double(x.count)
            let mean = x.reduce(0, +) / n
            return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1), n)
        }
        let (m1, v1, n1) = moments(b)
        let (m2, v2, n2) = moments(a)
        let s1 = v1 / n1, s2 = v2 / n2
        guard s1 + s2 > 0 else { return (0, m1 < m2 ? 0 : 1) }
        let t = (m1 - m2) / (s1 + s2).squareRoot()
        let degrees = (s1 + s2) * (s1 + s2) / (s1 * s1 / (n1 - 1) + s2 * s2 / (n2 - 1))
        return (t, 1 - SpecialFunctions.studentTSurvival(t, degrees: degrees))
    }

    static func format(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
