import Foundation

/// The p-value tests Evidently's drift detection runs, with scipy's arithmetic.
public enum HypothesisTests {
    /// Pearson's chi-squared goodness of fit (scipy's `chisquare(observed, expected)`):
    /// the statistic and its p-value with `k − 1` degrees of freedom.
    public static func chiSquared(observed: [Double], expected: [Double]) -> (statistic: Double, pValue: Double) {
        var statistic = 0.0
        for (o, e) in zip(observed, expected) {
            statistic += (o - e) * (o - e) / e
        }
        let degrees = Double(observed.count - 1)
        guard degrees > 0 else { return (statistic, .nan) }
        return (statistic, SpecialFunctions.chiSquaredSurvival(statistic, degrees: degrees))
    }

    /// Two-proportion z-test, two-sided, with the pooled proportion (Evidently's
    /// `proportions_diff_z_stat_ind` and `proportions_diff_z_test`): `hits` of `n` in each sample.
    public static func twoProportionZ(referenceHits: Double, referenceCount: Double,
                                      currentHits: Double, currentCount: Double) -> (statistic: Double, pValue: Double) {
        let p1 = referenceHits / referenceCount
        let p2 = currentHits / currentCount
        let pooled = (p1 * referenceCount + p2 * currentCount) / (referenceCount + currentCount)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / referenceCount + 1 / currentCount)).squareRoot()
        return (z, 2 * (1 - SpecialFunctions.normalCDF(abs(z))))
    }
}
