import AviaryCore
import Foundation
import Hummingbird

/// Renders every failure as MLflow's error JSON, `{"error_code": "...", "message": "..."}`,
/// with the HTTP status MLflow uses for that code.
///
/// Unknown routes become `ENDPOINT_NOT_FOUND`; errors that are not `AviaryError` are logged
/// and reported as `INTERNAL_ERROR` without internals leaking to the client.
public struct MLflowErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status == .notFound, response.headers[.contentType] == nil {
                return Self.response(for: AviaryError(.endpointNotFound, "No endpoint \(request.method) \(request.uri.path)"))
            }
            return response
        } catch let error as AviaryError {
            return Self.response(for: error)
        } catch let error as HTTPError {
            let code: AviaryError.Code = switch error.status.code {
            case 404: .endpointNotFound
            case 400..<500: .badRequest
            default: .internalError
            }
            let message = code == .endpointNotFound ? "No endpoint \(request.method) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            var response = Self.response(for: AviaryError(code, message))
            response.status = error.status
            return response
        } catch {
            context.logger.error("Unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Self.response(for: AviaryError(.internalError, "Internal error while handling \(request.method) \(request.uri.path)"))
        }
    }

    /// The MLflow-shaped response for an error.
    public static func response(for error: AviaryError) -> Response {
        let body: [String: String] = ["error_code": error.code.rawValue, "message": error.message]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .init(code: error.code.httpStatus),
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
