/// The outcome of comparing a current dataset with a reference: one verdict per column and
/// one for the dataset, in the shape `aviary monitor drift --json` writes.
public struct DriftReport: Sendable, Codable {
    /// One verdict per tested column, in the order compared.
    public var columns: [ColumnDrift]
    /// Columns left out of the comparison, with the reason (e.g. datetime columns).
    public var skipped: [SkippedColumn]
    public var referenceRows: Int
    public var currentRows: Int
    /// Columns whose test detected drift.
    public var driftedColumns: Int
    /// `driftedColumns` over the columns tested.
    public var driftShare: Double
    /// Dataset drift is declared when `driftShare >= shareThreshold`.
    public var shareThreshold: Double
    /// The dataset verdict: `driftShare >= shareThreshold`.
    public var datasetDrift: Bool

    enum CodingKeys: String, CodingKey {
        case columns, skipped
        case referenceRows = "reference_rows", currentRows = "current_rows"
        case driftedColumns = "drifted_columns", driftShare = "drift_share"
        case shareThreshold = "share_threshold", datasetDrift = "dataset_drift"
    }
}

/// One column's drift verdict.
public struct ColumnDrift: Sendable, Codable {
    public var column: String
    /// `num` or `cat`, as Evidently calls the column types.
    public var type: String
    public var method: DriftMethod
    /// A p-value for ks, chisquare and z; a distance for the others.
    public var score: Double
    public var threshold: Double
    /// The method's rule applied to `score` and `threshold` (see `DriftMethod.detectsDrift`).
    public var drifted: Bool
    /// Values compared after dropping missing values and infinities.
    public var referenceCount: Int
    public var currentCount: Int
    /// What the report draws: bins or categories with each dataset's share.
    public var chart: DriftChart

    enum CodingKeys: String, CodingKey {
        case column, type, method, score, threshold, drifted, chart
        case referenceCount = "reference_count", currentCount = "current_count"
    }
}

/// A column left out, and why.
public struct SkippedColumn: Sendable, Codable {
    public var column: String
    public var reason: String
}

/// Shares of each dataset per bin (numeric columns, `edges` has one more entry than the
/// shares) or per category (`labels`).
public struct DriftChart: Sendable, Codable {
    /// Bin edges of a numeric chart.
    public var edges: [Double]?
    /// Category names of a categorical chart.
    public var labels: [String]?
    /// Each bin's or category's share of the reference.
    public var reference: [Double]
    public var current: [Double]
}
