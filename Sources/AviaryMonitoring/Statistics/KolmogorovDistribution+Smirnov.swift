import Foundation

extension KolmogorovDistribution {
    // MARK: - One-sided Smirnov tail (`scipy.special.smirnov`, xsf `cephes/kolmogorov.h`)

    /// cephes' MINLOG, log(2^-1075): exp of anything lower is zero.
    static let minLog = -7.451332191019412076235E2
    /// Beyond this n the exact sum takes too long and xsf switches to an approximation.
    static let smirnovMaximumComputeN = 1_000_000
    /// The upper sum alternates in sign, so it is only used when it has at most this many terms…
    static let smirnovUpperMaximumTerms = 3
    /// …and n is at least this.
    static let smirnovUpperMinimumN = 10

    /// P(D_n+ > x), the one-sided Smirnov survival function, by the Smirnov/Birnbaum–Tingey sum
    /// Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) x (x + v/n)^(v−1) (1 − x − v/n)^(n−v) in double-double arithmetic,
    /// with the binomial and the powers carried as (significand, exponent) so they never overflow.
    static func smirnov(_ n: Int, _ x: Double) -> Double {
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
    static func modNX(_ n: Int, _ x: Double) -> (alpha: Double, floor: Int) {
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
    struct BinomialCoefficient {
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
    static func smirnovTerm(n: Int, x: Double, v: Int, binomial: BinomialCoefficient) -> DoubleDouble {
        let t2x = DoubleDouble(Double(n - v)) / Double(n) - x
        let (t2, t2E) = scaledPower(t2x, n - v)
        let t1x = DoubleDouble(Double(v)) / Double(n) + x
        let (t1, t1E) = scaledPower(t1x, v - 1)
        let product = (t1 * t2) * binomial.significand
        return product.ldexp(binomial.exponent + t1E + t2E)
    }

    /// xsf's split point for powers: keeps both halves of a double-double normal (< 1023 − 52).
    static let smirnovMaximumExponent = 960

    /// a^m as (significand, exponent) (`pow2Scaled_D`). A power that would underflow is taken in
    /// chunks small enough to stay above 2^-960, multiplying the rescaled chunks together.
    static func scaledPower(_ a: DoubleDouble, _ m: Int) -> (DoubleDouble, Int) {
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
    static func nextPowerOf2(_ x: Double) -> Double {
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
    static func powerOfRatio(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ m: Int) -> DoubleDouble {
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
