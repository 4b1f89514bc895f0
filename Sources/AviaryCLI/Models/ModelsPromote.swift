import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `aviary models promote NAME --from challenger --to champion`: the promotion gate.
struct ModelsPromote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Move the --to alias onto the --from version, if the gate passes (challenger → champion).",
        discussion: """
            The gate asks the deployment serving both aliases (--deployment) whether the --from version beats the --to version on the deployment's gate metric (gate.metric in its spec; accuracy or MAE by default) with statistical significance over the window both served, on enough labelled requests, and whether its inputs pass the deployment's data-quality suite. It promotes only if all of that holds; --force promotes anyway.

            Every decision, promotion or refusal, is recorded as aviary.gate.* tags on both versions, with the metric values, row counts and p-value it was based on. A refusal exits with status 1.

            Example:
              aviary models promote churn --from challenger --to champion --deployment http://127.0.0.1:8081/deployments/churn
            """
    )

    @OptionGroup var server: TrackingServerOptions

    @Argument(help: "Registered model name.")
    var name: String

    @Option(help: "Alias whose version is promoted.")
    var from = "challenger"

    @Option(help: "Alias to move onto that version.")
    var to = "champion"

    @Option(help: ArgumentHelp("The deployment serving both aliases, whose live quality the gate judges: http://HOST:PORT/deployments/NAME.", valueName: "url"))
    var deployment: String?

    @Flag(help: "Promote even if the gate refuses (the decision is still recorded).")
    var force = false

    func validate() throws {
        guard from != to else { throw ValidationError("--from and --to must differ (both are '\(from)')") }
        if let deployment {
            guard let url = URL(string: deployment), ["http", "https"].contains(url.scheme ?? ""), url.path.contains("/deployments/") else {
                throw ValidationError("--deployment must be the deployment's URL, http://HOST:PORT/deployments/NAME; got '\(deployment)'")
            }
        }
    }

    func run() async throws {
        let client = try server.client
        guard let promoted = try await ModelReference(argument: "\(name)@\(from)")?.version(using: client) else {
            throw CommandFailure("\(name)@\(from) does not point at a version")
        }
        let previous = try? await ModelReference(argument: "\(name)@\(to)")?.version(using: client)
        var tags = ["aviary.gate.time": ISO8601DateFormatter().string(from: Date()), "aviary.gate.from": "\(from) v\(promoted)",
                    "aviary.gate.to": previous.map { "\(to) v\($0)" } ?? "\(to) unset"]
        var passed = false
        if let deployment {
            let decision = try await gate(deployment)
            let challenger = decision["challenger"] as? [String: Any] ?? [:]
            let champion = decision["champion"] as? [String: Any] ?? [:]
            let metric = decision["metric"] as? String ?? "?"
            func describe(_ side: [String: Any]) -> String {
                let value = (side["value"] as? Double).map { String(format: "%.4g", $0) } ?? "none"
                return "v\(side["version"] as? String ?? "?") \(metric) \(value) over \(side["rows"] as? Int ?? 0) labelled rows"
            }
            tags["aviary.gate.metric"] = metric
            tags["aviary.gate.challenger"] = describe(challenger)
            tags["aviary.gate.champion"] = describe(champion)
            tags["aviary.gate.p_value"] = (decision["p_value"] as? Double).map { String(format: "%.4g", $0) } ?? "none"
            tags["aviary.gate.reason"] = decision["reason"] as? String ?? ""
            passed = decision["promote"] as? Bool ?? false
            if passed, challenger["version"] as? String != promoted || (previous != nil && champion["version"] as? String != previous) {
                passed = false
                tags["aviary.gate.reason"] = "the deployment judged v\(challenger["version"] as? String ?? "?") against v\(champion["version"] as? String ?? "?"), but \(from) is v\(promoted) and \(to) is \(previous.map { "v\($0)" } ?? "unset"); wait for it to follow the aliases"
            }
        } else {
            tags["aviary.gate.reason"] = "no live evidence: pass --deployment URL of the deployment serving both, or --force"
        }
        tags["aviary.gate.decision"] = passed ? "promoted" : force ? "forced" : "refused"
        for version in Set([promoted] + (previous.map { [$0] } ?? [])) {
            var versionTags = tags
            versionTags["aviary.gate.role"] = version == promoted ? "challenger" : "champion"
            for (key, value) in versionTags.sorted(by: { $0.key < $1.key }) {
                _ = try await client.post("api/2.0/mlflow/model-versions/set-tag", ["name": name, "version": version, "key": key, "value": value])
            }
        }
        guard passed || force else {
            throw CommandFailure("Refused to promote \(name) v\(promoted) to @\(to): \(tags["aviary.gate.reason"] ?? ""). Use --force to promote anyway.")
        }
        _ = try await client.post("api/2.0/mlflow/registered-models/alias", ["name": name, "alias": to, "version": promoted])
        for (key, value) in ["aviary.promoted_from": from, "aviary.promoted_over": previous.map { "v\($0)" } ?? "none"].sorted(by: { $0.key < $1.key }) {
            _ = try await client.post("api/2.0/mlflow/model-versions/set-tag", ["name": name, "version": promoted, "key": key, "value": value])
        }
        print("\(name)@\(to): \(previous.map { "v\($0)" } ?? "unset") → v\(promoted) (from @\(from)\(passed ? "" : ", forced")): \(tags["aviary.gate.reason"] ?? "")")
    }

    /// The deployment's verdict on `--from` against `--to`.
    private func gate(_ deployment: String) async throws -> [String: Any] {
        let base = deployment.hasSuffix("/") ? String(deployment.dropLast()) : deployment
        var components = URLComponents(string: "\(base)/gate")
        components?.queryItems = [URLQueryItem(name: "challenger", value: from), URLQueryItem(name: "champion", value: to)]
        guard let url = components?.url else { throw CommandFailure("Cannot build the gate URL from \(deployment)") }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(from: url)
        } catch {
            throw CommandFailure("Cannot reach the deployment at \(deployment) (\(error.localizedDescription)); is `aviary serve --deployment` running there?")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw CommandFailure("The deployment refused the gate query: \(object["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return object
    }
}
