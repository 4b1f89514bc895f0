/// A metric's history as a chart reads it: the points worth drawing, as parallel columns in x
/// order, and how many values the history holds in all.
public struct MetricSeries: Sendable, Equatable {
    public var steps: [Int64]
    public var timestamps: [Int64]
    /// Finite values only: NaN and ±infinity cannot be drawn.
    public var values: [Double]
    /// Values in the whole history, drawn or not.
    public var total: Int

    public init(steps: [Int64] = [], timestamps: [Int64] = [], values: [Double] = [], total: Int = 0) {
        self.steps = steps
        self.timestamps = timestamps
        self.values = values
        self.total = total
    }

    /// The number of points drawn.
    public var count: Int { values.count }
}

/// What a metric chart plots its values against.
public enum MetricAxis: String, Sendable {
    case step
    /// The wall-clock timestamp of each value.
    case time
}
