import Foundation

/// The two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp(x, y)` computes it
/// (`method="auto"`): the exact distribution of the statistic when both samples have at most
/// 10,000 values, Kolmogorov's distribution for `round(n·m / (n + m))` otherwise.
public enum KolmogorovSmirnov {
    /// scipy's `MAX_AUTO_N`.
    static let maximumExactSize = 10_000

    /// The statistic D (as scipy reports it, rounded to the lattice h/lcm on the exact path) and its p-value.
    public struct Result: Sendable, Equatable {
        public var statistic: Double
        public var pValue: Double
    }

    /// Both samples must be non-empty and free of NaN.
    public static func test(_ x: [Double], _ y: [Double]) -> Result {
        test(sortedX: x.sorted(), sortedY: y.sorted())
    }

    static func test(sortedX a: [Double], sortedY b: [Double]) -> Result {
        let n1 = a.count
        let n2 = b.count
        var d = statistic(sortedA: a, sortedB: b)
        let g = gcd(n1, n2)
        var p = Double.nan
        var exact = max(n1, n2) <= maximumExactSize
        if exact {
            let lcm = Double(n1 / g) * Double(n2)
            let h = Int((d * lcm).rounded(.toNearestOrEven))
            d = Double(h) / lcm
            if h == 0 {
                p = 1
            } else if n1 == n2 {
                p = probabilityOutsideSquare(n: n1, h: h)
            } else {
                p = outerProbabilityInside(m: n1, n: n2, g: g, h: h)
            }
            if !(p.isFinite && p >= 0 && p <= 1) { exact = false }
        }
        if !exact {
            let m = Double(max(n1, n2))
            let n = Double(min(n1, n2))
            let en = (m * n / (m + n)).rounded(.toNearestOrEven)
            p = KolmogorovDistribution.survival(d, n: Int(en))
        }
        return Result(statistic: d, pValue: min(max(p, 0), 1))
    }

    /// max |F_a − F_b| over the pooled values, both CDFs taken right-continuous (ties counted).
    static func statistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        var i = 0
        var j = 0
        var largest = 0.0
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        while i < a.count || j < b.count {
            let value = j >= b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
            while i < a.count, a[i] <= value { i += 1 }
            while j < b.count, b[j] <= value { j += 1 }
            largest = max(largest, abs(Double(i) / n1 - Double(j) / n2))
        }
        return largest
    }

    /// scipy's `_compute_prob_outside_square(n, h)`: equal sample sizes.
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var total = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            total = p1 * (1 - total)
            k -= 1
        }
        return 2 * total
    }

    /// scipy's `_compute_outer_prob_inside_method(m, n, g, h)` (Hodges' inside method, computing
    /// 1 − p directly after Viehmann): the share of lattice paths that leave the band.
    static func outerProbabilityInside(m mIn: Int, n nIn: Int, g: Int, h: Int) -> Double {
        let m = max(mIn, nIn)
        let n = min(mIn, nIn)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: lenA)
        for k in minj..<maxj where k < lenA { a[k] = 0 }
        for i in 1...m {
            let lastminj = minj
            let lastlen = curlen
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var value = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                value = (a[jj + minj - lastminj] * Double(i) + value * Double(j)) / Double(i + j)
                a[jj] = value
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in (maxj - minj)..<(maxj - minj + lastlen - curlen) where k < a.count { a[k] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        b == 0 ? a : gcd(b, a % b)
    }
}
