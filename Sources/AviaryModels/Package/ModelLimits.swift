/// Upper bounds on the counts a model file declares, checked before anything is sized by them:
/// far above what XGBoost or LightGBM models use in practice, low enough that a few bytes of
/// a crafted file cannot ask for gigabytes.
enum ModelLimits {
    /// Input features.
    static let features = 1 << 20
    /// Output classes (or trees per boosting round).
    static let classes = 1 << 16
}
