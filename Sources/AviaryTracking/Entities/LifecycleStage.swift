/// Whether an experiment or run is live or soft-deleted (MLflow's `lifecycle_stage`).
public enum LifecycleStage: String, Sendable, Codable {
    case active
    case deleted
}

/// Which lifecycle stages a search returns (MLflow's `ViewType`).
public enum ViewType: String, Sendable, Codable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    /// The stages this view includes.
    public var stages: [LifecycleStage] {
        switch self {
        case .activeOnly: [.active]
        case .deletedOnly: [.deleted]
        case .all: [.active, .deleted]
        }
    }
}

/// A run's status (MLflow's `RunStatus`).
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"
}
