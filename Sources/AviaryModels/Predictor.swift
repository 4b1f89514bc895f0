/// A loaded model that scores feature batches natively.
///
/// Implementations are immutable after loading, so one instance serves any number of
/// concurrent requests.
public protocol Predictor: Sendable {
    /// Number of input features, in the order the model indexes them.
    var featureCount: Int { get }
    /// Feature names stored in the model file, when it has real ones (not `f0` / `Column_0`
    /// placeholders the libraries invent).
    var featureNames: [String]? { get }
    /// Features the model treats as categorical (their values are category codes).
    var categoricalFeatures: Set<Int> { get }
    /// Numbers returned per row.
    var outputWidth: Int { get }
    /// Human-readable description, e.g. `xgboost gbtree binary:logistic, 100 trees`.
    var summary: String { get }

    /// Scores every row of `batch`; `batch.featureCount` must equal `featureCount`. Batches of
    /// several thousand rows are split across up to `threads` cores (nil: every core).
    func predict(_ batch: FeatureBatch, threads: Int?) -> Predictions
}

extension Predictor {
    /// Scores every row of `batch`, on every core when the batch is large.
    public func predict(_ batch: FeatureBatch) -> Predictions {
        predict(batch, threads: nil)
    }
}
