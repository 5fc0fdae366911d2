/// A health check of a container (`v1 Probe`, handler fields inline).
public struct Probe: Codable, Hashable, Sendable {
    /// Run a command in the container; success is exit code 0.
    public var exec: ExecAction?
    /// HTTP GET; success is a status in 200..<400.
    public var httpGet: HTTPGetAction?
    /// Open a TCP connection.
    public var tcpSocket: TCPSocketAction?
    /// gRPC health check; success is SERVING.
    public var grpc: GRPCAction?
    /// Seconds after the container started before the first probe; default 0.
    public var initialDelaySeconds: Int32?
    /// Seconds before the probe times out; default 1.
    public var timeoutSeconds: Int32?
    /// Seconds between probes; default 10.
    public var periodSeconds: Int32?
    /// Consecutive successes to count as success; default 1, must be 1 for liveness and startup.
    public var successThreshold: Int32?
    /// Consecutive failures to count as failure; default 3.
    public var failureThreshold: Int32?
    /// Grace period when the probe kills the container; overrides the pod's.
    public var terminationGracePeriodSeconds: Int64?

    /// Creates a `Probe`; every parameter defaults to unset.
    public init(
        exec: ExecAction? = nil,
        httpGet: HTTPGetAction? = nil,
        tcpSocket: TCPSocketAction? = nil,
        grpc: GRPCAction? = nil,
        initialDelaySeconds: Int32? = nil,
        timeoutSeconds: Int32? = nil,
        periodSeconds: Int32? = nil,
        successThreshold: Int32? = nil,
        failureThreshold: Int32? = nil,
        terminationGracePeriodSeconds: Int64? = nil
    ) {
        self.exec = exec
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.grpc = grpc
        self.initialDelaySeconds = initialDelaySeconds
        self.timeoutSeconds = timeoutSeconds
        self.periodSeconds = periodSeconds
        self.successThreshold = successThreshold
        self.failureThreshold = failureThreshold
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
    }
}

/// A command run in the container (`v1 ExecAction`).
public struct ExecAction: Codable, Hashable, Sendable {
    /// The command line, not run in a shell.
    public var command: [String]

    /// Creates a `ExecAction`; every parameter defaults to unset.
    public init(command: [String] = []) {
        self.command = command
    }

    private enum CodingKeys: String, CodingKey {
        case command
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.command = try container.value(.command, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.command, forKey: .command)
    }
}

/// An HTTP GET request (`v1 HTTPGetAction`).
public struct HTTPGetAction: Codable, Hashable, Sendable {
    /// Path; default `/`.
    public var path: String?
    /// Port number or container port name.
    public var port: IntOrString
    /// Host to connect to; default the pod IP.
    public var host: String?
    /// HTTP (default) or HTTPS.
    public var scheme: URIScheme?
    /// Extra request headers.
    public var httpHeaders: [HTTPHeader]

    /// Creates a `HTTPGetAction`; every parameter defaults to unset.
    public init(
        path: String? = nil,
        port: IntOrString = .int(0),
        host: String? = nil,
        scheme: URIScheme? = nil,
        httpHeaders: [HTTPHeader] = []
    ) {
        self.path = path
        self.port = port
        self.host = host
        self.scheme = scheme
        self.httpHeaders = httpHeaders
    }

    private enum CodingKeys: String, CodingKey {
        case path, port, host, scheme, httpHeaders
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.path = try container.value(.path)
        self.port = try container.value(.port, default: .int(0))
        self.host = try container.value(.host)
        self.scheme = try container.value(.scheme)
        self.httpHeaders = try container.value(.httpHeaders, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.path, forKey: .path)
        try container.encode(self.port, forKey: .port)
        try container.encodeIfPresent(self.host, forKey: .host)
        try container.encodeIfPresent(self.scheme, forKey: .scheme)
        try container.encode(nonEmpty: self.httpHeaders, forKey: .httpHeaders)
    }
}

/// An HTTP header (`v1 HTTPHeader`).
public struct HTTPHeader: Codable, Hashable, Sendable {
    /// Header name.
    public var name: String
    /// Header value; empty removes a default header.
    public var value: String

    /// Creates a `HTTPHeader`; every parameter defaults to unset.
    public init(name: String = "", value: String = "") {
        self.name = name
        self.value = value
    }

    private enum CodingKeys: String, CodingKey {
        case name, value
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.value = try container.value(.value, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.value, forKey: .value)
    }
}

/// A TCP connection attempt (`v1 TCPSocketAction`).
public struct TCPSocketAction: Codable, Hashable, Sendable {
    /// Port number or container port name.
    public var port: IntOrString
    /// Host to connect to; default the pod IP.
    public var host: String?

    /// Creates a `TCPSocketAction`; every parameter defaults to unset.
    public init(port: IntOrString = .int(0), host: String? = nil) {
        self.port = port
        self.host = host
    }

    private enum CodingKeys: String, CodingKey {
        case port, host
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.port = try container.value(.port, default: .int(0))
        self.host = try container.value(.host)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.port, forKey: .port)
        try container.encodeIfPresent(self.host, forKey: .host)
    }
}

/// A gRPC health check (`v1 GRPCAction`).
public struct GRPCAction: Codable, Hashable, Sendable {
    /// Port number.
    public var port: Int32
    /// Service name for the health check request.
    public var service: String?

    /// Creates a `GRPCAction`; every parameter defaults to unset.
    public init(port: Int32 = 0, service: String? = nil) {
        self.port = port
        self.service = service
    }

    private enum CodingKeys: String, CodingKey {
        case port, service
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.port = try container.value(.port, default: 0)
        self.service = try container.value(.service)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.port, forKey: .port)
        try container.encodeIfPresent(self.service, forKey: .service)
    }
}

/// A pause (`v1 SleepAction`).
public struct SleepAction: Codable, Hashable, Sendable {
    /// Seconds to sleep.
    public var seconds: Int64

    /// Creates a `SleepAction`; every parameter defaults to unset.
    public init(seconds: Int64 = 0) {
        self.seconds = seconds
    }

    private enum CodingKeys: String, CodingKey {
        case seconds
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.seconds = try container.value(.seconds, default: 0)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.seconds, forKey: .seconds)
    }
}

/// Hooks run around a container's life (`v1 Lifecycle`).
public struct Lifecycle: Codable, Hashable, Sendable {
    /// Run right after the container is created.
    public var postStart: LifecycleHandler?
    /// Run before the container is stopped.
    public var preStop: LifecycleHandler?
    /// Signal that stops the container (e.g. `SIGTERM`).
    public var stopSignal: String?

    /// Creates a `Lifecycle`; every parameter defaults to unset.
    public init(postStart: LifecycleHandler? = nil, preStop: LifecycleHandler? = nil, stopSignal: String? = nil) {
        self.postStart = postStart
        self.preStop = preStop
        self.stopSignal = stopSignal
    }
}

/// What a hook does (`v1 LifecycleHandler`).
public struct LifecycleHandler: Codable, Hashable, Sendable {
    /// Run a command in the container.
    public var exec: ExecAction?
    /// HTTP GET.
    public var httpGet: HTTPGetAction?
    /// Deprecated; kept for compatibility.
    public var tcpSocket: TCPSocketAction?
    /// Sleep.
    public var sleep: SleepAction?

    /// Creates a `LifecycleHandler`; every parameter defaults to unset.
    public init(
        exec: ExecAction? = nil,
        httpGet: HTTPGetAction? = nil,
        tcpSocket: TCPSocketAction? = nil,
        sleep: SleepAction? = nil
    ) {
        self.exec = exec
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.sleep = sleep
    }
}
