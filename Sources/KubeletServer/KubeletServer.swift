public import Logging
import NIOCore
import NIOHTTP1
public import NIOPosix
import NIOSSL
public import ServiceLifecycle

/// The kubelet's own HTTPS API (`--address`:`--port`, 10250 by default): `kubectl logs` reaches it through the
/// API server, which connects to the Node's `status.daemonEndpoints.kubeletEndpoint.Port` at its InternalIP.
/// Routes are ``KubeletRoutes``. A swift-service-lifecycle `Service`: `run()` binds, serves until graceful
/// shutdown or cancellation (log followers end with it), then closes.
///
/// Authentication: with `clientCAFile`, clients must present a certificate signed by it (upstream's x509
/// authenticator); without, any client is served. Upstream's webhook authentication and authorization
/// (TokenReview/SubjectAccessReview) are not implemented.
public struct KubeletServer: Service {
    public struct Configuration: Sendable, Equatable {
        /// `--address`, default `0.0.0.0`.
        public var host: String
        /// `--port`, default 10250; 0 here picks a free port (the agent's `--port 0` disables the server instead).
        public var port: Int
        public var certificate: ServingCertificate
        /// `--client-ca-file`: demand client certificates signed by this CA bundle.
        public var clientCAFile: String?

        public init(
            host: String = "0.0.0.0", port: Int = 10250, certificate: ServingCertificate, clientCAFile: String? = nil
        ) {
            self.host = host
            self.port = port
            self.certificate = certificate
            self.clientCAFile = clientCAFile
        }
    }

    public let configuration: Configuration
    public let routes: KubeletRoutes
    private let logger: Logger
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let onListening: (@Sendable (_ host: String, _ port: Int) -> Void)?

    /// - Parameters:
    ///   - configuration: address, port, certificate, client CA.
    ///   - routes: the answers.
    ///   - logger: the listening address (info), connection errors (debug).
    ///   - eventLoopGroup: NIO's event loops; the shared singleton by default.
    ///   - onListening: called once bound, with the actual address and port.
    public init(
        configuration: Configuration,
        routes: KubeletRoutes,
        logger: Logger,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton,
        onListening: (@Sendable (_ host: String, _ port: Int) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.routes = routes
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Loads the TLS material, binds, then serves until graceful shutdown or cancellation.
    /// - Throws: ``KubeletServerError`` naming the file that cannot be loaded or the address that cannot be bound.
    public func run() async throws {
        let context = try self.makeTLSContext()
        let server = try await self.bind(context)
        let port = server.channel.localAddress?.port ?? self.configuration.port
        let address = "\(self.configuration.host):\(port)"
        self.logger.info(
            "serving the kubelet API (/containerLogs, /pods, /runningpods/, /metrics, /healthz) over HTTPS",
            metadata: ["https.address": "\(address)", "clientCA": "\(self.configuration.clientCAFile ?? "-")"]
        )
        self.onListening?(self.configuration.host, port)
        let routes = self.routes
        let logger = self.logger
        do {
            try await cancelWhenGracefulShutdown {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            group.addTask { await Self.serve(connection, routes: routes, logger: logger) }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Shutdown: executeThenClose closed the listening socket.
        }
        self.logger.info("kubelet API server stopped", metadata: ["https.address": "\(address)"])
    }

    func makeTLSContext() throws -> NIOSSLContext {
        let certificate = self.configuration.certificate
        do {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.certificatePath).map {
                    .certificate($0)
                },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.keyPath, format: .pem))
            )
            if let clientCA = self.configuration.clientCAFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
                tls.certificateVerification = .noHostnameVerification
            } else {
                tls.certificateVerification = .none
            }
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw KubeletServerError(
                "cannot load the TLS material (\(certificate.certificatePath), \(certificate.keyPath)"
                    + (self.configuration.clientCAFile.map { ", --client-ca-file \($0)" } ?? "") + "): \(error)")
        }
    }

    private func bind(_ context: NIOSSLContext) async throws -> NIOAsyncChannel<Connection, Never> {
        let host = self.configuration.host
        let port = self.configuration.port
        do {
            return try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.backlog, value: 128)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            let shown = host.contains(":") ? "[\(host)]" : host
            throw KubeletServerError("cannot listen on \(shown):\(port) (--address/--port): \(error)")
        }
    }

    /// Answers the requests of one connection until the client closes it or asks to.
    static func serve(_ connection: Connection, routes: KubeletRoutes, logger: Logger) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    guard case .end = part else {
                        if case .head(let requestHead) = part { head = requestHead }
                        continue
                    }
                    guard let request = head else { continue }
                    head = nil
                    let keepAlive = request.isKeepAlive
                    switch await routes.respond(method: request.method.rawValue, uri: request.uri) {
                    case .response(let response):
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        if response.status >= 400 { headers.add(name: "X-Content-Type-Options", value: "nosniff") }
                        if !keepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(
                            .head(
                                HTTPResponseHead(
                                    version: request.version, status: .init(statusCode: response.status),
                                    headers: headers)))
                        if request.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        }
                        try await outbound.write(.end(nil))
                    case .logs(let stream, let handle):
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                        headers.add(name: "Transfer-Encoding", value: "chunked")
                        if !keepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(
                            .head(HTTPResponseHead(version: request.version, status: .ok, headers: headers)))
                        try await stream.run(handle: handle, isOpen: { channel.isActive }) { bytes in
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                        }
                        try await outbound.write(.end(nil))
                    }
                    if !keepAlive { return }
                }
            }
        } catch {
            logger.debug("kubelet API connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}

/// The server cannot start; the text names the flag or file at fault.
public struct KubeletServerError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
