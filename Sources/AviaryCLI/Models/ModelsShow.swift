import ArgumentParser
import AviaryCore
import Foundation

/// `aviary models show NAME[@ALIAS|/VERSION]`.
struct ModelsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a model, or one version with its lineage: run, params, metrics, tags and datasets.",
        discussion: """
            NAME shows the model and its versions; NAME@ALIAS or NAME/VERSION shows that version and where it came from.

            Examples:
              aviary models show fraud-detector
              aviary models show fraud-detector@champion
              aviary models show fraud-detector/3 --json
            """
    )

    @OptionGroup var server: TrackingServerOptions

    @Argument(help: ArgumentHelp("The model: NAME, NAME@ALIAS or NAME/VERSION.", valueName: "model"))
    var model: ModelReference

    @Flag(help: "Print the JSON document instead of text (the lineage document for a version).")
    var json = false

    func run() async throws {
        let client = try server.client
        if let version = try await model.version(using: client) {
            let lineage = try await client.get("api/aviary/v1/models/\(escaped(model.name))/versions/\(escaped(version))/lineage")
            if json { return printJSON(lineage) }
            print(LineageText(lineage).render())
            return
        }
        let response = try await client.get("api/2.0/mlflow/registered-models/get", ["name": model.name])
        let versions = try await client.get(
            "api/2.0/mlflow/model-versions/search", ["filter": "name = '\(model.name.replacingOccurrences(of: "'", with: "''"))'", "max_results": "1000"]
        )
        if json { return printJSON(["registered_model": response["registered_model"] ?? [:], "model_versions": versions["model_versions"] ?? []]) }
        let registered = response["registered_model"] as? [String: Any] ?? [:]
        var lines = ["Model \(model.name)"]
        if let description = registered["description"] as? String, !description.isEmpty { lines.append("  \(description)") }
        let aliases = (registered["aliases"] as? [[String: Any]] ?? []).map { "\($0["alias"] ?? "")=v\($0["version"] ?? "")" }
        lines.append("  aliases: \(aliases.isEmpty ? "none" : aliases.joined(separator: ", "))")
        lines.append("  tags: \(pairs(registered["tags"]))")
        let rows = (versions["model_versions"] as? [[String: Any]] ?? [])
            .sorted { Int($0["version"] as? String ?? "") ?? 0 > Int($1["version"] as? String ?? "") ?? 0 }
            .map { version in
                [
                    "v\(version["version"] ?? "")", version["current_stage"] as? String ?? "",
                    (version["aliases"] as? [String] ?? []).joined(separator: ","), version["run_id"] as? String ?? "",
                    formatTime(version["creation_timestamp"]),
                ]
            }
        lines.append("")
        lines.append(rows.isEmpty ? "No versions yet." : table(header: ["VERSION", "STAGE", "ALIASES", "RUN", "CREATED"], rows: rows))
        print(lines.joined(separator: "\n"))
    }

    private func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }
}

/// The lineage document as text a person reads top to bottom.
struct LineageText {
    let lineage: [String: Any]

    init(_ lineage: [String: Any]) {
        self.lineage = lineage
    }

    func render() -> String {
        let version = lineage["model_version"] as? [String: Any] ?? [:]
        var lines = [
            "Model \(version["name"] ?? "") version \(version["version"] ?? "")",
            "  stage: \(version["current_stage"] ?? "None")   aliases: \((version["aliases"] as? [String] ?? []).joined(separator: ", ").nonEmpty ?? "none")",
            "  source: \(version["source"] ?? "")",
            "  created: \(formatTime(version["creation_timestamp"]))",
        ]
        if let logged = (lineage["logged_model"] as? [String: Any])?["info"] as? [String: Any] {
            lines.append("  logged model: \(logged["model_id"] ?? "") (\(logged["name"] ?? "")) at \(logged["artifact_uri"] ?? "")")
        }
        guard let run = lineage["run"] as? [String: Any] else {
            lines.append("  run: none recorded")
            return lines.joined(separator: "\n")
        }
        let info = run["info"] as? [String: Any] ?? [:]
        let data = run["data"] as? [String: Any] ?? [:]
        let experiment = lineage["experiment"] as? [String: Any] ?? [:]
        lines += [
            "",
            "Run \(info["run_id"] ?? "") (\(info["run_name"] ?? ""))",
            "  experiment: \(experiment["name"] ?? "") (\(experiment["experiment_id"] ?? ""))",
            "  status: \(info["status"] ?? "")   started: \(formatTime(info["start_time"]))   user: \(info["user_id"] ?? "")",
            "  params: \(pairs(data["params"]))",
            "  metrics: \(metrics(data["metrics"]))",
            "  tags: \(pairs((data["tags"] as? [[String: Any]])?.filter { !(($0["key"] as? String) ?? "").hasPrefix("mlflow.") }))",
        ]
        let datasets = lineage["dataset_inputs"] as? [[String: Any]] ?? []
        lines.append("")
        lines.append(datasets.isEmpty ? "Datasets: none recorded" : "Datasets:")
        for input in datasets {
            let dataset = input["dataset"] as? [String: Any] ?? [:]
            let context = (input["tags"] as? [[String: Any]] ?? []).first { $0["key"] as? String == "mlflow.data.context" }?["value"] ?? "-"
            lines.append("  \(dataset["name"] ?? "") digest \(dataset["digest"] ?? "") (\(context)) from \(dataset["source_type"] ?? ""): \(dataset["source"] ?? "")")
            if let schema = dataset["schema"] as? String, !schema.isEmpty { lines.append("    schema: \(schema)") }
        }
        return lines.joined(separator: "\n")
    }

    private func metrics(_ value: Any?) -> String {
        let items = (value as? [[String: Any]] ?? []).map { metric in
            "\(metric["key"] ?? "")=\(metric["value"].map { "\($0)" } ?? "") (step \(metric["step"] ?? 0))"
        }
        return items.isEmpty ? "none" : items.joined(separator: ", ")
    }
}

/// `key=value, …` from a list of `{key, value}` objects.
func pairs(_ value: Any?) -> String {
    let items = (value as? [[String: Any]] ?? []).map { "\($0["key"] ?? "")=\($0["value"] ?? "")" }
    return items.isEmpty ? "none" : items.joined(separator: ", ")
}

func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
