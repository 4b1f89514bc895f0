import AviaryCore

/// A per-column drift test, named as Evidently names it, with Evidently's default threshold.
public enum DriftMethod: String, Sendable, CaseIterable, Codable {
    case ks
    case chisquare
    case z
    case wasserstein
    case jensenshannon
    case psi
    case kl_div
    case hellinger

    /// Evidently's default threshold: a p-value for the tests, a distance for the rest.
    public var defaultThreshold: Double {
        switch self {
        case .ks, .chisquare, .z: 0.05
        case .wasserstein, .jensenshannon, .psi, .kl_div, .hellinger: 0.1
        }
    }

    /// Whether `score` means drift under `threshold`: Evidently's rule per test (KS drifts at
    /// p ≤ threshold, chi-squared and z at p < threshold, distances at ≥ threshold).
    public func detectsDrift(score: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: score <= threshold
        case .chisquare, .z: score < threshold
        default: score >= threshold
        }
    }

    /// True when the score is a p-value (small means drift); false for distances.
    public var scoreIsPValue: Bool {
        switch self {
        case .ks, .chisquare, .z: true
        default: false
        }
    }

    /// The method named `name`, or an error listing the names there are.
    public static func named(_ name: String) throws -> DriftMethod {
        guard let method = DriftMethod(rawValue: name) else {
            throw AviaryError.invalid("unknown drift test '\(name)'; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return method
    }

    /// Evidently's `_get_default_stattest`: small references (≤ 1,000 rows) get a statistical
    /// test — KS for numeric columns with more than 5 values, chi-squared for more than 2, the
    /// z-test for two; larger references get Wasserstein (numeric, > 5 values) or Jensen–Shannon.
    static func defaultMethod(isNumeric: Bool, referenceCount: Int, distinctValues: Int) -> DriftMethod {
        if referenceCount <= 1000 {
            if isNumeric, distinctValues > 5 { return .ks }
            return distinctValues > 2 ? .chisquare : .z
        }
        return isNumeric && distinctValues > 5 ? .wasserstein : .jensenshannon
    }
}
