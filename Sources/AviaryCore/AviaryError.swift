/// The one error type Aviary raises for anything a caller did or asked for.
///
/// `code` is one of MLflow's error codes so that the official client raises `MlflowException`
/// with the same `error_code` it would get from `mlflow server`; `message` names the field and
/// the rule that was broken, so a user knows what to change.
public struct AviaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// MLflow's error codes that Aviary uses, with the HTTP status MLflow maps each to.
    public enum Code: String, Sendable, CaseIterable {
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
        case resourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST"
        case resourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
        case badRequest = "BAD_REQUEST"
        case endpointNotFound = "ENDPOINT_NOT_FOUND"
        case invalidState = "INVALID_STATE"
        case permissionDenied = "PERMISSION_DENIED"
        case internalError = "INTERNAL_ERROR"

        /// The HTTP status MLflow answers with for this code (`mlflow/exceptions.py`).
        public var httpStatus: Int {
            switch self {
            case .invalidParameterValue, .resourceAlreadyExists, .badRequest: 400
            case .permissionDenied: 403
            case .resourceDoesNotExist, .endpointNotFound: 404
            case .invalidState, .internalError: 500
            }
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// A rejected input: `INVALID_PARAMETER_VALUE`.
    public static func invalid(_ message: String) -> AviaryError { .init(.invalidParameterValue, message) }
    /// A lookup that found nothing: `RESOURCE_DOES_NOT_EXIST`.
    public static func notFound(_ message: String) -> AviaryError { .init(.resourceDoesNotExist, message) }
    /// A create that collides with an existing resource: `RESOURCE_ALREADY_EXISTS`.
    public static func alreadyExists(_ message: String) -> AviaryError { .init(.resourceAlreadyExists, message) }
}
