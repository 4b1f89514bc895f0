import Foundation

/// Distances between two samples or two histograms, as scipy and Evidently define them.
public enum DistributionDistances {
    /// The first Wasserstein distance between two samples (scipy's `wasserstein_distance(u, v)`):
    /// the area between their empirical CDFs.
    public static func wasserstein(_ u: [Double], _ v: [Double]) -> Double {
        guard !u.isEmpty, !v.isEmpty else { return .nan }
        let su = u.sorted()
        let sv = v.sorted()
        let all = (su + sv).sorted()
        var distance = 0.0
        var iu = 0
        var iv = 0
        for k in 0..<(all.count - 1) {
            // CDFs just right of all[k]: the share of each sample <= all[k].
            while iu < su.count, su[iu] <= all[k] { iu += 1 }
            while iv < sv.count, sv[iv] <= all[k] { iv += 1 }
            let delta = all[k + 1] - all[k]
            distance += abs(Double(iu) / Double(su.count) - Double(iv) / Double(sv.count)) * delta
        }
        return distance
    }

    /// scipy's `distance.jensenshannon(p, q)`: both normalised to sum 1, natural logarithm,
    /// the square root of the divergence.
    public static func jensenShannon(_ p: [Double], _ q: [Double]) -> Double {
        let (p, q) = (normalized(p), normalized(q))
        var divergence = 0.0
        for k in p.indices {
            let m = (p[k] + q[k]) / 2
            divergence += relativeEntropy(p[k], m) + relativeEntropy(q[k], m)
        }
        return (divergence / 2).squareRoot()
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

    /// scipy's `special.rel_entr(x, y)`.
    static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0, y > 0 { return x * log(x / y) }
        if x == 0, y >= 0 { return 0 }
        return .infinity
    }

    static func normalized(_ values: [Double]) -> [Double] {
        let total = values.reduce(0, +)
        return values.map { $0 / total }
    }
}
