import Foundation

extension KolmogorovDistribution {
    // MARK: - Durbin matrix (`_kolmogn_DMTW`)

    /// Pr(D_n ≤ d) by Durbin's matrix algorithm as Marsaglia, Tsang & Wang evaluate it: the (k, k)
    /// entry of n!/n^n · H^n for an m×m matrix H, m = 2k − 1, with d = (k − h)/n.
    static func durbinMatrix(_ n: Int, _ d: Double) -> ScaledProbability {
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
    static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
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
}
