import Foundation

// MARK: - Double-double arithmetic (xsf `cephes/dd_real.h`, from the qd package)

/// An unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2: about 106 bits of significand. Each operator
/// mirrors the qd overload xsf's C++ resolves to for the same operand types (double-double with
/// double has its own, cheaper algorithms), so the results match bit for bit.
struct DoubleDouble {
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
