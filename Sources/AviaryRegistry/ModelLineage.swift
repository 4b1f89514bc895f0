import AviaryTracking

/// Where a model version came from: the run that produced it (params, metrics, tags) and the
/// datasets that run consumed.
public struct ModelLineage: Sendable {
    public var version: ModelVersion
    /// The MLflow 3 logged model the version was registered from, if any.
    public var loggedModel: LoggedModel?
    /// The source run; `nil` when the version names no run.
    public var run: Run?
    /// The run's experiment.
    public var experiment: Experiment?

    public init(version: ModelVersion, loggedModel: LoggedModel?, run: Run?, experiment: Experiment?) {
        self.version = version
        self.loggedModel = loggedModel
        self.run = run
        self.experiment = experiment
    }
}
