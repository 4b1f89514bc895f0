import ArgumentParser

/// `aviary models alias NAME ALIAS VERSION`.
struct ModelsAlias: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Point an alias (e.g. champion, challenger) at a version, moving it if it exists.",
        discussion: "Example: aviary models alias fraud-detector challenger 4"
    )

    @OptionGroup var server: TrackingServerOptions

    @Argument(help: "Registered model name.")
    var name: String

    @Argument(help: "Alias: letters, digits, _ and -; not 'latest' nor v<number>.")
    var alias: String

    @Argument(help: "Version number.")
    var version: Int

    func validate() throws {
        guard version > 0 else { throw ValidationError("VERSION must be a positive number, got \(version)") }
    }

    func run() async throws {
        let client = try server.client
        _ = try await client.post("api/2.0/mlflow/registered-models/alias", ["name": name, "alias": alias, "version": String(version)])
        print("\(name)@\(alias) → version \(version)")
    }
}
