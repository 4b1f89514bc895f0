/// What `DriftDetector` compares and how.
public struct DriftOptions: Sendable {
    /// Columns to compare; nil compares every column the two datasets share.
    public var columns: [String]?
    /// A test chosen per column instead of Evidently's default choice.
    public var methods: [String: DriftMethod]
    /// A threshold per column instead of the method's default.
    public var thresholds: [String: Double]
    /// Share of drifted columns at or above which the dataset has drifted (Evidently's `drift_share`).
    public var shareThreshold: Double

    public init(columns: [String]? = nil, methods: [String: DriftMethod] = [:], thresholds: [String: Double] = [:], shareThreshold: Double = 0.5) {
        self.columns = columns
        self.methods = methods
        self.thresholds = thresholds
        self.shareThreshold = shareThreshold
    }
}
