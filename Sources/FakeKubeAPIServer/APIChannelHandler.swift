import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// One connection's HTTP/1.1 handler: collects a request, records it, applies injected faults, and answers it
/// through the router, or streams a watch (chunked, one JSON event per line) until its timeout, the client's
/// close or the server's stop.
final class APIChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let core: ServerCore
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var watch: ActiveWatch?

    init(core: ServerCore) {
        self.core = core
    }

    /// A running watch on this connection; `open` is only touched on the channel's event loop.
    final class ActiveWatch: @unchecked Sendable {
        var id: Int?
        var open = true
        var keepAlive: Bool
        var timeout: Scheduled<Void>?
        var bookmarks: RepeatedTask?
        init(keepAlive: Bool) { self.keepAlive = keepAlive }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
        case .body(var buffer):
            self.body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let request = RecordedRequest(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: self.body, date: self.core.store.now()
            )
            self.body = []
            self.core.record(request)
            let fault = self.core.takeFault(for: request)
            if let delay = fault?.delay, delay > .zero {
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .nanoseconds(Self.nanoseconds(delay))) {
                    let (handler, context) = bound.value
                    handler.respond(context: context, head: head, request: request, status: fault?.status, message: fault?.message)
                }
            } else {
                self.respond(context: context, head: head, request: request, status: fault?.status, message: fault?.message)
            }
        }
    }

    func respond(context: ChannelHandlerContext, head: HTTPRequestHead, request: RecordedRequest, status: Int?, message: String?) {
        if let status {
            let error = APIStatusError(
                code: status, reason: Self.reason(for: status),
                message: message ?? "injected failure: \(status) for \(request.method) \(request.path)"
            )
            self.write(context: context, head: head, reply: .error(error))
            return
        }
        if let token = self.core.configuration.bearerToken, request.header("Authorization") != "Bearer \(token)" {
            // As kube-apiserver's authentication filter: no details, just 401 Unauthorized.
            self.write(context: context, head: head, reply: .error(APIStatusError(code: 401, reason: "Unauthorized", message: "Unauthorized")))
            return
        }
        if self.proxyNodeLogs(context: context, head: head, request: request) { return }
        switch self.core.router.route(request) {
        case .reply(let reply):
            self.write(context: context, head: head, reply: reply)
        case .watch(let watchRequest, let timeout):
            self.startWatch(context: context, head: head, request: watchRequest, timeout: timeout)
        }
    }

    static func reason(for status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "InternalError"
        }
    }

    func write(context: ChannelHandlerContext, head: HTTPRequestHead, reply: APIReply) {
        var headers = HTTPHeaders(reply.headers)
        headers.add(name: "Content-Length", value: String(reply.body.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: .init(statusCode: reply.status), headers: headers)
        context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
        }
        let keepAlive = head.isKeepAlive
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    func startWatch(context: ChannelHandlerContext, head: HTTPRequestHead, request: WatchRequest, timeout: Duration?) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: request.asTable ? Tables.contentType : "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        context.writeAndFlush(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
            promise: nil
        )
        let watch = ActiveWatch(keepAlive: head.isKeepAlive)
        self.watch = watch
        let channel = context.channel
        let loop = context.eventLoop
        // Every event goes through the loop's task queue, in the order the store produced them (under its lock).
        let now = self.core.configuration.now
        let sink: @Sendable (WatchEvent) -> Void = { event in
            let event = request.asTable
                ? Tables.watchEvent(event, request.resource, include: request.includeObject, now: now()) : event
            let bytes = event.json.serializedBytes() + [0x0A]
            loop.execute {
                guard watch.open else { return }
                channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil)
            }
        }
        let endBound = NIOLoopBound((self, context), eventLoop: loop)
        let end: @Sendable () -> Void = {
            loop.execute {
                let (handler, context) = endBound.value
                guard handler.watch === watch else { return }
                handler.endWatch(context: context)
            }
        }
        switch self.core.store.watch(request, sink: sink, end: end) {
        case .failure(let error):
            // As upstream's watch cache: the stream opens, then carries one ERROR event with the Status.
            sink(WatchEvent(type: .error, object: error.status))
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            loop.execute {
                let (handler, context) = bound.value
                handler.endWatch(context: context)
            }
        case .success(let id):
            watch.id = id
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            if let timeout {
                watch.timeout = loop.scheduleTask(in: .nanoseconds(Self.nanoseconds(timeout))) {
                    let (handler, context) = bound.value
                    handler.endWatch(context: context)
                }
            }
            if request.allowBookmarks, let interval = self.core.configuration.bookmarkInterval {
                let store = self.core.store
                let amount = TimeAmount.nanoseconds(Self.nanoseconds(interval))
                watch.bookmarks = loop.scheduleRepeatedTask(initialDelay: amount, delay: amount) { _ in
                    store.bookmark(only: id)
                }
            }
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Ends the current watch: unregisters it, then terminates the chunked body (or closes the connection).
    func endWatch(context: ChannelHandlerContext) {
        guard let watch = self.watch else { return }
        self.stopWatch()
        let keepAlive = watch.keepAlive
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    private func stopWatch() {
        guard let watch = self.watch else { return }
        self.watch = nil
        watch.open = false
        watch.timeout?.cancel()
        watch.bookmarks?.cancel()
        if let id = watch.id { self.core.store.unwatch(id) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.stopWatch()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.stopWatch()
        context.close(promise: nil)
    }
}
