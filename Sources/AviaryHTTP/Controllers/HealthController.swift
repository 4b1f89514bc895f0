import Hummingbird

/// `GET /health` and `GET /version`, as `mlflow server` answers them.
public struct HealthController<Context: RequestContext>: Sendable {
    /// The version string `/version` reports.
    public let version: String

    public init(version: String) {
        self.version = version
    }

    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        let version = version
        routes.get("health") { _, _ in "OK" }
        routes.get("version") { _, _ in version }
        return routes
    }
}
