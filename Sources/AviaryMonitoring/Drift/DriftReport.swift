/// The outcome of comparing a current dataset with a reference: one verdict per column and
/// one for the dataset, in the shape `aviary monitor drift --json` writes.
public struct DriftReport: Sendable, Codable {
    public var columns: [ColumnDrift]
    /// Columns left out of the comparison, with the reason (e.g. datetime columns).
    public var skipped: [SkippedColumn]
    public var referenceRows: Int
    public var currentRows: Int
    public var driftedColumns: Int
    public var driftShare: Double
    /// Dataset drift is declared when `driftShare >= shareThreshold`.
    public var shareThreshold: Double
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
    public var edges: [Double]?
    public var labels: [String]?
    public var reference: [Double]
    public var current: [Double]
}
