import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request is not over within `timeout` of its head arriving: the
/// `--request-timeout` of every Aviary server.
///
/// A request is over once its body has been read to the end *and* its response head has been
/// written, so the deadline bounds a request head or body sent a byte at a time (which
/// Hummingbird's idle timeout does not, as each byte counts as activity) and a handler that
/// takes too long. A response streamed after its head (an artifact download, a CSV export) is
/// not cut: its pace is the client's.
///
/// One timer per connection, not per request: when it fires it closes the connection if the
/// oldest open request is past its deadline and otherwise moves to that request's deadline, so
/// a keep-alive connection answering requests quickly sets a timer once per `timeout`.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request that has arrived and is not over yet.
    private struct OpenRequest {
        var start: NIODeadline
        var path: String
        var bodyRead = false
        var answered = false
        var isOver: Bool { bodyRead && answered }
    }

    let timeout: TimeAmount
    let logger: Logger
    /// In arrival order; HTTP/1.1 answers in that order too.
    private var open: [OpenRequest] = []
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            open.append(OpenRequest(start: context.eventLoop.now, path: request.path ?? ""))
            if timer == nil { schedule(context, at: open[0].start + timeout) }
        case .body:
            break
        case .end:
            if let index = open.firstIndex(where: { !$0.bodyRead }) { open[index].bodyRead = true }
            dropFinished()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head = unwrapOutboundIn(data), let index = open.firstIndex(where: { !$0.answered }) {
            open[index].answered = true
            dropFinished()
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    private func dropFinished() {
        while let first = open.first, first.isOver { open.removeFirst() }
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let oldest = open.first else { return }
            let deadline = oldest.start + timeout
            guard context.eventLoop.now >= deadline else { return schedule(context, at: deadline) }
            logger.notice("request timed out; connection closed", metadata: [
                "path": "\(oldest.path)", "timeout_seconds": "\(timeout.nanoseconds / 1_000_000_000)",
                "stage": "\(oldest.bodyRead ? "answering" : "reading the request")",
            ])
            open.removeAll()
            context.close(promise: nil)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
