import Foundation

/// An opaque continuation token for paged searches.
///
/// Clients must treat it as opaque; inside it is a base64 JSON offset, which keeps paging
/// stateless on the server. A token that does not decode is `INVALID_PARAMETER_VALUE`.
public struct PageToken: Sendable, Equatable {
    /// Number of results already returned to the caller.
    public var offset: Int

    public init(offset: Int) { self.offset = offset }

    /// Decodes a token received from a client; `nil` or empty means the first page.
    public init(decoding token: String?) throws {
        guard let token, !token.isEmpty else {
            self.offset = 0
            return
        }
        guard let data = Data(base64Encoded: token),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let offset = object["offset"] as? Int, offset >= 0
        else {
            throw AviaryError.invalid("Invalid page token '\(token)': it was not returned by this server")
        }
        self.offset = offset
    }

    /// The string handed to clients.
    public var encoded: String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }
}
