import Hummingbird
import Logging
import NIOCore
import NIOEmbedded

/// Sends requests straight to a router's responder, without a port: the route tests' client.
///
/// HummingbirdTesting's router mode does the same; this one is a page long and sends what the
/// route tests need (a Host, a streamed body without a length). End-to-end HTTP on loopback is
/// covered by the `compat/` suites against the real binary.
struct RouterClient: Sendable {
    /// A response with its body collected.
    struct Response {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
    }

    let responder: any HTTPResponder<BasicRequestContext>
    let logger = Logger(label: "aviary.route-tests")

    init<Builder: HTTPResponderBuilder>(_ router: Builder) where Builder.Responder.Context == BasicRequestContext {
        responder = router.buildResponder()
    }

    /// - Parameter authority: the request's Host.
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil, authority: String = "localhost") async throws -> Response {
        var headers = headers
        if let body { headers[.contentLength] = String(body.readableBytes) }
        return try await execute(HTTPRequest(method: method, scheme: "http", authority: authority, path: uri, headerFields: headers), RequestBody(buffer: body ?? ByteBuffer()))
    }

    /// Sends `chunks` as a streamed body without a Content-Length, as a chunked upload arrives.
    func execute(uri: String, method: HTTPRequest.Method, chunks: [ByteBuffer]) async throws -> Response {
        try await execute(HTTPRequest(method: method, scheme: "http", authority: "localhost", path: uri), RequestBody(asyncSequence: Chunks(buffers: chunks)))
    }

    private func execute(_ head: HTTPRequest, _ body: RequestBody) async throws -> Response {
        let request = Request(head: head, body: body)
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: logger))
        let response: Hummingbird.Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            response = Hummingbird.Response(status: .internalServerError)
        }
        let collected = Collector()
        try await response.body.write(collected)
        return Response(status: response.status, headers: response.headers, body: collected.buffer)
    }

    func execute<Value>(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
        _ check: (Response) throws -> Value
    ) async throws -> Value {
        try check(try await execute(uri: uri, method: method, headers: headers, body: body))
    }

    /// An array as an async sequence, for streamed request bodies.
    struct Chunks: AsyncSequence, Sendable {
        let buffers: [ByteBuffer]
        struct AsyncIterator: AsyncIteratorProtocol {
            var rest: ArraySlice<ByteBuffer>
            mutating func next() async -> ByteBuffer? { rest.popFirst() }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: buffers[...]) }
    }

    /// Gathers the body a response writes; responses write sequentially, so no lock is needed.
    private final class Collector: ResponseBodyWriter, @unchecked Sendable {
        var buffer = ByteBuffer()
        func write(_ buffer: ByteBuffer) async throws { self.buffer.writeImmutableBuffer(buffer) }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
