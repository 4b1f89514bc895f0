import ArgumentParser

/// The `aviary` command: one binary for the whole model lifecycle.
@main
struct Aviary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary",
        abstract: "An MLOps platform in one binary: experiment tracking that speaks MLflow's REST API.",
        discussion: """
            Start a tracking server and point the official mlflow client at it:

              aviary server
              export MLFLOW_TRACKING_URI=http://127.0.0.1:5000
            """,
        version: "0.1.0",
        subcommands: [ServerCommand.self, ServeCommand.self, PredictCommand.self, MonitorCommand.self, ModelsCommand.self]
    )
}
