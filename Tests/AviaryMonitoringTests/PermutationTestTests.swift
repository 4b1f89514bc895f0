import AviaryCore
@testable import AviaryMonitoring
import Testing

/// The gate's permutation test against its definition: each deal's metrics against
/// `LiveQuality` on the same groups, and the Monte Carlo p-value against the exact one from
/// every possible deal of a small sample.
@Suite("Permutation test")
struct PermutationTestTests {
    /// Every way of choosing `k` of `0..<n`, as membership masks.
    static func splits(_ n: Int, choosing k: Int) -> [[Bool]] {
        guard k > 0 else { return [Array(repeating: false, count: n)] }
        guard n > k else { return [Array(repeating: true, count: n)] }
        return splits(n - 1, choosing: k - 1).map { $0 + [true] } + splits(n - 1, choosing: k).map { $0 + [false] }
    }

    /// The rows `members` marks (or leaves unmarked), `width` outputs each.
    static func group(_ rows: PermutationTest.Rows, _ members: [Bool], width: Int, marked: Bool = true) -> PermutationTest.Rows {
        var picked = PermutationTest.Rows(outputs: [], truth: [])
        for row in members.indices where members[row] == marked {
            picked.outputs += rows.outputs[(row * width)..<((row + 1) * width)]
            picked.truth.append(rows.truth[row])
        }
        return picked
    }

    @Test("a binary deal's precision, recall, F1 and ROC AUC per group equal LiveQuality's on those groups",
          arguments: ["precision", "recall", "f1", "roc_auc"])
    func binaryDeal(metric: String) throws {
        let (scores, labels) = LiveQualityTests.sample(400)
        let rows = PermutationTest.Rows(outputs: scores, truth: labels)
        let deal = try BinaryDeal(metric: metric, rows: rows)
        var generator = SplitMix64(seed: 7)
        var members = (0..<400).map { $0 < 150 }
        for _ in 0..<20 {
            members.shuffle(using: &generator)
            let test = PermutationTest(metric: metric, width: 1)
            let expected = try test.value(Self.group(rows, members, width: 1))! - test.value(Self.group(rows, members, width: 1, marked: false))!
            #expect(abs(deal.difference(challenger: members)! - expected) < 1e-12)
        }
    }

    @Test("the p-value is within Monte Carlo error of the exact one over every deal", arguments: [
        ("f1", 1), ("roc_auc", 1), ("precision", 1), ("f1", 3), ("roc_auc", 3),
    ])
    func exactDistribution(metric: String, width: Int) throws {
        // 12 rows: the first 6 the challenger's, a little better than the champion's.
        let (scores, labels) = LiveQualityTests.sample(12 * width)
        let truth = width == 1 ? Array(labels.prefix(12)) : (0..<12).map { Double($0 % width) }
        var outputs = Array(scores.prefix(12 * width))
        for row in 0..<6 { outputs[row * width + (width == 1 ? 0 : Int(truth[row]))] += width == 1 ? (truth[row] == 1 ? 0.15 : -0.15) : 0.3 }
        let rows = PermutationTest.Rows(outputs: outputs, truth: truth)
        let test = PermutationTest(metric: metric, width: width)
        let challenger = Self.group(rows, (0..<12).map { $0 < 6 }, width: width)
        let champion = Self.group(rows, (0..<12).map { $0 < 6 }, width: width, marked: false)
        let (observed, pValue) = try #require(try test.run(challenger: challenger, champion: champion))
        var reached = 0.0
        let all = Self.splits(12, choosing: 6)
        for members in all {
            let better = try test.value(Self.group(rows, members, width: width))
            let worse = try test.value(Self.group(rows, members, width: width, marked: false))
            if let better, let worse, better - worse >= observed - 1e-12 { reached += 1 } else if better == nil || worse == nil { reached += 1 }
        }
        let exact = reached / Double(all.count)
        let resamples = Double(PermutationTest.defaultResamples)
        #expect(exact > 0.01 && exact < 0.9, "a sample whose p-value is neither 0 nor 1 (exact \(exact))")
        #expect(abs(pValue - exact) <= 4 * (exact * (1 - exact) / resamples).squareRoot() + 1 / resamples, "exact \(exact), got \(pValue)")
        #expect(try test.run(challenger: challenger, champion: champion)!.pValue == pValue, "seeded: the same rows give the same p")
    }

    @Test("the gate tests F1 by permutation: promotes a clearly better challenger, refuses the reverse")
    func gateOnF1() throws {
        let (scores, labels) = LiveQualityTests.sample(600)
        func labeled(_ range: Range<Int>, sharpen: Double) -> [LabeledPrediction] {
            range.map { k in
                let score = min(max(scores[k] + (labels[k] == 1 ? sharpen : -sharpen), 0), 1)
                return LabeledPrediction(variant: "v", modelVersion: "1", shadow: false, timestamp: Int64(k % 300), outputs: [score], outputWidth: 1, truth: [labels[k]])
            }
        }
        let good = labeled(0..<300, sharpen: 0.3), plain = labeled(300..<600, sharpen: 0)
        let promoted = try PromotionGate.evaluate(
            task: .classification, metric: "f1", alpha: 0.05, minSamples: 100, champion: ("a", "1", plain), challenger: ("b", "2", good), qualityFailures: nil
        )
        #expect(promoted.promote && promoted.test == "permutation" && promoted.pValue! < 0.01, "\(promoted.reason)")
        #expect(promoted.statistic! == promoted.challenger.value! - promoted.champion.value!)
        let refused = try PromotionGate.evaluate(
            task: .classification, metric: "f1", alpha: 0.05, minSamples: 100, champion: ("b", "2", good), challenger: ("a", "1", plain), qualityFailures: nil
        )
        #expect(!refused.promote && refused.reason.contains("not better") && refused.pValue! > 0.9)
    }
}
