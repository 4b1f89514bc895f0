/// One metric's whole history as parallel columns, in step order: what a chart reads.
///
/// Columns rather than `[Metric]` because charts read millions of points and need only these
/// three numbers per point; NaN values are kept (as `Double.nan`) for the chart to skip.
public struct MetricSeries: Sendable, Equatable {
    public var steps: [Int64]
    public var timestamps: [Int64]
    public var values: [Double]

    public init(steps: [Int64] = [], timestamps: [Int64] = [], values: [Double] = []) {
        self.steps = steps
        self.timestamps = timestamps
        self.values = values
    }

    /// The number of points.
    public var count: Int { values.count }
}
