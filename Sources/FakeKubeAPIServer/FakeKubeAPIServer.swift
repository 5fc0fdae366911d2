public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import NIOPosix
import Synchronization

/// An in-process fake kube-apiserver for tests: the REST and watch protocol of the real one (resourceVersions,
/// Status errors, the status subresource, merge/strategic-merge/JSON patches, graceful pod deletion, label and
/// field selectors, pagination, watches with bookmarks and 410 Gone, discovery and Tables for kubectl), on a real
/// socket, with objects kept as generic JSON.
///
/// ```swift
/// let server = FakeKubeAPIServer()
/// try await server.start()                       // http://127.0.0.1:<ephemeral port>
/// try server.kubeconfig(path: dir + "/kubeconfig")
/// try server.create(.pods, ["metadata": ["name": "web", "namespace": "default"], "spec": ["nodeName": "n1"]])
/// let pod = try await server.waitFor(.pods, namespace: "default", name: "web") { $0["status"]["phase"] == "Running" }
/// #expect(server.requests.contains { $0.method == "PATCH" && $0.path.hasSuffix("/web/status") })
/// try await server.stop()                        // the agent sees an outage...
/// try await server.start()                       // ...and the server returns on the same port, objects kept
/// ```
public final class FakeKubeAPIServer: Sendable {
    /// How the server is set up.
    public struct Configuration: Sendable {
        /// The address to listen on.
        public var host: String = "127.0.0.1"
        /// The port; 0 picks a free one at the first start (later starts reuse it).
        public var port: Int = 0
        /// Serve HTTPS demanding client certificates (see ``TLSMaterial``); nil serves plain HTTP.
        public var tls: TLSMaterial? = nil
        /// When set, every request must carry `Authorization: Bearer <token>`, else 401 Unauthorized (the
        /// kubeconfig written by ``kubeconfig(path:token:namespace:)`` then includes it by default).
        public var bearerToken: String? = nil
        /// How many changes are kept for watches; a watch from an older resourceVersion gets 410 Expired.
        public var watchHistoryLimit: Int = 10_000
        /// How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK (upstream: about a minute); nil: only
        /// on ``sendBookmarks()``.
        public var bookmarkInterval: Duration? = .seconds(60)
        /// The timeout of a watch without `timeoutSeconds` (upstream: 30 to 60 minutes); nil: none.
        public var defaultWatchTimeout: Duration? = .seconds(1800)
        /// Creates fail with 404 when the namespace does not exist, as with upstream's NamespaceLifecycle admission.
        public var requireNamespaces: Bool = true
        /// Namespaces created at startup (those of a fresh kube-apiserver).
        public var initialNamespaces: [String] = ["default", "kube-system", "kube-public", "kube-node-lease"]
        /// The resources served.
        public var resources: [APIResource] = APIResource.builtIn
        /// The version `/version` reports.
        public var version: String = "v1.32.0"
        /// The clock of creationTimestamp, deletionTimestamp, token expiry and Table ages.
        public var now: @Sendable () -> Date = { Date() }

        public init() {}
    }

    let core: ServerCore
    let logger: Logger
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let listener = Mutex<Listener>(Listener())

    struct Listener {
        var channel: (any Channel)?
        var boundPort: Int?
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    /// - Parameters:
    ///   - configuration: address, TLS, history window, clock.
    ///   - logger: connection errors at debug level.
    ///   - eventLoopGroup: NIO's event loops; the shared singleton by default.
    public init(
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "fake-kube-apiserver"),
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton
    ) {
        self.core = ServerCore(configuration: configuration)
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        for namespace in configuration.initialNamespaces {
            _ = try? self.core.store.create(.namespaces, namespace: nil, ["metadata": ["name": .string(namespace)]],
                                            requireNamespace: false)
        }
    }

    public var configuration: Configuration { self.core.configuration }

    /// The port, once started (stays the same across restarts).
    public var port: Int { self.listener.withLock { $0.boundPort ?? self.core.configuration.port } }

    /// Whether the server is listening.
    public var isRunning: Bool { self.listener.withLock { $0.channel != nil } }

    /// `http://127.0.0.1:<port>` or `https://...`.
    public var url: String {
        let host = self.configuration.host.contains(":") ? "[\(self.configuration.host)]" : self.configuration.host
        return "\(self.configuration.tls == nil ? "http" : "https")://\(host):\(self.port)"
    }

    /// Starts listening: the configured (or an ephemeral) port the first time, the same port after a ``stop()``.
    /// - Throws: when the address cannot be bound, or TLS material cannot be loaded.
    public func start() async throws {
        if self.isRunning { return }
        let port = self.port
        let core = self.core
        let sslContext = try self.configuration.tls.map { try $0.makeServerContext() }
        let channel = try await ServerBootstrap(group: self.eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [weak self] channel in
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext { try TLSMaterial.addServerHandler(sslContext, to: channel) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(APIChannelHandler(core: core))
                }
            }
            .bind(host: self.configuration.host, port: port)
            .get()
        let bound = channel.localAddress?.port ?? port
        self.listener.withLock { state in
            state.channel = channel
            state.boundPort = bound
        }
        self.logger.debug("fake kube-apiserver listening", metadata: ["url": "\(self.url)"])
    }

    /// Stops listening and closes every connection (watches end abruptly, as when kube-apiserver goes away).
    /// Objects, history, the request log and faults are kept for the next ``start()``.
    public func stop() async throws {
        let (channel, connections) = self.listener.withLock { state -> ((any Channel)?, [any Channel]) in
            let channel = state.channel
            state.channel = nil
            return (channel, Array(state.connections.values))
        }
        try? await channel?.close().get()
        for connection in connections {
            try? await connection.close().get()
        }
    }

    /// A server dropped without ``stop()`` still closes its socket and connections (without waiting).
    deinit {
        let (channel, connections) = self.listener.withLock { ($0.channel, Array($0.connections.values)) }
        channel?.close(promise: nil)
        for connection in connections { connection.close(promise: nil) }
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        self.listener.withLock { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.listener.withLock { $0.connections.removeValue(forKey: id) }
        }
    }

    /// Runs `body` with a started server and stops it afterwards, also when `body` throws.
    public static func withServer<T>(
        configuration: Configuration = Configuration(),
        _ body: (FakeKubeAPIServer) async throws -> T
    ) async throws -> T {
        let server = FakeKubeAPIServer(configuration: configuration)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }
}
