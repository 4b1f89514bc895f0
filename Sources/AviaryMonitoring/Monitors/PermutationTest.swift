import AviaryCore

/// A one-sided permutation test that one group of labelled rows scores better than another on a
/// live metric that is not a mean over rows (precision, recall, F1, ROC AUC), where no z- or
/// t-test applies: scipy's `permutation_test(…, permutation_type="independent",
/// alternative="greater")` with the challenger's minus the champion's metric as the statistic.
///
/// The rows of both groups are pooled and dealt out again at random, `resamples` times, keeping
/// the group sizes; the p-value is the share of deals whose difference is at least the observed
/// one, counting the observed deal: (k + 1) / (resamples + 1). The generator is seeded, so the
/// same rows always give the same p-value and the gate's decision can be repeated.
///
/// Binary classifiers get every deal's metric in one pass over the rows (ROC AUC from one sort
/// of the pooled scores, with each group's ranks taken from it), so a test over n rows costs
/// O(n log n + resamples × n); multiclass metrics are recomputed per deal with `LiveQuality`.
public struct PermutationTest {
    /// Rows of one group: `width` outputs per row, row-major, and one truth per row.
    public struct Rows {
        /// `width` numbers per row, row-major.
        public var outputs: [Double]
        /// One class index per row.
        public var truth: [Double]

        public init(outputs: [Double], truth: [Double]) {
            self.outputs = outputs
            self.truth = truth
        }
    }

    /// Default deals: the Monte Carlo error of p around 0.05 is then about ±0.005.
    public static let defaultResamples = 1_999

    let metric: String
    let width: Int
    let resamples: Int

    /// - Parameters:
    ///   - metric: `precision`, `recall`, `f1` or `roc_auc` (`LiveQuality`'s definitions).
    ///   - width: outputs per row: 1 for a binary classifier's P(class 1), else one per class.
    public init(metric: String, width: Int, resamples: Int = defaultResamples) {
        self.metric = metric
        self.width = width
        self.resamples = resamples
    }

    /// The metric of `rows`; nil when it is undefined there (ROC AUC with one class).
    public func value(_ rows: Rows) throws -> Double? {
        try LiveQuality.compute(task: .classification, outputs: rows.outputs, width: width, truth: rows.truth)[metric]
    }

    /// The observed difference (challenger minus champion) and the p-value that a challenger no
    /// better than the champion would show at least that difference; nil when the metric is
    /// undefined for either group.
    public func run(challenger: Rows, champion: Rows) throws -> (statistic: Double, pValue: Double)? {
        guard let better = try value(challenger), let worse = try value(champion) else { return nil }
        let observed = better - worse
        let pooled = Rows(outputs: challenger.outputs + champion.outputs, truth: challenger.truth + champion.truth)
        let deal = try width == 1 ? BinaryDeal(metric: metric, rows: pooled) : nil
        var generator = SplitMix64(seed: 0x5EED)
        var members = Array(repeating: false, count: pooled.truth.count)
        for row in 0..<challenger.truth.count { members[row] = true }
        // scipy's tolerance: differences within 100 ulps of the observed one count as reaching it.
        let reach = observed - abs(observed) * 100 * Double.ulpOfOne
        var extreme = 0
        for _ in 0..<resamples {
            members.shuffle(using: &generator)
            let difference: Double?
            if let deal {
                difference = deal.difference(challenger: members)
            } else {
                difference = try multiclassDifference(pooled, challenger: members)
            }
            // A deal on which the metric is undefined counts against the challenger.
            if (difference ?? .infinity) >= reach { extreme += 1 }
        }
        return (observed, Double(extreme + 1) / Double(resamples + 1))
    }

    private func multiclassDifference(_ pooled: Rows, challenger members: [Bool]) throws -> Double? {
        var groups = [Rows(outputs: [], truth: []), Rows(outputs: [], truth: [])]
        for (row, isChallenger) in members.enumerated() {
            let group = isChallenger ? 0 : 1
            groups[group].outputs += pooled.outputs[(row * width)..<((row + 1) * width)]
            groups[group].truth.append(pooled.truth[row])
        }
        guard let better = try value(groups[0]), let worse = try value(groups[1]) else { return nil }
        return better - worse
    }
}

