import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
@testable import AviaryServer

/// `--request-timeout` (issue 19): a request head or body sent a byte at a time, or a handler
/// that never answers, has its connection closed; a connection answering promptly is kept.
@Suite("Request deadline")
struct RequestDeadlineTests {
    static let timeout = TimeAmount.seconds(300)

    /// A connected channel with the deadline handler, on a loop whose clock the test moves.
    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestDeadlineHandler(timeout: timeout, logger: Logger(label: "test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func head(_ channel: EmbeddedChannel, path: String = "/api/2.0/mlflow/runs/create") throws {
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "localhost", path: path)))
    }

    static func body(_ channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
    }

    static func end(_ channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    static func answer(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
    }

    @Test("a body dribbled a byte at a time is cut at the deadline, however lively")
    func slowBody() throws {
        let channel = try Self.channel()
        try Self.head(channel)
        for _ in 0..<29 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(10))
            try Self.body(channel)
        }
        #expect(channel.isActive, "290 s in, still within the deadline")
        channel.embeddedEventLoop.advanceTime(by: .seconds(11))
        #expect(!channel.isActive)
    }

    @Test("a request read whole but never answered is cut at the deadline")
    func slowHandler() throws {
        let channel = try Self.channel()
        try Self.head(channel)
        try Self.end(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(299))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("an answered request leaves the connection open; so does a long response after its head")
    func answered() throws {
        let channel = try Self.channel()
        try Self.head(channel)
        try Self.end(channel)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1000))
        #expect(channel.isActive, "a streamed response is paced by its client, not cut")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1000))
        #expect(channel.isActive)
    }

    @Test("an early answer (a 413 before the body) does not end the deadline of the body still arriving")
    func answeredBeforeBody() throws {
        let channel = try Self.channel()
        try Self.head(channel)
        try Self.answer(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(301))
        #expect(!channel.isActive)
    }

    @Test("on a keep-alive connection each request gets its own deadline from its own head")
    func keepAlive() throws {
        let channel = try Self.channel()
        try Self.head(channel)
        try Self.end(channel)
        try Self.answer(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(200))
        try Self.head(channel)
        // The timer set for the first request fires at 300 s and moves to the second's 500 s.
        channel.embeddedEventLoop.advanceTime(by: .seconds(299))
        #expect(channel.isActive, "499 s: the second request has 1 s left")
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }
}
