/// A batch of rows to score, stored column by column: `columns[j][i]` is feature `j` of row `i`.
///
/// Values are `Double` because LightGBM compares features in double precision; XGBoost rounds
/// each value to `Float` before comparing, exactly as its own `DMatrix` does, so one batch
/// serves both runtimes with the library's own results. `Double.nan` marks a missing value.
public struct FeatureBatch: Sendable, Equatable {
    /// One array per feature, each `rowCount` long.
    public var columns: [[Double]]
    /// Number of rows in every column.
    public let rowCount: Int

    /// A batch from columns of equal length.
    public init(columns: [[Double]]) {
        precondition(columns.allSatisfy { $0.count == columns[0].count }, "FeatureBatch columns must have equal lengths")
        self.columns = columns
        rowCount = columns.first?.count ?? 0
    }

    /// A batch from rows (each `featureCount` long), transposed into columns.
    public init(rows: [[Double]], featureCount: Int) {
        var columns = [[Double]](repeating: [], count: featureCount)
        for j in 0..<featureCount { columns[j].reserveCapacity(rows.count) }
        for row in rows {
            precondition(row.count == featureCount, "every row needs \(featureCount) values")
            for j in 0..<featureCount { columns[j].append(row[j]) }
        }
        self.columns = columns
        rowCount = rows.count
    }

    /// Number of features (columns).
    public var featureCount: Int { columns.count }

    /// The values row by row: `rowMajor[i * featureCount + j]` is feature `j` of row `i`.
    public var rowMajor: [Double] {
        [Double](unsafeUninitializedCapacity: rowCount * featureCount) { buffer, count in
            gatherRows(0..<rowCount, into: buffer) { $0 }
            count = rowCount * featureCount
        }
    }

    /// Calls `body` with the values row by row, as `rowMajor` holds them, in a temporary buffer
    /// (on the stack when small) instead of a new array. Not generic: called from another
    /// module, a generic method is not specialised, and looks its types up at run time per call.
    public func withRowMajor(_ body: (UnsafeBufferPointer<Double>) -> Void) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: rowCount * featureCount) { buffer in
            gatherRows(0..<rowCount, into: buffer) { $0 }
            body(UnsafeBufferPointer(buffer))
        }
    }

    /// Copies rows `range` into `buffer` row-major (`buffer[(i - range.lowerBound) * featureCount + j]`),
    /// converting each value with `convert`: the layout the tree walkers read one row at a time.
    func gatherRows<T>(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>, _ convert: (Double) -> T) {
        let width = featureCount
        for (j, column) in columns.enumerated() {
            column.withUnsafeBufferPointer { values in
                var target = j
                for i in range {
                    buffer[target] = convert(values[i])
                    target += width
                }
            }
        }
    }
}
