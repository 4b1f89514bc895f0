import Foundation

/// The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic
/// D_n = sup_t |F_n(t) − F(t)| for n observations.
///
/// A port of scipy 1.17.1's `scipy.stats._ksstats.kolmogn` (what `kstwo.sf`/`kstwo.cdf` call) and of
/// the one-sided `scipy.special.smirnov` it leans on (xsf's `cephes/kolmogorov.h`). The method is
/// chosen exactly as scipy chooses it (Simard & L'Ecuyer 2011): Ruben–Gambino closed forms at both
/// ends, the Durbin matrix with Marsaglia–Tsang–Wang scaling, Pomeranz's recursion, the Pelz–Good
/// expansion and 2·smirnov for the upper tail. The arithmetic follows scipy's too, down to the
/// evaluation order and the places where numpy silently switches to `longdouble`, so p-values
/// agree with scipy to rounding.
enum KolmogorovDistribution {
    /// P(D_n > x) for the two-sided one-sample Kolmogorov–Smirnov statistic D_n with n observations
    /// (scipy's `kstwo.sf(x, n)`, i.e. `_ksstats.kolmogn(n, x, cdf=False)`).
    static func survival(_ x: Double, n: Int) -> Double {
        kolmogn(n, x, cdf: false)
    }

    /// P(D_n <= x) (`kstwo.cdf`).
    static func cdf(_ x: Double, n: Int) -> Double {
        kolmogn(n, x, cdf: true)
    }

    // MARK: - Method selection (`_kolmogn`)

    /// Cut-over to the Durbin matrix for n ≤ 140 (`n·x² ≤ 0.754693`), from Simard & L'Ecuyer.
    static let durbinMaximumNXSquared = 0.754693

    static func kolmogn(_ n: Int, _ x: Double, cdf: Bool) -> Double {
        // scipy returns nan for a non-positive n and raises on a nan x deep inside Pelz–Good.
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return cdf ? 1 : 0 }
        if x <= 0 { return cdf ? 0 : 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            // Ruben–Gambino: for 1/2n ≤ x ≤ 1/n the CDF is n!/n^n · (2t − 1)^n.
            if t <= 0.5 { return cdf ? 0 : 1 }
            let prob: Double
            if n <= 140 {
                // np.prod over (i · (1/n)) · (2t − 1): a left-to-right product.
                var product = 1.0
                for i in 1...n { product *= Double(i) * (1.0 / nd) * (2 * t - 1) }
                prob = product
            } else {
                prob = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return clip(cdf ? prob : 1 - prob)
        }
        if t >= Double(n - 1) {
            // Ruben–Gambino: for x ≥ 1 − 1/n the SF is 2(1 − x)^n.
            let prob = 2 * pow(1 - x, nd)
            return clip(cdf ? 1 - prob : prob)
        }
        if x >= 0.5 {
            // The events D+ ≥ x and D− ≥ x are disjoint here, so the SF is exactly twice one tail.
            let prob = 2 * smirnov(n, x)
            return clip(cdf ? 1 - prob : prob)
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= durbinMaximumNXSquared { return durbinMatrix(n, x).select(cdf: cdf) }
            if nxSquared <= 4 { return pomeranz(n, x).select(cdf: cdf) }
            // Miller's approximation: the two tails barely overlap this far out.
            let prob = 2 * smirnov(n, x)
            return clip(cdf ? 1 - prob : prob)
        }
        // scipy splits CDF and SF here: the SF switches to 2·smirnov much earlier, where 1 − CDF
        // would have cancelled away the digits that matter for a small p-value.
        if !cdf {
            if nxSquared >= 370 { return 0 }
            if nxSquared >= 2.2 { return clip(2 * smirnov(n, x)) }
        }
        if nxSquared >= 18 { return cdf ? 1 : 0 }
        if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 { return durbinMatrix(n, x).select(cdf: cdf) }
        let prob = pelzGood(n, x)
        return clip(cdf ? prob : 1 - prob)
    }

    /// `np.clip(p, 0, 1)`: NaN passes through.
    static func clip<T: BinaryFloatingPoint>(_ p: T) -> T {
        p < 0 ? 0 : (p > 1 ? 1 : p)
    }

    // MARK: - numpy's longdouble promotion

    #if (arch(i386) || arch(x86_64)) && !os(Windows) && !os(Android)
    /// numpy's `longdouble` on this platform: the x87 80-bit format.
    typealias Wide = Float80
    #else
    /// Where Swift has no 80-bit type numpy's `longdouble` is either `double` (Apple silicon) or a
    /// software quad we cannot mirror; Double is then the faithful or the nearest choice.
    typealias Wide = Double
    #endif

    /// scipy's `_EP128`/`_EM128` are `longdouble`; multiplying a float64 by one promotes it.
    static let up128: Wide = 0x1p128
    static let down128: Wide = 0x1p-128

    /// A CDF value as scipy's Durbin and Pomeranz routines hand it back: float64, or longdouble once
    /// a rescale by `_EP128`/`_EM128` promoted it. Kept apart so that `1 − p` rounds as numpy's does.
    enum ScaledProbability {
        case double(Double)
        case wide(Wide)

        /// `_select_and_clip_prob(p, 1 − p, cdf)`, computed in the value's own precision.
        func select(cdf: Bool) -> Double {
            switch self {
            case .double(let p): return clip(cdf ? p : 1 - p)
            case .wide(let p): return Double(clip(cdf ? p : 1 - p))
            }
        }
    }

    /// `np.ldexp` for float64: glibc's rounds once, also into the subnormal range.
    static func ldexpExact(_ x: Double, _ e: Int) -> Double {
        ldexp(x, Int32(clamping: e))
    }

    #if (arch(i386) || arch(x86_64)) && !os(Windows) && !os(Android)
    /// `np.ldexp` for longdouble; the result never comes near Float80's subnormals.
    static func ldexpExact(_ x: Float80, _ e: Int) -> Float80 {
        Float80(sign: .plus, exponent: e, significand: x)
    }
    #endif
}
