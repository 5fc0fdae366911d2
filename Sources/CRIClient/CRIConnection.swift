public import Logging
public import ServiceLifecycle
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// Runs `body` with a ``ContainerRuntime`` connected to the runtime's unix socket, and closes the connection
/// when `body` returns. The connection is made lazily and re-made when the runtime restarts: calls made while it
/// is away fail with ``CRIError/Code/unavailable`` and later calls work again.
///
/// ```swift
/// let version = try await withCRIClient(CRIClientConfiguration(socketPath: "/run/containerd/containerd.sock")) {
///     try await $0.version()
/// }
/// ```
public func withCRIClient<Result: Sendable>(
    _ configuration: CRIClientConfiguration,
    _ body: (any ContainerRuntime) async throws -> Result
) async throws -> Result {
    let transport = try makeTransport(configuration)
    return try await withGRPCClient(transport: transport) { client in
        try await body(CRIClient(client: client, configuration: configuration))
    }
}

/// A long-lived connection to the runtime, run as a `Service` by the agent's service group.
///
/// ``runtime`` may be used as soon as the connection is created; calls made before ``run()`` has started,
/// or while the runtime is away, fail with ``CRIError/Code/unavailable``.
public final class CRIConnection: Service {
    /// The runtime this connection talks to.
    public let runtime: any ContainerRuntime
    private let clients: [GRPCClient<HTTP2ClientTransport.Posix>]
    private let logger: Logger

    /// Opens ``CRIClientConfiguration/connections`` connections (at least one); calls go round-robin.
    public init(configuration: CRIClientConfiguration, logger: Logger) throws {
        self.clients = try (0..<max(configuration.connections, 1)).map { _ in
            GRPCClient(transport: try makeTransport(configuration))
        }
        self.runtime = CRIClient(clients: self.clients, configuration: configuration)
        self.logger = logger
    }

    public func run() async throws {
        self.logger.debug("CRI connection running", metadata: ["connections": "\(self.clients.count)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for client in self.clients {
                    group.addTask { try await client.runConnections() }
                }
            }
        } onGracefulShutdown: {
            for client in self.clients { client.beginGracefulShutdown() }
        }
    }
}

private func makeTransport(_ configuration: CRIClientConfiguration) throws -> HTTP2ClientTransport.Posix {
    try HTTP2ClientTransport.Posix(
        target: .unixDomainSocket(path: configuration.socketPath, authority: "localhost"),
        transportSecurity: .plaintext,
        config: .defaults { config in
            config.backoff = .init(
                initial: configuration.reconnectInitialBackoff,
                max: configuration.reconnectMaxBackoff,
                multiplier: 1.6,
                jitter: 0.2
            )
        }
    )
}
