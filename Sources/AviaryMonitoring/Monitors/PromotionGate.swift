import AviaryCore
import Foundation

/// Decides whether a challenger may replace the champion: it must beat it on the gate's live
/// metric with statistical significance over the window both were serving in, on enough
/// labelled rows, and pass the data-quality checks.
///
/// Accuracy is compared with a one-sided two-proportion z-test (pooled); log loss, MAE, RMSE
/// and MAPE, means of per-row losses, with a one-sided Welch t-test (scipy's
/// `ttest_ind(equal_var=False, alternative=…)`; RMSE through the per-row squared errors, whose
/// mean orders versions the same way); precision, recall, F1 and ROC AUC, which are not means
/// over rows, with a one-sided permutation test (`PermutationTest`).
public enum PromotionGate {
    /// Every live metric of `task`, each with a test; the first is the default.
    public static func testableMetrics(_ task: ModelTask) -> [String] {
        task.metrics.map(\.name)
    }

    /// Metrics that are means over rows, which the z- and t-tests apply to.
    static func isMean(_ metric: String) -> Bool {
        ["accuracy", "log_loss", "mae", "rmse", "mape"].contains(metric)
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
        /// `two-proportion z`, `Welch t` or `permutation`.
        public var test: String
        /// The test's statistic: z, t, or the permutation test's observed difference
        /// (challenger minus champion).
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

        /// This decision refused for too few labelled rows on either side.
        func refused(notEnough minSamples: Int) -> Decision {
            var decision = self
            decision.reason = "not enough labelled rows in the shared window: champion \(champion.rows), challenger \(challenger.rows), need \(minSamples) each"
            return decision
        }
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
        guard let higherIsBetter = task.metrics.first(where: { $0.name == metric })?.higherIsBetter else {
            throw AviaryError.invalid("gate.metric: '\(metric)' is not a live metric for \(task.rawValue); use \(testableMetrics(task).joined(separator: ", "))")
        }
        let start = [champion.labeled.first?.timestamp, challenger.labeled.first?.timestamp].compactMap { $0 }.max() ?? 0
        let shared = (champion: champion.labeled.filter { $0.timestamp >= start }, challenger: challenger.labeled.filter { $0.timestamp >= start })
        var decision = Decision(
            metric: metric, higherIsBetter: higherIsBetter, alpha: alpha, minSamples: minSamples,
            champion: Side(variant: champion.variant, version: champion.version, rows: 0), challenger: Side(variant: challenger.variant, version: challenger.version, rows: 0),
            test: metric == "accuracy" ? "two-proportion z" : isMean(metric) ? "Welch t" : "permutation", windowStart: start == 0 ? nil : start,
            qualityFailures: qualityFailures, promote: false, reason: ""
        )
        if isMean(metric) {
            func rows(_ labeled: [LabeledPrediction]) throws -> [Double] {
                try labeled.flatMap { try LiveQuality.perRow(metric, task: task, outputs: $0.outputs, width: $0.outputWidth, truth: $0.truth) ?? [] }
            }
            let a = try rows(shared.champion)
            let b = try rows(shared.challenger)
            func value(_ values: [Double]) -> Double? {
                values.isEmpty ? nil : metric == "rmse" ? LiveQuality.mean(values).squareRoot() : LiveQuality.mean(values)
            }
            (decision.champion.rows, decision.champion.value) = (a.count, value(a))
            (decision.challenger.rows, decision.challenger.value) = (b.count, value(b))
            guard a.count >= max(minSamples, 1), b.count >= max(minSamples, 1) else { return decision.refused(notEnough: minSamples) }
            // Both tests ask whether the challenger's mean is better: higher correctness, lower loss.
            (decision.statistic, decision.pValue) = metric == "accuracy" ? proportionTest(better: b, than: a) : welchTest(lower: b, than: a)
        } else {
            let width = shared.champion.first?.outputWidth ?? shared.challenger.first?.outputWidth ?? 1
            guard (shared.champion + shared.challenger).allSatisfy({ $0.outputWidth == width }) else {
                throw AviaryError.invalid("gate: the champion and challenger return different numbers of outputs per row; \(metric) cannot compare them")
            }
            func rows(_ labeled: [LabeledPrediction]) -> PermutationTest.Rows {
                PermutationTest.Rows(outputs: labeled.flatMap(\.outputs), truth: labeled.flatMap(\.truth))
            }
            let a = rows(shared.champion)
            let b = rows(shared.challenger)
            let test = PermutationTest(metric: metric, width: width)
            (decision.champion.rows, decision.champion.value) = (a.truth.count, a.truth.isEmpty ? nil : try test.value(a))
            (decision.challenger.rows, decision.challenger.value) = (b.truth.count, b.truth.isEmpty ? nil : try test.value(b))
            guard a.truth.count >= max(minSamples, 1), b.truth.count >= max(minSamples, 1) else { return decision.refused(notEnough: minSamples) }
            guard let (difference, pValue) = try test.run(challenger: b, champion: a) else {
                decision.reason = "\(metric) is undefined on the shared window for one side (e.g. ROC AUC with one class present)"
                return decision
            }
            (decision.statistic, decision.pValue) = (difference, pValue)
        }
        let champion = decision.champion.value!, challenger = decision.challenger.value!, pValue = decision.pValue!
        let better = higherIsBetter ? challenger > champion : challenger < champion
        if !better {
            decision.reason = "the challenger's \(metric) \(format(challenger)) is not better than the champion's \(format(champion))"
        } else if !(pValue < alpha) {
            decision.reason = "the challenger's \(metric) is better but not significantly: p = \(format(pValue)) ≥ α = \(alpha)"
        } else if let failures = qualityFailures, !failures.isEmpty {
            decision.reason = "the challenger's inputs fail data-quality rules: \(failures.joined(separator: "; "))"
        } else {
            decision.promote = true
            decision.reason = "the challenger's \(metric) \(format(challenger)) beats the champion's \(format(champion)) with p = \(format(pValue)) < α = \(alpha)"
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
