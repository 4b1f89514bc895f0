import ArgumentParser
import Foundation

/// `aviary models list`.
struct ModelsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List registered models with their latest version and aliases.",
        discussion: "The filter uses MLflow's grammar, e.g. \"name LIKE 'fraud%'\" or \"tags.team = 'risk'\"."
    )

    @OptionGroup var server: TrackingServerOptions

    @Option(help: "Only models matching this filter.")
    var filter: String?

    @Option(help: "Print at most this many models (1–1000).")
    var maxResults = 100

    func validate() throws {
        guard (1...1000).contains(maxResults) else { throw ValidationError("--max-results must be between 1 and 1000, got \(maxResults)") }
    }

    func run() async throws {
        var query = ["max_results": String(maxResults)]
        if let filter { query["filter"] = filter }
        let response = try await server.client.get("api/2.0/mlflow/registered-models/search", query)
        let models = response["registered_models"] as? [[String: Any]] ?? []
        if models.isEmpty {
            print("No registered models\(filter.map { " match \($0)" } ?? "").")
            return
        }
        let rows = models.map { model -> [String] in
            let versions = (model["latest_versions"] as? [[String: Any]] ?? []).compactMap { $0["version"] as? String }
            let latest = versions.compactMap(Int.init).max().map(String.init) ?? "-"
            let aliases = (model["aliases"] as? [[String: Any]] ?? []).map { "\($0["alias"] ?? "")=v\($0["version"] ?? "")" }
            return [model["name"] as? String ?? "", latest, aliases.isEmpty ? "-" : aliases.joined(separator: " "), formatTime(model["last_updated_timestamp"])]
        }
        print(table(header: ["NAME", "LATEST", "ALIASES", "UPDATED"], rows: rows))
        if response["next_page_token"] != nil { print("(more models: raise --max-results or narrow --filter)") }
    }
}

/// Left-aligned columns separated by two spaces.
func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

/// A millisecond timestamp from JSON as a UTC date and time.
func formatTime(_ value: Any?) -> String {
    guard let millis = (value as? NSNumber)?.doubleValue else { return "-" }
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date(timeIntervalSince1970: millis / 1000)) + "Z"
}
