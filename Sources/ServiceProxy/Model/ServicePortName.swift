/// A service's namespace and name (`types.NamespacedName`), printed `namespace/name`.
public struct ServiceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace.
    public var namespace: String
    /// The service's name.
    public var name: String

    /// Creates the name.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`.
    public var description: String { "\(self.namespace)/\(self.name)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// A transport protocol a service port uses; the `rawValue` is the API's spelling (`TCP`).
public enum TransportProtocol: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"

    /// The lower-case name iptables uses (`-p tcp`, `-m tcp`), also hashed into chain names.
    public var iptablesName: String {
        switch self {
        case .tcp: "tcp"
        case .udp: "udp"
        case .sctp: "sctp"
        }
    }

    /// The API spelling.
    public var description: String { self.rawValue }
}

/// One port of one service (kube-proxy's `proxy.ServicePortName`): the key of every per-port map.
///
/// Printed `namespace/name:port`, or `namespace/name` for an unnamed port, exactly as upstream prints it in rule
/// comments and hashes it into chain names.
public struct ServicePortName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The service.
    public var service: ServiceName
    /// The port's name; empty for a service's single unnamed port.
    public var port: String
    /// The protocol (part of the key, as upstream).
    public var `protocol`: TransportProtocol

    /// Creates the name.
    public init(service: ServiceName, port: String, protocol: TransportProtocol) {
        self.service = service
        self.port = port
        self.protocol = `protocol`
    }

    /// Creates the name from its parts.
    public init(namespace: String, name: String, port: String, protocol: TransportProtocol = .tcp) {
        self.init(service: ServiceName(namespace: namespace, name: name), port: port, protocol: `protocol`)
    }

    /// `namespace/name:port`, or `namespace/name` when the port has no name.
    public var description: String {
        self.port.isEmpty ? self.service.description : "\(self.service.namespace)/\(self.service.name):\(self.port)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.service != rhs.service { return lhs.service < rhs.service }
        if lhs.port != rhs.port { return lhs.port < rhs.port }
        return lhs.protocol.rawValue < rhs.protocol.rawValue
    }
}
