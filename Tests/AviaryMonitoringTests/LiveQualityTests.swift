import AviaryCore
@testable import AviaryMonitoring
import Foundation
import Testing

/// Live-quality metrics against their definitions computed the slow, obvious way, and the
/// gate's distributions against numerical integration.
@Suite("Live quality and the promotion gate")
struct LiveQualityTests {
    /// Deterministic scores with ties and labels loosely following them.
    static func sample(_ n: Int) -> (scores: [Double], labels: [Double]) {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let scores = (0..<n).map { _ in (next() * 20).rounded() / 20 }  // 21 distinct values: many ties
        let labels = scores.map { next() < $0 ? 1.0 : 0.0 }
        return (scores, labels)
    }

    @Test("ROC AUC equals the share of correctly ordered positive–negative pairs, ties counting half")
    func rocAUC() throws {
        let (scores, labels) = Self.sample(600)
        var ordered = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] == 1 {
            for j in scores.indices where labels[j] == 0 {
                pairs += 1
                ordered += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        let metrics = try LiveQuality.compute(task: .classification, outputs: scores, width: 1, truth: labels)
        #expect(abs(metrics["roc_auc"]! - ordered / pairs) < 1e-12)
    }

    @Test("accuracy, precision, recall and F1 follow from the confusion counts; per-row losses average to the metric")
    func confusion() throws {
        let (scores, labels) = Self.sample(1000)
        let predicted = scores.map { $0 > 0.5 ? 1.0 : 0.0 }
        let tp = Double(zip(predicted, labels).filter { $0 == 1 && $1 == 1 }.count)
        let fp = Double(zip(predicted, labels).filter { $0 == 1 && $1 == 0 }.count)
        let fn = Double(zip(predicted, labels).filter { $0 == 0 && $1 == 1 }.count)
        let metrics = try LiveQuality.compute(task: .classification, outputs: scores, width: 1, truth: labels)
        #expect(metrics["precision"] == tp / (tp + fp) && metrics["recall"] == tp / (tp + fn))
        #expect(abs(metrics["f1"]! - 2 * metrics["precision"]! * metrics["recall"]! / (metrics["precision"]! + metrics["recall"]!)) < 1e-12)
        for metric in ["accuracy", "log_loss"] {
            let rows = try #require(try LiveQuality.perRow(metric, task: .classification, outputs: scores, width: 1, truth: labels))
            #expect(abs(LiveQuality.mean(rows) - metrics[metric]!) < 1e-12)
        }
        // A two-column softmax output of the same probabilities is the same classifier.
        let twoColumns = scores.flatMap { [1 - $0, $0] }
        let multi = try LiveQuality.compute(task: .classification, outputs: twoColumns, width: 2, truth: labels)
        #expect(abs(multi["log_loss"]! - metrics["log_loss"]!) < 1e-12)
        #expect(abs(multi["roc_auc"]! - metrics["roc_auc"]!) < 1e-12)
    }

    @Test("bad ground truth is refused")
    func refused() {
        #expect(throws: (any Error).self) { try LiveQuality.compute(task: .classification, outputs: [0.2, 0.9], width: 1, truth: [0, 2]) }
        #expect(throws: (any Error).self) { try LiveQuality.compute(task: .classification, outputs: [0.2, 0.9], width: 1, truth: [0]) }
    }

    @Test("the gate on log loss refuses a truth that is not a class (it indexed past the row and trapped)", arguments: [3.0, -1, 1e300, 0.5, .nan])
    func gateRefusesTruthOutsideClasses(truth: Double) {
        let row = { (y: Double) in LabeledPrediction(variant: "v", modelVersion: "1", shadow: false, timestamp: 1, outputs: [0.2, 0.3, 0.5], outputWidth: 3, truth: [y]) }
        let labeled = [row(0), row(truth), row(2)]
        #expect(throws: AviaryError.self) {
            try PromotionGate.evaluate(task: .classification, metric: "log_loss", alpha: 0.05, minSamples: 1, champion: ("a", "1", labeled), challenger: ("b", "2", labeled), qualityFailures: nil)
        }
        #expect(throws: AviaryError.self) { try LiveQuality.perRow("accuracy", task: .classification, outputs: [0.2, 0.3, 0.5], width: 3, truth: [truth]) }
    }

    @Test("the incomplete beta function equals its integral (Simpson's rule, 20,000 panels)", arguments: [
        (0.3, 2.0, 3.0), (0.7, 5.5, 0.5), (0.05, 1.5, 7.0), (0.95, 40.0, 0.5),
    ])
    func incompleteBeta(x: Double, a: Double, b: Double) {
        func density(_ t: Double) -> Double { pow(t, a - 1) * pow(1 - t, b - 1) }
        func integral(_ upper: Double) -> Double {
            let n = 20_000
            let h = upper / Double(n)
            var sum = density(0) + density(upper)
            for k in 1..<n { sum += density(Double(k) * h) * (k % 2 == 1 ? 4 : 2) }
            return sum * h / 3
        }
        // a ≥ 1 in every case, so the density is bounded on [0, x] and Simpson's rule converges.
        let beta = exp(lgamma(a) + lgamma(b) - lgamma(a + b))
        #expect(abs(SpecialFunctions.regularizedBeta(x, a: a, b: b) - integral(x) / beta) < 1e-6)
    }

    @Test("Student's t tails are symmetric and approach the normal's for many degrees of freedom")
    func studentT() {
        for t in [-2.5, -0.3, 0.0, 1.1, 3.0] {
            #expect(abs(SpecialFunctions.studentTSurvival(t, degrees: 7.3) + SpecialFunctions.studentTSurvival(-t, degrees: 7.3) - 1) < 1e-12)
            #expect(abs(SpecialFunctions.studentTSurvival(t, degrees: 1e7) - (1 - SpecialFunctions.normalCDF(t))) < 1e-6)
        }
    }
}
