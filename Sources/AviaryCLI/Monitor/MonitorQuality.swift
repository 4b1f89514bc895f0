import ArgumentParser
import AviaryCore
import AviaryDeployments
import AviaryHTTP
import AviaryMonitoring
import Foundation

/// `aviary monitor suggest`: a quality suite inferred from a reference dataset.
struct MonitorSuggest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Infer a data-quality suite (YAML) from a reference CSV.",
        discussion: """
            The suite holds rules the reference passes: each column's type, not_null or max_missing_share, the observed range of numbers and timestamps, allowed values of categorical columns (up to 50), unique identifiers, date columns that are always in order, and row-count bounds (half to twice the reference). Edit it, then run `aviary monitor check`.

            Example:
              aviary monitor suggest --reference ref.csv > suite.yaml
            """
    )

    @Option(help: ArgumentHelp("The reference CSV, with a header row.", valueName: "file"))
    var reference: String

    func run() throws {
        try MonitorFailure.reporting {
            let table = try CSVTableReader().read(URL(fileURLWithPath: reference))
            print(SuiteSuggester.suggest(from: table).yaml, terminator: "")
        }
    }
}

/// `aviary monitor check`: a quality suite's verdict on a dataset.
struct MonitorCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a CSV against a data-quality suite.",
        discussion: """
            Prints each rule's verdict with the number of failing rows and a few example rows. Rules: type, not_null, max_missing_share, range, allowed_values, regex, unique, compare (e.g. start_date <= end_date) and row_count; see `aviary monitor suggest` for a starting suite.

            Exit status: 0 when every rule passes, 1 when one fails, 2 on an error (an unreadable file, a rule naming an unknown column).

            Example:
              aviary monitor check --suite suite.yaml --data today.csv --json quality.json
            """
    )

    @Option(help: ArgumentHelp("The suite (YAML).", valueName: "file"))
    var suite: String

    @Option(help: ArgumentHelp("The CSV to check, with a header row.", valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("Write the results as JSON here; - for stdout.", valueName: "file"))
    var json: String?

    func run() throws {
        let report = try MonitorFailure.reporting { () throws -> QualityReport in
            guard let text = try? String(contentsOfFile: suite, encoding: .utf8) else {
                throw AviaryError.invalid("cannot read the suite \(suite)")
            }
            let rules = try QualitySuite(yaml: text, field: "the suite \(suite)")
            let table = try CSVTableReader().read(URL(fileURLWithPath: data))
            let report = try QualityChecker.check(rules, on: table)
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try MonitorFailure.write(try encoder.encode(report), to: json)
            }
            return report
        }
        for result in report.results {
            var line = "\(result.passed ? "PASS" : "FAIL")  \(result.summary)"
            if !result.passed, result.failingRows > 0 { line += ": \(result.failingRows) rows" }
            if let detail = result.detail { line += " (\(detail))" }
            print(line)
            for example in result.examples {
                print("        row \(example.row): " + example.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.isEmpty ? "<missing>" : $0.value)" }.joined(separator: ", "))
            }
        }
        print(report.passed ? "All \(report.results.count) rules pass." : "\(report.failedRules) of \(report.results.count) rules fail.")
        throw ExitCode(report.passed ? 0 : 1)
    }
}
