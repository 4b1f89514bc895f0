import Foundation

/// The two cephes routines xsf's Smirnov code calls instead of libm's.
enum Cephes {
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