/// A binary classifier's pooled rows prepared once, so each deal's precision, recall, F1 or ROC
/// AUC per group is one pass over the rows.
struct BinaryDeal {
    let metric: String
    /// Per row: predicted class 1 (P > 0.5) and truth 1.
    let predicted: [Bool]
    let positive: [Bool]
    /// Rows by ascending score, and where each run of tied scores ends (exclusive).
    let order: [Int]
    let tieEnds: [Int]

    init(metric: String, rows: PermutationTest.Rows) throws {
        for y in rows.truth where y != 0 && y != 1 {
            throw AviaryError.invalid("truth: a binary classifier's ground truth is 0 or 1, got \(y)")
        }
        self.metric = metric
        predicted = rows.outputs.map { $0 > 0.5 }
        positive = rows.truth.map { $0 == 1 }
        let scores = rows.outputs
        order = metric == "roc_auc" ? scores.indices.sorted { scores[$0] < scores[$1] } : []
        var ends: [Int] = []
        for k in order.indices where k + 1 == order.count || scores[order[k + 1]] != scores[order[k]] { ends.append(k + 1) }
        tieEnds = ends
    }

    /// The challenger's metric minus the champion's, for the rows `challenger` marks; nil when
    /// undefined for either.
    func difference(challenger members: [Bool]) -> Double? {
        let values = metric == "roc_auc" ? aucs(members) : counted(members)
        guard let better = values.0, let worse = values.1 else { return nil }
        return better - worse
    }

    /// Precision, recall or F1 of both groups from their confusion counts (0 when undefined,
    /// as `LiveQuality` does).
    private func counted(_ members: [Bool]) -> (Double?, Double?) {
        var tp = (0.0, 0.0), fp = (0.0, 0.0), fn = (0.0, 0.0)
        for row in members.indices {
            switch (predicted[row], positive[row], members[row]) {
            case (true, true, true): tp.0 += 1
            case (true, true, false): tp.1 += 1
            case (true, false, true): fp.0 += 1
            case (true, false, false): fp.1 += 1
            case (false, true, true): fn.0 += 1
            case (false, true, false): fn.1 += 1
            default: break
            }
        }
        func score(_ tp: Double, _ fp: Double, _ fn: Double) -> Double {
            switch metric {
            case "precision": tp + fp == 0 ? 0 : tp / (tp + fp)
            case "recall": tp + fn == 0 ? 0 : tp / (tp + fn)
            default: 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
            }
        }
        return (score(tp.0, fp.0, fn.0), score(tp.1, fp.1, fn.1))
    }

    /// Both groups' ROC AUC as Mann–Whitney statistics, with each group's ranks (tied scores
    /// sharing their mean) read off the pooled order instead of sorting the group.
    private func aucs(_ members: [Bool]) -> (Double?, Double?) {
        var rankSum = (0.0, 0.0), ranked = (0, 0), positives = (0, 0)
        var start = 0
        for end in tieEnds {
            var count = (0, 0), hits = (0, 0)
            for k in start..<end {
                let row = order[k]
                if members[row] {
                    count.0 += 1
                    if positive[row] { hits.0 += 1 }
                } else {
                    count.1 += 1
                    if positive[row] { hits.1 += 1 }
                }
            }
            // A group's tied rows take its ranks ranked+1 … ranked+count, whose mean is ranked + (count + 1) / 2.
            rankSum.0 += Double(hits.0) * (Double(ranked.0) + Double(count.0 + 1) / 2)
            rankSum.1 += Double(hits.1) * (Double(ranked.1) + Double(count.1 + 1) / 2)
            ranked = (ranked.0 + count.0, ranked.1 + count.1)
            positives = (positives.0 + hits.0, positives.1 + hits.1)
            start = end
        }
        func auc(_ sum: Double, _ positives: Int, _ total: Int) -> Double? {
            let p = Double(positives), n = Double(total - positives)
            guard p > 0, n > 0 else { return nil }
            return (sum - p * (p + 1) / 2) / (p * n)
        }
        return (auc(rankSum.0, positives.0, ranked.0), auc(rankSum.1, positives.1, ranked.1))
    }
}
