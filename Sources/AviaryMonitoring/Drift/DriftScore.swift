import AviaryCore
import Foundation

/// Each drift test's score, computed exactly as Evidently's stattest functions compute it
/// (`evidently/legacy/calculations/stattests/*.py`), on samples without missing values.
enum DriftScore {
    static func compute(_ method: DriftMethod, reference: DriftSample, current: DriftSample, counts: ValueCounts, integerData: Bool) throws -> Double {
        switch method {
        case .ks:
            guard case .numbers(let r) = reference, case .numbers(let c) = current else { throw numericOnly(method) }
            return KolmogorovSmirnov.test(sortedX: r, sortedY: c).pValue
        case .wasserstein:
            guard case .numbers(let r) = reference, case .numbers(let c) = current else { throw numericOnly(method) }
            // np.std (population) of the reference, floored at 0.001.
            let mean = r.reduce(0, +) / Double(r.count)
            let std = (r.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(r.count)).squareRoot()
            return DistributionDistances.wasserstein(sortedU: r, sortedV: c) / max(std, 0.001)
        case .chisquare:
            let scale = Double(current.count) / Double(reference.count)
            return HypothesisTests.chiSquared(observed: counts.current, expected: counts.reference.map { $0 * scale }).pValue
        case .z:
            if counts.count == 1 { return 1 }
            // The share of the first key in sorted order; the two-sided p-value does not depend on which key.
            let first = counts.labels.isEmpty ? 0 : counts.labels.indices.min { counts.labels[$0] < counts.labels[$1] }!
            return HypothesisTests.twoProportionZ(
                referenceHits: Double(reference.count) - counts.reference[first], referenceCount: Double(reference.count),
                currentHits: Double(current.count) - counts.current[first], currentCount: Double(current.count)
            ).pValue
        case .jensenshannon:
            let (r, c) = binnedShares(reference: reference, current: current, counts: counts, integerData: integerData, fillZeroes: false)
            return DistributionDistances.jensenShannon(r, c)
        case .psi:
            let (r, c) = binnedShares(reference: reference, current: current, counts: counts, integerData: integerData, fillZeroes: true)
            return DistributionDistances.populationStability(reference: r, current: c)
        case .kl_div:
            let (r, c) = binnedShares(reference: reference, current: current, counts: counts, integerData: integerData, fillZeroes: true)
            return DistributionDistances.kullbackLeibler(r, c)
        case .hellinger:
            return hellinger(reference: reference, current: current, counts: counts, integerData: integerData)
        }
    }

    private static func numericOnly(_ method: DriftMethod) -> AviaryError {
        AviaryError.invalid("the \(method.rawValue) test needs a numeric column")
    }

    /// Evidently's `get_binned_data`: numeric columns with more than 20 distinct reference
    /// values are cut into Sturges bins over both datasets; others are counted per value.
    /// With `fillZeroes`, empty bins get a small share (min share / 10^6, or 0.0001).
    static func binnedShares(reference: DriftSample, current: DriftSample, counts: ValueCounts, integerData: Bool, fillZeroes: Bool) -> ([Double], [Double]) {
        var r: [Double]
        var c: [Double]
        if case .numbers(let refValues) = reference, case .numbers(let curValues) = current, counts.referenceDistinct > 20 {
            let edges = Histogram.sturgesEdges(sortedA: refValues, sortedB: curValues, integerData: integerData)
            r = Histogram.counts(sorted: refValues, edges: edges).map { $0 / Double(refValues.count) }
            c = Histogram.counts(sorted: curValues, edges: edges).map { $0 / Double(curValues.count) }
        } else {
            r = counts.reference.map { $0 / Double(reference.count) }
            c = counts.current.map { $0 / Double(current.count) }
        }
        if fillZeroes {
            r = filledZeroes(r)
            c = filledZeroes(c)
        }
        return (r, c)
    }

    static func filledZeroes(_ shares: [Double]) -> [Double] {
        guard let smallest = shares.filter({ $0 != 0 }).min() else { return shares }
        let fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001
        return shares.map { $0 == 0 ? fill : $0 }
    }

    /// Evidently's `_hellinger_distance`: for categories √(1 − Σ √(p·q)); for numbers the same
    /// over density histograms on Sturges bins of the distinct values, times the bin width.
    static func hellinger(reference: DriftSample, current: DriftSample, counts: ValueCounts, integerData: Bool) -> Double {
        var coefficient = 0.0
        if case .numbers(let r) = reference, case .numbers(let c) = current {
            let edges = Histogram.sturgesEdges(counts.numbers, integerData: integerData)
            let h1 = densities(Histogram.counts(sorted: r, edges: edges), edges: edges)
            let h2 = densities(Histogram.counts(sorted: c, edges: edges), edges: edges)
            // In halves: the range of values near ±1.8e308 is beyond a Double, its half is not.
            let width = (edges.last! / 2 - edges.first! / 2) / Double(edges.count - 1) * 2
            for k in h1.indices { coefficient += (h1[k] * h2[k]).squareRoot() * width }
        } else {
            for k in 0..<counts.count {
                let p = counts.reference[k] / Double(reference.count)
                let q = counts.current[k] / Double(current.count)
                coefficient += (p * q).squareRoot()
            }
        }
        return (1 - min(max(coefficient, 0), 1)).squareRoot()
    }

    /// `np.histogram(density=True)`: counts / (total · bin width).
    static func densities(_ counts: [Double], edges: [Double]) -> [Double] {
        let total = counts.reduce(0, +)
        return counts.indices.map { counts[$0] / (edges[$0 + 1] - edges[$0]) / total }
    }
}
