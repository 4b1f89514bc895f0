import Foundation

extension KolmogorovDistribution {
    // MARK: - Pomeranz recursion (`_kolmogn_Pomeranz`)

    /// Pr(D_n ≤ x) by Pomeranz's recursion: 2n + 1 rows, each the convolution of the previous
    /// row's few non-zero entries with (almost) Poisson probabilities; the answer is n! times the
    /// last entry of the last row.
    static func pomeranz(_ n: Int, _ x: Double) -> ScaledProbability {
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
    static func pomeranzWindow(
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
    static func pythonSlice(_ a: [Double], _ start: Int, _ stop: Int) -> [Double] {
        func clamp(_ i: Int) -> Int { i < 0 ? max(i + a.count, 0) : min(i, a.count) }
        let lower = clamp(start)
        let upper = clamp(stop)
        return lower < upper ? Array(a[lower..<upper]) : []
    }

    /// `np.convolve(a, b)` in "full" mode: entry k is Σ a[i]·b[k − i], summed along the longer
    /// operand as numpy's correlate loop does.
    static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
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
}
