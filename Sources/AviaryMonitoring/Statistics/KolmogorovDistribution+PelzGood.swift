import Foundation

extension KolmogorovDistribution {
    // MARK: - Pelz–Good expansion (`_kolmogn_PelzGood`)

    static let sqrtTwoPi = 2.5066282746310002  // np.sqrt(2π)
    static let logTwoPi = 1.8378770664093453  // np.log(2π)
    static let sqrt3 = 1.7320508075688772
    static let piSquared = 9.869604401089358  // π**2 as Python computes it
    static let piFourth = 97.40909103400242
    static let piSixth = 961.3891935753043

    /// Pelz & Good's approximation to Pr(D_n ≤ x): the Li-Chien/Korolyuk expansion
    /// K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 at z = x√n, each term rewritten through Jacobi's theta
    /// identity into a series that converges fast for small z.
    static func pelzGood(_ n: Int, _ x: Double) -> Double {
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
    static func pairwiseSum(_ a: [Double]) -> Double {
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
    static let stirlingCoefficients = [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ]

    /// log(n!/n^n) by Stirling's series, with n·log n removed up front so nothing cancels.
    static func logFactorialOverPower(_ n: Int) -> Double {
        let nd = Double(n)
        let rn = 1.0 / nd
        let u = rn / nd
        var series = 0.0  // np.polyval: Horner from a zero start
        for c in stirlingCoefficients { series = series * u + c }
        return log(nd) / 2 - nd + logTwoPi / 2 + rn * series
    }
}
