import AviaryCore
import Foundation

/// How an XGBoost objective turns summed tree margins into predictions, and how its stored
/// `base_score` becomes a starting margin; both in `Float`, as XGBoost computes them.
enum XGBoostObjective: Sendable, Equatable {
    /// Margin as is: squared error, absolute error, pseudo-Huber, quantile, `binary:logitraw`, ranking.
    case identity
    /// `1 / (1 + e^-x)`: `binary:logistic`, `reg:logistic`.
    case logistic
    /// `e^x`: `count:poisson`, `reg:gamma`, `reg:tweedie`, `survival:cox`.
    case exponential
    /// Class probabilities: `multi:softprob`.
    case softprob
    /// The most probable class index: `multi:softmax`.
    case softmax
    /// 1 when the margin is positive, else 0: `binary:hinge`.
    case hinge

    init(name: String) throws {
        switch name {
        case "reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror",
             "reg:quantileerror", "binary:logitraw", "rank:pairwise", "rank:ndcg", "rank:map", "reg:linear":
            self = .identity
        case "binary:logistic", "reg:logistic": self = .logistic
        case "count:poisson", "reg:gamma", "reg:tweedie", "survival:cox": self = .exponential
        case "multi:softprob": self = .softprob
        case "multi:softmax": self = .softmax
        case "binary:hinge": self = .hinge
        default:
            throw AviaryError.invalid("XGBoost objective '\(name)' is not supported by Aviary's native runtime")
        }
    }

    /// The margin a stored `base_score` stands for (XGBoost's `ProbToMargin`).
    func margin(fromBaseScore score: Float) -> Float {
        switch self {
        case .logistic: -logf(1 / score - 1)
        case .exponential: logf(score)
        case .identity, .softprob, .softmax, .hinge: score
        }
    }

    /// Numbers per row for `classes` margin groups.
    func outputWidth(groups: Int) -> Int {
        self == .softmax ? 1 : groups
    }

    /// Transforms one row's margins (`groups` of them) into its `outputWidth` outputs at `output`.
    @inline(__always)
    func transform(_ margins: UnsafeMutableBufferPointer<Float>, into output: UnsafeMutablePointer<Double>) {
        switch self {
        case .identity:
            for k in margins.indices { output[k] = Double(margins[k]) }
        case .logistic:
            for k in margins.indices { output[k] = Double(Self.sigmoid(margins[k])) }
        case .exponential:
            for k in margins.indices { output[k] = Double(expf(margins[k])) }
        case .hinge:
            for k in margins.indices { output[k] = margins[k] > 0 ? 1 : 0 }
        case .softprob:
            let top = margins.max() ?? 0
            var sum: Double = 0
            for m in margins { sum += Double(expf(m - top)) }
            for k in margins.indices { output[k] = Double(expf(margins[k] - top) / Float(sum)) }
        case .softmax:
            var best = 0
            for k in margins.indices where margins[k] > margins[best] { best = k }
            output[0] = Double(best)
        }
    }

    /// XGBoost's `common::Sigmoid`, which clamps the exponent to keep `expf` finite.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        1 / (expf(min(-x, 88.7)) + 1 + 1e-16)
    }
}
