import ArgumentParser

/// `aviary models promote NAME --from challenger --to champion`.
struct ModelsPromote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Move one alias onto the version another alias points at (challenger → champion).",
        discussion: """
            The version behind --from gets the --to alias; the --from alias stays where it is.
            Each promotion is recorded as tags on the promoted version (aviary.promoted_from, aviary.promoted_over).

            Example: aviary models promote fraud-detector --from challenger --to champion
            """
    )

    @OptionGroup var server: TrackingServerOptions

    @Argument(help: "Registered model name.")
    var name: String

    @Option(help: "Alias whose version is promoted.")
    var from = "challenger"

    @Option(help: "Alias to move onto that version.")
    var to = "champion"

    func validate() throws {
        guard from != to else { throw ValidationError("--from and --to must differ (both are '\(from)')") }
    }

    func run() async throws {
        let client = try server.client
        guard let promoted = try await ModelReference(argument: "\(name)@\(from)")?.version(using: client) else {
            throw CommandFailure("\(name)@\(from) does not point at a version")
        }
        let previous = try? await ModelReference(argument: "\(name)@\(to)")?.version(using: client)
        _ = try await client.post("api/2.0/mlflow/registered-models/alias", ["name": name, "alias": to, "version": promoted])
        let tags = ["aviary.promoted_from": from, "aviary.promoted_over": previous.map { "v\($0)" } ?? "none"]
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            _ = try await client.post("api/2.0/mlflow/model-versions/set-tag", ["name": name, "version": promoted, "key": key, "value": value])
        }
        print("\(name)@\(to): \(previous.map { "v\($0)" } ?? "unset") → v\(promoted) (from @\(from))")
    }
}
