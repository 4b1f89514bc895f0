import ArgumentParser

/// `aviary models`: the model registry of a running server.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, inspect, alias and promote registered models on a tracking server.",
        discussion: """
            These commands talk to a running server: --tracking-uri, else $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000.

            Examples:
              aviary models list
              aviary models show fraud-detector@champion
              aviary models alias fraud-detector challenger 4
              aviary models promote fraud-detector --from challenger --to champion
            """,
        subcommands: [ModelsList.self, ModelsShow.self, ModelsAlias.self, ModelsPromote.self]
    )
}
