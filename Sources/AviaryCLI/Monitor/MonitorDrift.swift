import ArgumentParser
import AviaryCore
import AviaryMonitoring
import Foundation

/// `aviary monitor drift`: per-column drift tests and the dataset verdict, with JSON and a
/// self-contained HTML report.
struct MonitorDrift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Test each column of --current against --reference for drift.",
        discussion: """
            Each column gets the test Evidently would choose. With a reference of at most 1,000 rows: Kolmogorov–Smirnov for numeric columns with more than 5 distinct values, chi-squared for more than 2, a two-proportion z-test for 2 (drift when p < 0.05). With a larger reference: Wasserstein distance normed by the reference's standard deviation for numeric columns with more than 5 values, Jensen–Shannon distance otherwise (drift when ≥ 0.1). Missing values and infinities are dropped first. The dataset has drifted when the share of drifted columns reaches --drift-share.

            Tests: ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, hellinger.

            Exit status: 1 when dataset drift is detected, 0 when not, 2 on an error.
            """
    )

    @Option(help: ArgumentHelp("The reference CSV (e.g. training data), with a header row.", valueName: "file"))
    var reference: String

    @Option(help: ArgumentHelp("The current CSV to compare with it.", valueName: "file"))
    var current: String

    @Option(help: ArgumentHelp("Columns to compare, comma-separated (default: every column of the reference).", valueName: "a,b,…"))
    var columns: String?

    @Option(name: .customLong("stattest"), help: ArgumentHelp("A test for one column instead of the default, e.g. income=psi. Repeatable.", valueName: "column=test"))
    var stattests: [String] = []

    @Option(name: .customLong("threshold"), help: ArgumentHelp("A threshold for one column instead of the test's default. Repeatable.", valueName: "column=x"))
    var thresholds: [String] = []

    @Option(name: .customLong("type"), help: ArgumentHelp("Read a column as numeric, categorical, boolean or datetime instead of inferring it. Repeatable.", valueName: "column=kind"))
    var types: [String] = []

    @Option(help: "Share of drifted columns at or above which the dataset has drifted.")
    var driftShare = 0.5

    @Option(help: ArgumentHelp("Write the HTML report here (one self-contained file).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Write the JSON report here; - for stdout.", valueName: "file"))
    var json: String?

    func run() throws {
        let report = try MonitorFailure.reporting(compare)
        print("\(report.datasetDrift ? "Dataset drift detected" : "No dataset drift"): \(report.driftedColumns) of \(report.columns.count) columns drifted (threshold share \(report.shareThreshold)).")
        for column in report.columns where column.drifted {
            print("  \(column.column): \(column.method.rawValue) \(column.method.scoreIsPValue ? "p-value" : "distance") \(column.score) (threshold \(column.threshold))")
        }
        throw ExitCode(report.datasetDrift ? 1 : 0)
    }

    private func compare() throws -> DriftReport {
        guard driftShare > 0, driftShare <= 1 else { throw AviaryError.invalid("--drift-share must be in (0, 1], got \(driftShare)") }
        let kinds = try Self.pairs(types, option: "--type").mapValues { text -> DataColumn.Kind in
            guard let kind = DataColumn.Kind(rawValue: text) else {
                throw AviaryError.invalid("--type takes numeric, categorical, boolean or datetime, got '\(text)'")
            }
            return kind
        }
        var options = DriftOptions(shareThreshold: driftShare)
        options.columns = columns.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        options.methods = try Self.pairs(stattests, option: "--stattest").mapValues(DriftMethod.named)
        options.thresholds = try Self.pairs(thresholds, option: "--threshold").mapValues { text in
            guard let value = Double(text), value.isFinite else { throw AviaryError.invalid("--threshold takes a number, got '\(text)'") }
            return value
        }
        let tables = try CSVTableReader(overrides: kinds).read([URL(fileURLWithPath: reference), URL(fileURLWithPath: current)])
        let (referenceTable, currentTable) = (tables[0], tables[1])
        let report = try DriftDetector.compare(reference: referenceTable, current: currentTable, options: options)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            try MonitorFailure.write(try encoder.encode(report), to: json)
        }
        if let html {
            try MonitorFailure.write(Data(DriftHTMLReport.render(report, referenceName: reference, currentName: current).utf8), to: html)
        }
        return report
    }

    /// `column=value` options as a dictionary, refusing malformed entries.
    static func pairs(_ entries: [String], option: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw AviaryError.invalid("\(option) takes column=value, got '\(entry)'")
            }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }
}
