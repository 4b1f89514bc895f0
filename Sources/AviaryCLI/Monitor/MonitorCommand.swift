import ArgumentParser
import AviaryCore
import Foundation

/// `aviary monitor`: data drift and data quality on CSV files.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Compare datasets for drift and check data quality, as Evidently does, natively.",
        discussion: """
            Exit status: 0 when the data passes, 1 when drift is detected, 2 on an error (a bad file, an unknown column or test). Use it as a CI gate.

            Examples:
              aviary monitor drift --reference train.csv --current today.csv --html drift.html --json drift.json
              aviary monitor drift --reference ref.csv --current cur.csv --columns age,income --stattest income=psi
              aviary monitor suggest --reference ref.csv > suite.yaml
              aviary monitor check --suite suite.yaml --data today.csv
            """,
        subcommands: [MonitorDrift.self, MonitorSuggest.self, MonitorCheck.self, MonitorProfile.self]
    )
}

/// How monitor commands fail: a one-line `Error: …` on stderr and exit status 2, since 1
/// means "drift detected" or "a rule failed".
enum MonitorFailure {
    static let exitCode: Int32 = 2

    /// Runs `body`, turning an `AviaryError` into the one-line message and exit status 2.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AviaryError {
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            throw ExitCode(exitCode)
        }
    }

    /// Writes a report file, or stdout for `-`.
    static func write(_ data: Data, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AviaryError.invalid("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
