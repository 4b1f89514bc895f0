import AviaryCore
import Foundation

/// How a LightGBM objective turns raw scores into predictions (`ObjectiveFunction::ConvertOutput`),
/// in `Double` as LightGBM computes them.
enum LightGBMObjective: Sendable, Equatable {
    case identity
    /// `1 / (1 + e^(-sigmoid * x))`: binary, cross-entropy, one-vs-all multiclass.
    case sigmoid(Double)
    /// `e^x`: poisson, gamma, tweedie.
    case exponential
    /// `sign(x) * x^2`: regression trained with `reg_sqrt`.
    case signedSquare
    /// Class probabilities: multiclass.
    case softmax

    /// Parses the `objective=` line, e.g. `binary sigmoid:1` or `multiclass num_class:3`.
    init(line: String) throws {
        let words = line.split(separator: " ").map(String.init)
        guard let name = words.first else { throw AviaryError.invalid("LightGBM model has an empty objective") }
        func option(_ key: String) -> String? {
            words.dropFirst().first { $0.hasPrefix(key + ":") }.map { String($0.dropFirst(key.count + 1)) }
        }
        switch name {
        case "binary", "multiclassova", "cross_entropy", "xentropy":
            let slope = option("sigmoid").flatMap(Double.init) ?? 1
            self = .sigmoid(slope)
        case "multiclass", "softmax": self = .softmax
        case "poisson", "gamma", "tweedie": self = .exponential
        case "regression", "regression_l2", "regression_l1", "huber", "fair", "quantile", "mape", "lambdarank", "rank_xendcg", "custom", "none":
            self = words.contains("sqrt") ? .signedSquare : .identity
        default:
            throw AviaryError.invalid("LightGBM objective '\(name)' is not supported by Aviary's native runtime")
        }
    }

    /// Transforms one row's raw scores in place.
    @inline(__always)
    func transform(_ scores: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .identity: break
        case .sigmoid(let slope):
            for k in 0..<count { scores[k] = 1 / (1 + exp(-slope * scores[k])) }
        case .exponential:
            for k in 0..<count { scores[k] = exp(scores[k]) }
        case .signedSquare:
            for k in 0..<count { scores[k] = (scores[k] < 0 ? -1 : 1) * scores[k] * scores[k] }
        case .softmax:
            var top = -Double.infinity
            for k in 0..<count { top = max(top, scores[k]) }
            var sum: Double = 0
            for k in 0..<count {
                scores[k] = exp(scores[k] - top)
                sum += scores[k]
            }
            for k in 0..<count { scores[k] /= sum }
        }
    }
}
