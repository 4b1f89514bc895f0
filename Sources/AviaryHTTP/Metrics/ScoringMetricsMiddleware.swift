import Hummingbird
import Dispatch

/// Feeds `ScoringMetrics` from every request of a scoring router: in flight while handled,
/// then counted by route and status code with its latency (errors included, by the status
/// the error middleware gave them).
public struct ScoringMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ScoringMetrics

    public init(metrics: ScoringMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        let response = try await next(request, context)
        // Unmatched paths share one label value, so probing clients cannot grow the series count.
        let endpoint = context.endpointPath ?? "unmatched"
        metrics.record(endpoint: endpoint, code: response.status.code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        return response
    }
}
