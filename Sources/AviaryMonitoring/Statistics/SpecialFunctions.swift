import Foundation

/// The special functions the drift tests' p-values need, to double precision.
enum SpecialFunctions {
    /// P(Z <= x) for a standard normal Z.
    static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// P(X > x) for X ~ chi-squared with `degrees` degrees of freedom (scipy's `chi2.sf`).
    static func chiSquaredSurvival(_ x: Double, degrees: Double) -> Double {
        guard x > 0 else { return 1 }
        // A category the reference never saw makes the statistic infinite: certainly drift.
        guard x.isFinite else { return 0 }
        return regularizedGammaQ(degrees / 2, x / 2)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): a power series
    /// below x = a + 1, Lentz's continued fraction above (Numerical Recipes §6.2), each run to
    /// machine precision.
    static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-17 { break }
        }
        return exp(logPrefix) * h
    }
}
