import ArgumentParser

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
            """,
        subcommands: [MonitorDrift.self]
    )
}

/// A monitor failure: a one-line `Error: …` on stderr and exit status 2 (1 means drift).
struct MonitorFailure: Error {
    static let exitCode: Int32 = 2
}
