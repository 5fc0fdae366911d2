public import Logging
import NIOCore
import NIOHTTP1
public import NIOPosix
public import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The agent's HTTP/1.1 server for `/healthz`, `/metrics` and `/pods` (see ``AgentHTTPHandler``), as a
/// swift-service-lifecycle `Service`: `run()` binds, serves until graceful shutdown or cancellation, then closes.
///
/// ```swift
/// if let configuration = AgentHTTPServer.Configuration(bindAddress: flags.healthzBindAddress,
///                                                      port: flags.healthzPort) {
///     let server = AgentHTTPServer(configuration: configuration, handler: handler, logger: logger)
///     // add `server` to the ServiceGroup
/// }
/// ```
public struct AgentHTTPServer: Service {
    /// Where the server listens.
    public struct Configuration: Sendable, Equatable {
        /// The address to bind, e.g. `127.0.0.1` (the kubelet's `--healthz-bind-address` default) or `0.0.0.0`.
        public var host: String
        /// The port; 0 picks a free port, reported through the server's `onListening` callback.
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int = 10248) {
            self.host = host
            self.port = port
        }

        /// The configuration for the kubelet-style flags, or `nil` when `port` is 0 (the endpoint is disabled).
        public init?(bindAddress: String, port: Int) {
            guard port != 0 else { return nil }
            self.init(host: bindAddress, port: port)
        }
    }

    public let configuration: Configuration
    public let handler: AgentHTTPHandler
    private let logger: Logger
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let onListening: (@Sendable (_ host: String, _ port: Int) -> Void)?

    /// - Parameters:
    ///   - configuration: the address and port.
    ///   - handler: the routes.
    ///   - logger: for connection errors (debug) and the listening address (info).
    ///   - eventLoopGroup: NIO's event loops; the shared singleton by default.
    ///   - onListening: called once bound, with the actual address and port (useful with port 0).
    public init(
        configuration: Configuration,
        handler: AgentHTTPHandler,
        logger: Logger,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton,
        onListening: (@Sendable (_ host: String, _ port: Int) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Binds, then serves until graceful shutdown or cancellation, then closes the listening socket.
    /// - Throws: ``AgentHTTPServerError`` when the address cannot be bound.
    public func run() async throws {
        let server = try await self.bind()
        let port = server.channel.localAddress?.port ?? self.configuration.port
        self.logger.info(
            "serving /healthz, /metrics and /pods",
            metadata: ["http.address": "\(self.configuration.host):\(port)"]
        )
        self.onListening?(self.configuration.host, port)
        let handler = self.handler
        let logger = self.logger
        do {
            try await cancelWhenGracefulShutdown {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            group.addTask {
                                await Self.serve(connection, handler: handler, logger: logger)
                            }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Shutdown: the listening socket is closed by executeThenClose.
        }
        self.logger.info("HTTP server stopped", metadata: ["http.address": "\(self.configuration.host):\(port)"])
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let host = self.configuration.host
        let port = self.configuration.port
        do {
            return try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw AgentHTTPServerError(host: host, port: port, reason: Self.describe(error))
        }
    }

    /// Answers the requests of one connection until the client closes it or asks to (`Connection: close`).
    static func serve(_ connection: Connection, handler: AgentHTTPHandler, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let response = await handler.respond(method: request.method.rawValue, uri: request.uri)
                        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                        let status = HTTPResponseStatus(statusCode: response.status)
                        try await outbound.write(
                            .head(HTTPResponseHead(version: request.version, status: status, headers: headers))
                        )
                        if request.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        }
                        try await outbound.write(.end(nil))
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("HTTP connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// A short reason for a bind failure: `address already in use`, `permission denied`, ...
    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if let error = error as? SocketAddressError.UnknownHost {
            return "unknown host: \(error.errorDescription)"
        }
        if error is SocketAddressError {
            return "not an IP address or known host name"
        }
        return "\(error)"
    }
}

/// The server could not listen on its address.
public struct AgentHTTPServerError: Error, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Why, e.g. `address already in use`.
    public var reason: String

    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "cannot listen on \(host):\(self.port): \(self.reason)"
    }
}
