import Hummingbird
import Dispatch

/// Feeds `ScoringMetrics` from every request of a scoring router: in flight while handled,
/// then counted by route and status code with its latency (errors included, by the status
/// the error middleware gave them).
public struct ScoringMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ScoringMetrics
    /// The endpoint every request counts under, for a middleware outside the router; nil
    /// takes each request's route pattern.
    let endpoint: String?
    /// `endpoint`'s answered requests, looked up once.
    let answered: ScoringMetrics.Endpoint?

    /// - Parameter endpoint: the endpoint to count every request under; nil counts each under
    ///   the route it matched (`unmatched` for none).
    public init(metrics: ScoringMetrics, endpoint: String? = nil) {
        self.metrics = metrics
        self.endpoint = endpoint
        self.answered = endpoint.map(metrics.endpoint)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        let response = try await next(request, context)
        let nanoseconds = DispatchTime.now().uptimeNanoseconds - start
        if let answered, response.status == .ok {
            answered.recordAnswered(nanoseconds: nanoseconds)
        } else {
            // Unmatched paths share one label value, so probing clients cannot grow the series count.
            metrics.record(endpoint: endpoint ?? context.endpointPath ?? "unmatched", code: response.status.code, nanoseconds: nanoseconds)
        }
        return response
    }
}
