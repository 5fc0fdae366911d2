/// Where the runtime listens and how long calls may take.
public struct CRIClientConfiguration: Sendable {
    /// The runtime's unix socket, e.g. `/run/containerd/containerd.sock`.
    public var socketPath: String
    /// Deadline of calls that do work (create, start, stop, remove, exec): upstream's `runtimeRequestTimeout`, 2 min.
    public var requestTimeout: Duration
    /// Deadline of calls that only read state (Version, Status, *Status, List*, stats). Much shorter, so a hung
    /// runtime is noticed quickly.
    public var statusTimeout: Duration
    /// Deadline of `PullImage`; `nil` means none (pulls of large images legitimately take long).
    public var pullTimeout: Duration?
    /// Back-off between attempts to (re)connect to the socket after it went away.
    public var reconnectInitialBackoff: Duration
    public var reconnectMaxBackoff: Duration
    /// How many HTTP/2 connections a ``CRIConnection`` opens; calls are spread over them round-robin.
    ///
    /// More than one because grpc-swift-nio-transport closes a connection after 200 received RST_STREAM frames
    /// within 10 s (a hard-coded guard against reset floods), and containerd answers unary calls with one: a
    /// burst of pod starts on a single connection made calls fail `unavailable` mid-burst.
    public var connections: Int = 4

    public init(
        socketPath: String,
        requestTimeout: Duration = .seconds(120),
        statusTimeout: Duration = .seconds(10),
        pullTimeout: Duration? = nil,
        reconnectInitialBackoff: Duration = .milliseconds(100),
        reconnectMaxBackoff: Duration = .seconds(2)
    ) {
        self.socketPath = socketPath
        self.requestTimeout = requestTimeout
        self.statusTimeout = statusTimeout
        self.pullTimeout = pullTimeout
        self.reconnectInitialBackoff = reconnectInitialBackoff
        self.reconnectMaxBackoff = reconnectMaxBackoff
    }

    /// Parses a kubelet-style endpoint: `unix:///path/to.sock` or a bare absolute path.
    ///
    /// - Throws: ``CRIEndpointError`` for other schemes (`tcp://`, `npipe://`) or a relative path.
    public init(endpoint: String) throws {
        self.init(socketPath: try Self.socketPath(fromEndpoint: endpoint))
    }

    /// The socket path of a kubelet-style endpoint.
    public static func socketPath(fromEndpoint endpoint: String) throws -> String {
        let path: Substring
        if endpoint.hasPrefix("unix://") {
            path = endpoint.dropFirst("unix://".count)
        } else if endpoint.contains("://") {
            throw CRIEndpointError(
                endpoint: endpoint,
                reason: "only unix:// endpoints are supported (e.g. unix:///run/containerd/containerd.sock)"
            )
        } else {
            path = Substring(endpoint)
        }
        guard path.hasPrefix("/") else {
            throw CRIEndpointError(endpoint: endpoint, reason: "the socket path must be absolute")
        }
        return String(path)
    }
}

/// A container runtime endpoint that cannot be used.
public struct CRIEndpointError: Error, Hashable, Sendable, CustomStringConvertible {
    public var endpoint: String
    public var reason: String

    public var description: String {
        "invalid --container-runtime-endpoint '\(self.endpoint)': \(self.reason)"
    }
}
