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
    private static let durbinMaximumNXSquared = 0.754693

    private static func kolmogn(_ n: Int, _ x: Double, cdf: Bool) -> Double {
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
    private static func clip<T: BinaryFloatingPoint>(_ p: T) -> T {
        p < 0 ? 0 : (p > 1 ? 1 : p)
    }

    // MARK: - numpy's longdouble promotion

    #if (arch(i386) || arch(x86_64)) && !os(Windows) && !os(Android)
    /// numpy's `longdouble` on this platform: the x87 80-bit format.
    private typealias Wide = Float80
    #else
    /// Where Swift has no 80-bit type numpy's `longdouble` is either `double` (Apple silicon) or a
    /// software quad we cannot mirror; Double is then the faithful or the nearest choice.
    private typealias Wide = Double
    #endif

    /// scipy's `_EP128`/`_EM128` are `longdouble`; multiplying a float64 by one promotes it.
    private static let up128: Wide = 0x1p128
    private static let down128: Wide = 0x1p-128

    /// A CDF value as scipy's Durbin and Pomeranz routines hand it back: float64, or longdouble once
    /// a rescale by `_EP128`/`_EM128` promoted it. Kept apart so that `1 − p` rounds as numpy's does.
    private enum ScaledProbability {
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
    private static func ldexpExact(_ x: Double, _ e: Int) -> Double {
        ldexp(x, Int32(clamping: e))
    }

    #if (arch(i386) || arch(x86_64)) && !os(Windows) && !os(Android)
    /// `np.ldexp` for longdouble; the result never comes near Float80's subnormals.
    private static func ldexpExact(_ x: Float80, _ e: Int) -> Float80 {
        Float80(sign: .plus, exponent: e, significand: x)
    }
    #endif

    // MARK: - Durbin matrix (`_kolmogn_DMTW`)

    /// Pr(D_n ≤ d) by Durbin's matrix algorithm as Marsaglia, Tsang & Wang evaluate it: the (k, k)
    /// entry of n!/n^n · H^n for an m×m matrix H, m = 2k − 1, with d = (k − h)/n.
    private static func durbinMatrix(_ n: Int, _ d: Double) -> ScaledProbability {
        if d >= 1 { return .double(1) }
        let nd = Double(n) * d
        if nd <= 0.5 { return .double(0) }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1

        // v[j] = (1 − h^(j+1))/(j+1)! is H's first column (and, reversed, its last row);
        // w[j] = 1/j! fills the band above the diagonal.
        var v = (1...m).map { 1 - pow(h, Double($0)) }
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)  // may underflow for large m; those entries then simply vanish
            v[j - 1] *= fac
        }
        let base = 2 * h - 1
        let tt = (base > 0 ? pow(base, Double(m)) : 0) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * fac

        var matrix = [Double](repeating: 0, count: m * m)
        for i in 1..<max(m, 1) {
            for row in (i - 1)..<m { matrix[row * m + i] = w[row - i + 1] }
        }
        for row in 0..<m { matrix[row * m] = v[row] }
        for column in 0..<m { matrix[(m - 1) * m + column] = v[m - 1 - column] }

        // H^n by repeated squaring; H is rescaled by 2^-128 whenever its centre entry passes 2^128
        // so that nothing overflows, and the scale is carried as a power of two.
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var remaining = n
        var exponent = 0
        var matrixExponent = 0
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = multiply(power, matrix, m)
                exponent += matrixExponent
            }
            remaining /= 2
            // scipy also squares once more after the last bit; that square is never used.
            guard remaining > 0 else { break }
            matrix = multiply(matrix, matrix, m)
            matrixExponent *= 2
            if abs(matrix[(k - 1) * m + (k - 1)]) > 0x1p128 {
                for i in matrix.indices { matrix[i] *= 0x1p-128 }
                matrixExponent += 128
            }
        }

        // Multiply by n!/n^n one factor at a time, rescaling by 2^128 before underflow. numpy's
        // first rescale multiplies by a longdouble, so from then on scipy works in longdouble.
        var p = power[(k - 1) * m + (k - 1)]
        var wide: Wide?
        for i in 1...n {
            if var q = wide {
                q = Wide(i) * q / Wide(n)
                if abs(q) < down128 {
                    q *= up128
                    exponent -= 128
                }
                wide = q
            } else {
                p = Double(i) * p / Double(n)
                if abs(p) < 0x1p-128 {
                    wide = Wide(p) * up128
                    exponent -= 128
                }
            }
        }
        if let q = wide {
            return .wide(clip(exponent != 0 ? ldexpExact(q, exponent) : q))
        }
        return .double(clip(exponent != 0 ? ldexpExact(p, exponent) : p))
    }

    /// Row-major m×m product, summing each entry over the inner index in order.
    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for i in 0..<m {
                        for l in 0..<m {
                            let factor = a[i * m + l]
                            if factor == 0 { continue }  // skipping adds only exact zeros
                            for j in 0..<m { c[i * m + j] += factor * b[l * m + j] }
                        }
                    }
                }
            }
        }
        return c
    }

    // MARK: - Pomeranz recursion (`_kolmogn_Pomeranz`)

    /// Pr(D_n ≤ x) by Pomeranz's recursion: 2n + 1 rows, each the convolution of the previous
    /// row's few non-zero entries with (almost) Poisson probabilities; the answer is n! times the
    /// last entry of the last row.
    private static func pomeranz(_ n: Int, _ x: Double) -> ScaledProbability {
        let nd = Double(n)
        let t = nd * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let count = 2 * (ll + 1)  // the most powers any convolution needs

        // (g/n)^m/m!, (2g/n)^m/m! and ((1−2g)/n)^m/m!: Poisson probabilities short of e^−λ.
        var gPower = [Double](repeating: 1, count: count)
        var twoGPower = [Double](repeating: 1, count: count)
        var oneMinusTwoGPower = [Double](repeating: 1, count: count)
        let gOverN = g / nd
        let twoGOverN = 2 * g / nd
        let oneMinusTwoGOverN = (1 - 2 * g) / nd
        for m in 1..<count {
            gPower[m] = gPower[m - 1] * gOverN / Double(m)
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / Double(m)
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / Double(m)
        }

        // Only two rows are alive at a time, and only a window of each; v0Start and v1Start say
        // which column each window starts at.
        var v0 = [Double](repeating: 0, count: count)
        var v1 = [Double](repeating: 0, count: count)
        v1[0] = 1
        var v0Start = 0
        var v1Start = 0
        var exponent = 0
        var (j1, j2) = pomeranzWindow(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0Start, &v1Start)
            for c in v1.indices { v1[c] = 0 }
            (j1, j2) = pomeranzWindow(i, n, ll, ceilf, roundf)
            let powers = (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
            let length = j2 - k1 + 1
            guard length > 0 else { continue }
            let conv = convolve(
                pythonSlice(v0, k1 - v0Start, k1 - v0Start + length), pythonSlice(powers, 0, length))
            let convStart = j1 - k1
            let convLength = j2 - j1 + 1
            let kept = pythonSlice(conv, convStart, convStart + convLength)
            let target = min(max(convLength, 0), count)
            if kept.count == target {
                for c in 0..<target { v1[c] = kept[c] }
            } else if kept.count == 1 {
                for c in 0..<target { v1[c] = kept[0] }  // numpy broadcasts a single value
            }
            // Rescale a row that is about to underflow.
            let largest = v1.max() ?? 0
            if largest > 0 && largest < 0x1p-128 {
                for c in v1.indices { v1[c] *= 0x1p128 }
                exponent -= 128
            }
            v1Start = v0Start + j1 - k1
        }

        // Multiply by n!, scaling down by 2^128 before overflow; as in the Durbin routine numpy's
        // first rescale turns the running value into a longdouble.
        var index = n - v1Start
        if index < 0 { index += count }  // Python's negative indexing
        var answer = index >= 0 && index < count ? v1[index] : .nan
        var wide: Wide?
        for m in 1...n {
            if var q = wide {
                if abs(q) > up128 {
                    q *= down128
                    exponent += 128
                }
                q *= Wide(m)
                wide = q
            } else if abs(answer) > 0x1p128 {
                wide = Wide(answer) * down128 * Wide(m)
                exponent += 128
            } else {
                answer *= Double(m)
            }
        }
        if let q = wide {
            return .wide(clip(exponent != 0 ? ldexpExact(q, exponent) : q))
        }
        return .double(clip(exponent != 0 ? ldexpExact(answer, exponent) : answer))
    }

    /// `_pomeranz_compute_j1j2`: the columns of row i that can be non-zero.
    private static func pomeranzWindow(
        _ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int
    ) -> (Int, Int) {
        let j1: Int
        let j2: Int
        if i == 0 {
            (j1, j2) = (-ll - ceilf - 1, ll + ceilf - 1)
        } else {
            let half = (i + 1) / 2
            if (i + 1) % 2 == 0 {
                if half == n + 1 {
                    (j1, j2) = (n - ll - ceilf - 1, n + ll + ceilf - 1)
                } else {
                    (j1, j2) = (half - 1 - ll - roundf - 1, half + ll - 1 + ceilf - 1)
                }
            } else {
                (j1, j2) = (half - 1 - ll - 1, half + ll + roundf - 1)
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// `a[start:stop]` with Python's rules for negative and out-of-range bounds.
    private static func pythonSlice(_ a: [Double], _ start: Int, _ stop: Int) -> [Double] {
        func clamp(_ i: Int) -> Int { i < 0 ? max(i + a.count, 0) : min(i, a.count) }
        let lower = clamp(start)
        let upper = clamp(stop)
        return lower < upper ? Array(a[lower..<upper]) : []
    }

    /// `np.convolve(a, b)` in "full" mode: entry k is Σ a[i]·b[k − i], summed along the longer
    /// operand as numpy's correlate loop does.
    private static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        let (long, short) = b.count > a.count ? (b, a) : (a, b)
        guard !long.isEmpty, !short.isEmpty else { return [] }
        var out = [Double](repeating: 0, count: long.count + short.count - 1)
        for k in out.indices {
            var sum = 0.0
            for i in max(0, k - short.count + 1)...min(k, long.count - 1) {
                sum += long[i] * short[k - i]
            }
            out[k] = sum
        }
        return out
    }

    // MARK: - Pelz–Good expansion (`_kolmogn_PelzGood`)

    private static let sqrtTwoPi = 2.5066282746310002  // np.sqrt(2π)
    private static let logTwoPi = 1.8378770664093453  // np.log(2π)
    private static let sqrt3 = 1.7320508075688772
    private static let piSquared = 9.869604401089358  // π**2 as Python computes it
    private static let piFourth = 97.40909103400242
    private static let piSixth = 961.3891935753043

    /// Pelz & Good's approximation to Pr(D_n ≤ x): the Li-Chien/Korolyuk expansion
    /// K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 at z = x√n, each term rewritten through Jacobi's theta
    /// identity into a series that converges fast for small z.
    private static func pelzGood(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let z = Double(n).squareRoot() * x
        let z2 = pow(z, 2)
        let z3 = pow(z, 3)
        let z4 = pow(z, 4)
        let z6 = pow(z, 6)
        let qlog = -piSquared / 8 / z2
        if qlog < -708 { return 0 }  // q underflows: z ≲ 0.0417
        var q = exp(qlog)

        let k1a = -z2
        let k1b = piSquared / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * piSquared / 4
        let k2c = piFourth * (1 - 2 * z2) / 16
        let k3d = piSixth * (5 - 30 * z2) / 64
        let k3c = piFourth * (-60 * z2 + 212 * z4) / 16
        let k3b = piSquared * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)

        // Horner in q^8 over the odd integers m = 2k − 1: Σ c(m) q^(m²).
        var terms = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        for k in stride(from: maxk, through: 1, by: -1) {
            let m = 2 * k - 1
            let m2 = Double(m * m)
            let m4 = Double(m * m * m * m)
            let m6 = Double(m * m * m * m * m * m)
            let qpower = pow(q, Double(8 * k))
            let coefficients = [
                1.0,
                k1a + k1b * m2,
                k2a + k2b * m2 + k2c * m4,
                k3a + k3b * m2 + k3c * m4 + k3d * m6,
            ]
            for i in 0..<4 {
                terms[i] *= qpower
                terms[i] += coefficients[i]
            }
        }
        for i in 0..<4 { terms[i] *= q }
        for i in 0..<4 { terms[i] *= sqrtTwoPi }
        terms[0] /= z
        terms[1] /= 6 * z4
        terms[2] /= 72 * pow(z, 7)
        terms[3] /= 6480 * pow(z, 10)

        // The sums over all integers k in K2 and K3; no cancellation to fear, so summed directly.
        q = exp(-piSquared / 2 / z2)
        let sqrt3z = sqrt3 * z
        var extra2 = [Double]()
        var extra3 = [Double]()
        for k in stride(from: maxk, through: 1, by: -1) {
            let kSquared = Double(k * k)
            let kPi = Double.pi * Double(k)
            let qpower = pow(q, kSquared)
            extra2.append(kSquared * qpower)
            extra3.append((sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qpower)
        }
        terms[2] += pairwiseSum(extra2) * (piSquared * sqrtTwoPi / (-36 * z3))
        terms[3] += pairwiseSum(extra3) * (piSquared * sqrtTwoPi / (216 * z6))
        let nd = Double(n)
        for i in 0..<4 { terms[i] /= pow(nd, Double(i) / 2) }
        // Python's built-in sum: left to right.
        return terms[0] + terms[1] + terms[2] + terms[3]
    }

    /// `np.sum` of a short float64 array: numpy's pairwise summation, which for fewer than 8
    /// values adds in order and up to 128 values keeps eight interleaved partial sums.
    private static func pairwiseSum(_ a: [Double]) -> Double {
        let n = a.count
        if n < 8 {
            var sum = -0.0
            for value in a { sum += value }
            return sum
        }
        precondition(n <= 128, "pairwiseSum mirrors numpy only up to one block")
        var r = Array(a[0..<8])
        var i = 8
        while i < n - n % 8 {
            for j in 0..<8 { r[j] += a[i + j] }
            i += 8
        }
        var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n {
            sum += a[i]
            i += 1
        }
        return sum
    }

    // MARK: - log(n!/n^n) (`_log_nfactorial_div_n_pow_n`)

    /// B_{2j}/(2j)/(2j − 1) for j = 8, …, 1, highest order first (from scipy's `_loggamma.pxd`).
    private static let stirlingCoefficients = [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ]

    /// log(n!/n^n) by Stirling's series, with n·log n removed up front so nothing cancels.
    private static func logFactorialOverPower(_ n: Int) -> Double {
        let nd = Double(n)
        let rn = 1.0 / nd
        let u = rn / nd
        var series = 0.0  // np.polyval: Horner from a zero start
        for c in stirlingCoefficients { series = series * u + c }
        return log(nd) / 2 - nd + logTwoPi / 2 + rn * series
    }

    // MARK: - One-sided Smirnov tail (`scipy.special.smirnov`, xsf `cephes/kolmogorov.h`)

    /// cephes' MINLOG, log(2^-1075): exp of anything lower is zero.
    private static let minLog = -7.451332191019412076235E2
    /// Beyond this n the exact sum takes too long and xsf switches to an approximation.
    private static let smirnovMaximumComputeN = 1_000_000
    /// The upper sum alternates in sign, so it is only used when it has at most this many terms…
    private static let smirnovUpperMaximumTerms = 3
    /// …and n is at least this.
    private static let smirnovUpperMinimumN = 10

    /// P(D_n+ > x), the one-sided Smirnov survival function, by the Smirnov/Birnbaum–Tingey sum
    /// Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) x (x + v/n)^(v−1) (1 − x − v/n)^(n−v) in double-double arithmetic,
    /// with the binomial and the powers carried as (significand, exponent) so they never overflow.
    private static func smirnov(_ n: Int, _ x: Double) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }

        let (alpha, nxFloor) = modNX(n, x)
        var n1mxFloor = n - nxFloor - (alpha == 0 ? 0 : 1)
        var n1mxCeil = n - nxFloor
        // With n·x an integer the last term of either sum is zero; leave it out.
        if alpha == 0 {
            n1mxFloor -= 1
            n1mxCeil += 1
        }

        // x ≤ 1/n: the CDF is x(1 + x)^(n−1). These early answers are unclamped, as in xsf.
        if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
            let t = DoubleDouble.pow(DoubleDouble(1) + x, n - 1).hi
            return 1 - x * t
        }
        // The SF underflows.
        if Double(-2 * n) * x * x < minLog { return 0 }
        // x ≥ 1 − 1/n: the SF is (1 − x)^n.
        if nxFloor >= n - 1 { return DoubleDouble.pow(DoubleDouble(1) + (-x), n).hi }
        if n > smirnovMaximumComputeN {
            // p ≈ exp(−(6nx + 1)²/18n); the smaller of SF and CDF is computed directly.
            let logp = -pow(6.0 * Double(n) * x + 1, 2) / 18.0 / Double(n)
            if logp < -M_LN2 { return exp(logp) }
            return 1 - (-Cephes.expm1(logp))
        }

        // The upper sum (from v = n down) is shorter for small x but alternates in sign, losing
        // about 1.6 bits per term, so it is only taken for a handful of terms.
        let upperTerms = n - n1mxCeil + 1
        let useUpperSum = (upperTerms <= 1 && x < 0.5)
            || (n >= smirnovUpperMinimumN && upperTerms <= smirnovUpperMaximumTerms
                && x <= 0.5 / Double(n).squareRoot())

        var start = 0
        var step = 1
        var termCount = n1mxFloor + 1
        var term: DoubleDouble
        if useUpperSum {
            start = n
            step = -1
            termCount = n - n1mxCeil + 1
            term = powerOfRatio(1, x, 1, 0, n - 1)
        } else {
            term = powerOfRatio(1, -x, 1, 0, n) / x
        }
        var sum = DoubleDouble(0) + term
        var binomial = BinomialCoefficient()
        binomial.advance(n: n, j: 0)
        let vmid = n / 2
        var j = 1
        while j < termCount {
            let v = start + j * step
            term = smirnovTerm(n: n, x: x, v: v, binomial: binomial)
            if term.hi.isFinite && !term.isZero { sum = sum + term }
            if !term.isZero {
                // Stop once the remaining terms cannot reach the last bit of the sum.
                let bound = Double(4 * (termCount - j)) * abs(term.hi)
                if bound < Double.ulpOfOne * sum.hi && j != termCount - 1 { break }
            } else if j > vmid {
                break  // past the peak and underflowed: every later term is zero too
            }
            binomial.advance(n: n, j: j)
            j += 1
        }
        let prob = (x * sum).hi
        let sf = step < 0 ? 1 - prob : prob
        return clip(sf)
    }

    /// xsf's `modNX`: ⌊n·x⌋ and the fractional part of n·x, exactly (in double-double), with a
    /// remainder that rounds to 1 pushed into the integer part.
    private static func modNX(_ n: Int, _ x: Double) -> (alpha: Double, floor: Int) {
        let nx = Double(n) * DoubleDouble(x)
        let nxFloor = nx.floor()
        var alpha = (nx - nxFloor).hi
        var floor = Int(nxFloor.hi)
        if alpha == 1 {
            floor += 1
            alpha = 0
        }
        return (alpha, floor)
    }

    /// C(n, v) as a double-double significand in [0.5, 1) and a binary exponent: the coefficient
    /// itself overflows a double long before n reaches 10⁶.
    private struct BinomialCoefficient {
        var significand = DoubleDouble(1)
        var exponent = 0

        /// C(n, j) → C(n, j + 1).
        mutating func advance(n: Int, j: Int) {
            let ratio = DoubleDouble(Double(n - j)) / (Double(j) + 1.0)
            let (man, e) = (significand * ratio).frexp()
            exponent += e
            significand = man
        }
    }

    /// One term A_v = C(n,v) (1 − x − v/n)^(n−v) (x + v/n)^(v−1) (`computeAv`).
    private static func smirnovTerm(n: Int, x: Double, v: Int, binomial: BinomialCoefficient) -> DoubleDouble {
        let t2x = DoubleDouble(Double(n - v)) / Double(n) - x
        let (t2, t2E) = scaledPower(t2x, n - v)
        let t1x = DoubleDouble(Double(v)) / Double(n) + x
        let (t1, t1E) = scaledPower(t1x, v - 1)
        let product = (t1 * t2) * binomial.significand
        return product.ldexp(binomial.exponent + t1E + t2E)
    }

    /// xsf's split point for powers: keeps both halves of a double-double normal (< 1023 − 52).
    private static let smirnovMaximumExponent = 960

    /// a^m as (significand, exponent) (`pow2Scaled_D`). A power that would underflow is taken in
    /// chunks small enough to stay above 2^-960, multiplying the rescaled chunks together.
    private static func scaledPower(_ a: DoubleDouble, _ m: Int) -> (DoubleDouble, Int) {
        if m <= 0 {
            if m == 0 { return (DoubleDouble(1), 0) }
            let (inverse, e1) = scaledPower(a, -m)
            let (man, e2) = (1.0 / inverse).frexp()
            return (man, -e1 + e2)
        }
        let (y, yE) = a.frexp()
        if m == 1 { return (y, yE) }
        var maxExponent = smirnovMaximumExponent
        // A cheap test first; only if y^m might drop below 2^-960 is log() called.
        if Double(m) * (y.hi - 1) / y.hi < Double(-smirnovMaximumExponent) * M_LN2 {
            let lg2y = log(y.hi) / M_LN2
            let lgAnswer = Double(m) * lg2y
            if lgAnswer <= Double(-smirnovMaximumExponent) {
                maxExponent = Int(nextPowerOf2(Double(-smirnovMaximumExponent) / lg2y + 1) / 2)
            }
        }
        if m <= maxExponent {
            let (man, e) = DoubleDouble.pow(y, m).frexp()
            return (man, e + m * yE)
        }
        let q = m / maxExponent
        let r = m % maxExponent
        // y^m = (y^maxExponent)^q · y^r
        let (y2r, y2rE) = scaledPower(y, r)
        let (y2m, y2mE) = scaledPower(y, maxExponent)
        let (y2mq, y2mqE) = scaledPower(y2m, q)
        let (man, e) = (y2r * y2mq).frexp()
        return (man, e + (y2mqE + y2mE * q) + y2rE + m * yE)
    }

    /// xsf's `nextPowerOf2`, which despite its name only nudges x up by an ulp or two (x·2^(1−53)
    /// is added) and snaps it to an integer when it lands on one.
    private static func nextPowerOf2(_ x: Double) -> Double {
        let q = ldexpExact(x, 1 - (Double.significandBitCount + 1))
        var l = abs(q + x)
        if l == 0 {
            l = abs(x)
        } else if l < 0x1p31, Double(Int(l)) == l {
            l = Double(Int(l))
        }
        return l
    }

    /// ((a + b)/(c + d))^m in double-double (`pow4_D`).
    private static func powerOfRatio(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ m: Int) -> DoubleDouble {
        if m <= 0 {
            if m == 0 { return DoubleDouble(1) }
            return powerOfRatio(c, d, a, b, -m)
        }
        let numerator = DoubleDouble(a) + b
        let denominator = DoubleDouble(c) + d
        if numerator.isZero { return denominator.isZero ? DoubleDouble(.nan, .nan) : DoubleDouble(0) }
        if denominator.isZero {
            return numerator.hi < 0 || (numerator.hi == 0 && numerator.lo < 0)
                ? DoubleDouble(-.infinity, -.infinity) : DoubleDouble(.infinity, .infinity)
        }
        return DoubleDouble.pow(numerator / denominator, m)
    }
}

