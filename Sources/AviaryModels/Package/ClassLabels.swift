/// Class labels from a classifier's probabilities, as scikit-learn's `predict` returns them:
/// what `mlflow models serve` answers for an `XGBClassifier` logged with `mlflow.xgboost`.
struct ClassLabels: Predictor {
    /// The `model_class` values whose pyfunc `predict` returns labels, not probabilities.
    static let sklearnClassifiers: Set<String> = ["xgboost.sklearn.XGBClassifier", "xgboost.sklearn.XGBRFClassifier"]

    let probabilities: any Predictor

    var featureCount: Int { probabilities.featureCount }
    var featureNames: [String]? { probabilities.featureNames }
    var categoricalFeatures: Set<Int> { probabilities.categoricalFeatures }
    var outputWidth: Int { 1 }
    var summary: String { probabilities.summary + ", class labels" }

    func predict(_ batch: FeatureBatch, threads: Int?) -> Predictions {
        let scores = probabilities.predict(batch, threads: threads)
        var labels = [Double]()
        labels.reserveCapacity(scores.rowCount)
        for i in 0..<scores.rowCount {
            let row = scores.row(i)
            if row.count == 1 {
                labels.append(row[row.startIndex] > 0.5 ? 1 : 0)
            } else {
                labels.append(Double(row.indices.max { row[$0] < row[$1] }! - row.startIndex))
            }
        }
        return Predictions(values: labels, width: 1, precision: .float32)
    }
}
