import ArgumentParser
import AviaryCore
import AviaryMonitoring
import Foundation

/// `aviary monitor profile`: each column's counts, spread and most frequent values.
struct MonitorProfile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile each column of a CSV: count, missing, distinct, min/max/mean/std, quartiles, histogram, top values.",
        discussion: """
            Example:
              aviary monitor profile --data today.csv --json profile.json
            """
    )

    @Option(help: ArgumentHelp("The CSV to profile, with a header row.", valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("Write the profiles as JSON here; - for stdout.", valueName: "file"))
    var json: String?

    func run() throws {
        let profiles = try MonitorFailure.reporting { () throws -> [ColumnProfile] in
            let table = try CSVTableReader().read(URL(fileURLWithPath: data))
            let profiles = table.profiles
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
                try MonitorFailure.write(try encoder.encode(profiles), to: json)
            }
            return profiles
        }
        guard json != "-" else { return }
        for p in profiles {
            var line = "\(p.column) (\(p.kind.rawValue)): \(p.count) values, \(p.missing) missing, \(p.distinct) distinct"
            if let min = p.min, let max = p.max, let mean = p.mean {
                line += String(format: ", min %.6g, max %.6g, mean %.6g", min, max, mean)
                if let std = p.std { line += String(format: ", std %.6g", std) }
            }
            if let top = p.top { line += ", top: " + top.prefix(3).map { "\($0.value) (\($0.count))" }.joined(separator: ", ") }
            print(line)
        }
    }
}
