import AviaryCore
import Foundation
import Hummingbird

extension Parameters {
    /// A path parameter, percent-decoded once (model names and tag keys may hold spaces);
    /// missing, empty or badly encoded is INVALID_PARAMETER_VALUE naming the parameter.
    func decoded(_ name: String) throws -> String {
        guard let decoded = get(name)?.removingPercentEncoding, !decoded.isEmpty else {
            throw AviaryError.invalid("Path parameter '\(name)' is missing, empty or badly percent-encoded")
        }
        return decoded
    }
}