// MARK: - Double-double arithmetic (xsf `cephes/dd_real.h`, from the qd package)

/// An unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2: about 106 bits of significand. Each operator
/// mirrors the qd overload xsf's C++ resolves to for the same operand types (double-double with
/// double has its own, cheaper algorithms), so the results match bit for bit.
private struct DoubleDouble {
    var hi: Double
    var lo: Double

    init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }

    /// `x == 0.0` in qd: both halves zero.
    var isZero: Bool { hi == 0 && lo == 0 }

    /// fl(a + b) and its error, assuming |a| ≥ |b|.
    private static func quickTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let c = s - a
        return (s, b - c)
    }

    /// fl(a + b) and its error (Knuth).
    private static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let c = s - a
        let d = b - c
        let e = s - c
        return (s, (a - e) + d)
    }

    /// fl(a·b) and its error via a fused multiply-add.
    private static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        return (p, (-p).addingProduct(a, b))
    }

    static prefix func - (x: DoubleDouble) -> DoubleDouble {
        DoubleDouble(-x.hi, -x.lo)
    }

    /// The IEEE-style sum (Briggs and Kahan).
    static func + (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        var (s1, s2) = twoSum(lhs.hi, rhs.hi)
        let (t1, t2) = twoSum(lhs.lo, rhs.lo)
        s2 += t1
        (s1, s2) = quickTwoSum(s1, s2)
        s2 += t2
        (s1, s2) = quickTwoSum(s1, s2)
        return DoubleDouble(s1, s2)
    }

    static func + (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
        var (s1, s2) = twoSum(lhs.hi, rhs)
        s2 += lhs.lo
        (s1, s2) = quickTwoSum(s1, s2)
        return DoubleDouble(s1, s2)
    }

    static func - (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        lhs + (-rhs)
    }

    static func - (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
        var (s1, s2) = twoSum(lhs.hi, -rhs)
        s2 += lhs.lo
        (s1, s2) = quickTwoSum(s1, s2)
        return DoubleDouble(s1, s2)
    }

    static func * (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        var (p1, p2) = twoProduct(lhs.hi, rhs.hi)
        p2 += (lhs.hi * rhs.lo + lhs.lo * rhs.hi)
        (p1, p2) = quickTwoSum(p1, p2)
        return DoubleDouble(p1, p2)
    }

    static func * (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
        let (p1, e1) = twoProduct(lhs.hi, rhs)
        let (p2, e2) = twoProduct(lhs.lo, rhs)
        let (s, e) = quickTwoSum(p1, e2 + p2 + e1)
        return DoubleDouble(s, e)
    }

    static func * (lhs: Double, rhs: DoubleDouble) -> DoubleDouble {
        let (p1, e1) = twoProduct(lhs, rhs.hi)
        let (p2, e2) = twoProduct(lhs, rhs.lo)
        let (s, e) = quickTwoSum(p1, e2 + p2 + e1)
        return DoubleDouble(s, e)
    }

    /// Long division: three quotient digits, each from the remainder of the last.
    static func / (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        var q1 = lhs.hi / rhs.hi
        var r = lhs - rhs * q1
        var q2 = r.hi / rhs.hi
        r = r - rhs * q2
        let q3 = r.hi / rhs.hi
        (q1, q2) = quickTwoSum(q1, q2)
        return DoubleDouble(q1, q2) + q3
    }

    static func / (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
        lhs / DoubleDouble(rhs)
    }

    static func / (lhs: Double, rhs: DoubleDouble) -> DoubleDouble {
        DoubleDouble(lhs) / rhs
    }

    func floor() -> DoubleDouble {
        var high = hi.rounded(.down)
        var low = 0.0
        if high == hi {
            // The high word is already an integer: the low word decides.
            (high, low) = DoubleDouble.quickTwoSum(high, lo.rounded(.down))
        }
        return DoubleDouble(high, low)
    }

    /// Both halves scaled by 2^e, each rounded once as C's ldexp does.
    func ldexp(_ e: Int) -> DoubleDouble {
        let e32 = Int32(clamping: e)
        return DoubleDouble(Foundation.ldexp(hi, e32), Foundation.ldexp(lo, e32))
    }

    /// (b, e) with self = b·2^e and 0.5 ≤ |b.hi| < 1, or |b.hi| = 1 with lo of opposite sign.
    func frexp() -> (DoubleDouble, Int) {
        var e32: Int32 = 0
        var man = Foundation.frexp(hi, &e32)
        var low = Foundation.ldexp(lo, -e32)
        var exponent = Int(e32)
        if abs(man) == 0.5 && man * low < 0 {
            man *= 2
            low *= 2
            exponent -= 1
        }
        return (DoubleDouble(man, low), exponent)
    }

    /// a^m: libm's pow on the high word, corrected for the low word to first or second order, or
    /// through expm1/log1p when the correction is large (xsf's `pow_D`).
    static func pow(_ a: DoubleDouble, _ m: Int) -> DoubleDouble {
        if m <= 0 {
            if m == 0 { return DoubleDouble(1) }
            return 1.0 / pow(a, -m)
        }
        if a.isZero { return DoubleDouble(0) }
        let md = Double(m)
        let answer = Foundation.pow(a.hi, md)
        let r = a.lo / a.hi
        var adjustment = md * r
        if abs(adjustment) > 1e-8 {
            if abs(adjustment) < 1e-4 {
                // First two terms of the Taylor series of (1 + r)^m.
                adjustment += (md * r) * (Double(m - 1) / 2.0 * r)
            } else {
                adjustment = Cephes.expm1(md * log1p(r))
            }
        }
        return DoubleDouble(answer) + answer * adjustment
    }
}

// MARK: - cephes helpers

/// The two cephes routines xsf's Smirnov code calls instead of libm's.
private enum Cephes {
    /// cephes' `expm1`: a rational approximation on [−0.5, 0.5], exp(x) − 1 outside. It can
    /// differ from libm's expm1 in the last bit, and xsf uses this one.
    static func expm1(_ x: Double) -> Double {
        if !x.isFinite {
            if x.isNaN { return x }
            return x > 0 ? x : -1
        }
        if x < -0.5 || x > 0.5 { return exp(x) - 1 }
        let xx = x * x
        var r = x * polevl(xx, [1.2617719307481059087798E-4, 3.0299440770744196129956E-2, 9.9999999999999999991025E-1])
        r = r / (polevl(xx, [
            3.0019850513866445504159E-6, 2.5244834034968410419224E-3,
            2.2726554820815502876593E-1, 2.0000000000000000000897E0,
        ]) - r)
        return r + r
    }

    /// `polevl`: Horner's rule, highest coefficient first.
    static func polevl(_ x: Double, _ coefficients: [Double]) -> Double {
        var answer = coefficients[0]
        for c in coefficients.dropFirst() { answer = answer * x + c }
        return answer
    }
}
