import Synchronization

/// The deployments a server answers for now. Requests look their deployment up here on every
/// call, so a deployment created, replaced or removed through the API takes effect at the next
/// request; a request keeps the `Deployment` it started with.
public final class DeploymentHost: Sendable {
    private let deployments: Mutex<[String: Deployment]>

    public init(_ deployments: [Deployment] = []) {
        self.deployments = Mutex(Dictionary(deployments.map { ($0.spec.name, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// The deployment called `name`, if any.
    public func deployment(named name: String) -> Deployment? {
        deployments.withLock { $0[name] }
    }

    /// Every deployment, by name.
    public var all: [Deployment] {
        deployments.withLock { $0.values.sorted { $0.spec.name < $1.spec.name } }
    }

    /// Serves `deployment` from the next request on; returns the one it replaces.
    @discardableResult
    public func put(_ deployment: Deployment) -> Deployment? {
        deployments.withLock { $0.updateValue(deployment, forKey: deployment.spec.name) }
    }

    /// Stops answering for `name`; returns what was removed.
    @discardableResult
    public func remove(_ name: String) -> Deployment? {
        deployments.withLock { $0.removeValue(forKey: name) }
    }
}
