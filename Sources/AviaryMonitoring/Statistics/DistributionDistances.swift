import Foundation

/// Distances between two samples or two histograms, as scipy and Evidently define them.
public enum DistributionDistances {
    /// The first Wasserstein distance between two samples (scipy's `wasserstein_distance(u, v)`):
    /// the area between their empirical CDFs.
    public static func wasserstein(_ u: [Double], _ v: [Double]) -> Double {
        wasserstein(sortedU: u.sorted(), sortedV: v.sorted())
    }

    /// `wasserstein` on samples already sorted: one merge pass over the pooled values.
    static func wasserstein(sortedU su: [Double], sortedV sv: [Double]) -> Double {
        guard !su.isEmpty, !sv.isEmpty else { return .nan }
        var distance = 0.0
        var iu = 0
        var iv = 0
        let nu = Double(su.count)
        let nv = Double(sv.count)
        // Walk the pooled sorted values; between consecutive ones the CDFs are constant.
        var current = min(su[0], sv[0])
        while true {
            while iu < su.count, su[iu] <= current { iu += 1 }
            while iv < sv.count, sv[iv] <= current { iv += 1 }
            guard iu < su.count || iv < sv.count else { return distance }
            let next = iu == su.count ? sv[iv] : (iv == sv.count ? su[iu] : min(su[iu], sv[iv]))
            distance += abs(Double(iu) / nu - Double(iv) / nv) * (next - current)
            current = next
        }
    }

    /// scipy's `distance.jensenshannon(p, q)`: both normalised to sum 1, natural logarithm,
    /// the square root of the divergence.
    public static func jensenShannon(_ p: [Double], _ q: [Double]) -> Double {
        let (p, q) = (normalized(p), normalized(q))
        // scipy sums each side separately, then adds the two sums.
        var left = 0.0
        var right = 0.0
        for k in p.indices {
            let m = (p[k] + q[k]) / 2
            left += relativeEntropy(p[k], m)
            right += relativeEntropy(q[k], m)
        }
        return ((left + right) / 2).squareRoot()
    }

    /// scipy's `stats.entropy(p, q)`: the Kullback–Leibler divergence of `q` from `p`, both normalised.
    public static func kullbackLeibler(_ p: [Double], _ q: [Double]) -> Double {
        let (p, q) = (normalized(p), normalized(q))
        return zip(p, q).reduce(0) { $0 + relativeEntropy($1.0, $1.1) }
    }

    /// Population stability index, Evidently's definition: Σ (current − reference) · ln(current / reference)
    /// over the bins' shares.
    public static func populationStability(reference: [Double], current: [Double]) -> Double {
        zip(reference, current).reduce(0) { $0 + ($1.1 - $1.0) * log($1.1 / $1.0) }
    }

    /// Hellinger distance, Evidently's definition: √(Σ (√p − √q)²) / √2 over the bins' shares.
    public static func hellinger(_ p: [Double], _ q: [Double]) -> Double {
        let sum = zip(p, q).reduce(0) { $0 + pow($1.0.squareRoot() - $1.1.squareRoot(), 2) }
        return sum.squareRoot() / 2.0.squareRoot()
    }

    /// scipy's `special.rel_entr(x, y)` as scipy 1.17 computes it (xsf `convex_analysis.h`):
    /// near x = y it uses log1p, which keeps the tiny Jensen–Shannon distances of similar
    /// distributions accurate (plain x·log(x/y) loses about 1e-9 relative there).
    static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        guard x > 0, y > 0 else { return x == 0 && y >= 0 ? 0 : .infinity }
        let ratio = x / y
        if ratio > 0.5, ratio < 2 { return x * log1p((x - y) / y) }
        if ratio > Double.leastNormalMagnitude, ratio < .infinity { return x * log(ratio) }
        return x * (log(x) - log(y))
    }

    static func normalized(_ values: [Double]) -> [Double] {
        let total = values.reduce(0, +)
        return values.map { $0 / total }
    }
}
