import Hummingbird

/// `GET /api/aviary/v1/openapi.json`: the server's OpenAPI document, built once when the
/// server starts.
public struct OpenAPIController<Context: RequestContext>: Sendable {
    /// The document served, which describes this route too.
    public let document: OpenAPIDocument
    let body: ByteBuffer

    /// The controller of a server mounting `surfaces`, at version `version`.
    public init(title: String, version: String, surfaces: [OpenAPIDocument.Surface]) {
        document = OpenAPIDocument(title: title, version: version, surfaces: surfaces + [.document])
        body = ByteBuffer(bytes: document.encoded())
    }

    /// The route, at the server's root.
    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        let body = body
        routes.get(RouterPath(OpenAPIDocument.documentPath)) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        return routes
    }
}
