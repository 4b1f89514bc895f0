import AviaryCore
import Foundation

/// Compares a current dataset with a reference column by column, the way Evidently's
/// `DataDriftPreset` does: the same default test per column, the same binning, thresholds
/// and dataset verdict, and scipy's statistics.
///
/// A stream of prediction windows feeds it one `DataTable` per window against a fixed reference.
public enum DriftDetector {
    /// Tests every selected column of `current` against `reference` and gives the dataset verdict.
    /// Unknown columns, a column typed differently in the two datasets, or a test that does not
    /// apply to a column's type are errors.
    public static func compare(reference: DataTable, current: DataTable, options: DriftOptions = DriftOptions()) throws -> DriftReport {
        let names = try selectedColumns(reference: reference, current: current, options: options)
        // Columns are independent: compare them on every core.
        let outcomes = Parallel.map(names) { name -> Result<ColumnOutcome, Error> in
            Result { try compareColumn(name, reference: reference[name]!, current: current[name]!, options: options) }
        }
        var results: [ColumnDrift] = []
        var skipped: [SkippedColumn] = []
        for outcome in outcomes {
            switch try outcome.get() {
            case .compared(let drift): results.append(drift)
            case .skipped(let column): skipped.append(column)
            }
        }
        let drifted = results.filter(\.drifted).count
        let share = results.isEmpty ? 0 : Double(drifted) / Double(results.count)
        return DriftReport(
            columns: results, skipped: skipped, referenceRows: reference.rowCount, currentRows: current.rowCount,
            driftedColumns: drifted, driftShare: share, shareThreshold: options.shareThreshold,
            datasetDrift: !results.isEmpty && share >= options.shareThreshold
        )
    }

    private static func selectedColumns(reference: DataTable, current: DataTable, options: DriftOptions) throws -> [String] {
        let named = options.columns ?? reference.columnNames
        for name in named {
            guard reference[name] != nil else { throw AviaryError.invalid("no column '\(name)' in the reference data; its columns are \(reference.columnNames.joined(separator: ", "))") }
            guard current[name] != nil else { throw AviaryError.invalid("no column '\(name)' in the current data; its columns are \(current.columnNames.joined(separator: ", "))") }
        }
        for name in Set(options.methods.keys).union(options.thresholds.keys) where !named.contains(name) {
            throw AviaryError.invalid("a test or threshold is set for column '\(name)', which is not compared")
        }
        return named
    }

    enum ColumnOutcome {
        case compared(ColumnDrift)
        case skipped(SkippedColumn)
    }

    static func compareColumn(_ name: String, reference ref: DataColumn, current cur: DataColumn, options: DriftOptions) throws -> ColumnOutcome {
        guard ref.kind == cur.kind else {
            throw AviaryError.invalid("column '\(name)' is \(ref.kind.rawValue) in the reference but \(cur.kind.rawValue) in the current data; make them agree or name its type with --type")
        }
        if ref.kind == .datetime {
            return .skipped(SkippedColumn(column: name, reason: "datetime columns are not tested for drift"))
        }
        let referenceSample = DriftSample(ref)
        let currentSample = DriftSample(cur)
        guard referenceSample.count > 0, currentSample.count > 0 else {
            return .skipped(SkippedColumn(column: name, reason: "no values left after dropping missing values and infinities"))
        }
        return .compared(try compareSamples(name, reference: referenceSample, current: currentSample,
                                            integerData: ref.isIntegerTyped && cur.isIntegerTyped,
                                            currentIsIntegerTyped: cur.isIntegerTyped, options: options))
    }

    /// Evidently infers column types on the current data: integers (no missing values) with at
    /// most this many distinct values are categorical.
    static let integerCardinalityLimit = 10

    static func compareSamples(_ name: String, reference: DriftSample, current: DriftSample, integerData: Bool,
                               currentIsIntegerTyped: Bool, options: DriftOptions) throws -> ColumnDrift {
        let counts = ValueCounts(reference: reference, current: current)
        let isNumeric = reference.isNumeric && !(currentIsIntegerTyped && counts.currentDistinct <= integerCardinalityLimit)
        let method = options.methods[name]
            ?? DriftMethod.defaultMethod(isNumeric: isNumeric, referenceCount: reference.count, distinctValues: counts.count)
        let threshold = options.thresholds[name] ?? method.defaultThreshold
        let score = try DriftScore.compute(method, reference: reference, current: current, counts: counts, integerData: integerData)
        return ColumnDrift(
            column: name, type: isNumeric ? "num" : "cat", method: method, score: score, threshold: threshold,
            drifted: method.detectsDrift(score: score, threshold: threshold),
            referenceCount: reference.count, currentCount: current.count,
            chart: DriftChart.make(reference: reference, current: current, counts: counts, categorical: !isNumeric)
        )
    }
}
