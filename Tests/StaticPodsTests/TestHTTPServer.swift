import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with the current scripted status and body.
final class TestHTTPServer: Sendable {
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var body: String
    }

    final class Script: Sendable {
        let reply = Mutex(Reply(status: .ok, body: ""))
    }

    let script = Script()
    private let channel: any Channel

    init() async throws {
        let script = self.script
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    var url: String { "http://127.0.0.1:\(self.channel.localAddress?.port ?? 0)/pods" }

    func set(_ body: String, status: HTTPResponseStatus = .ok) {
        self.script.reply.withLock { $0 = Reply(status: status, body: body) }
    }

    func shutdown() async throws {
        try await self.channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let script: Script

        init(script: Script) {
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = self.unwrapInboundIn(data) else { return }
            let reply = self.script.reply.withLock { $0 }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(reply.body.utf8.count))
            let head = HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
