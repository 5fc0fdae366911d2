public import ServiceProxy

/// The identity of an IPVS virtual server: address, port and protocol (IPv4; firewall-mark services are not used).
public struct IPVSServiceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: Int
    public var `protocol`: TransportProtocol

    public init(address: IPv4Address, port: Int, protocol: TransportProtocol) {
        self.address = address
        self.port = port
        self.protocol = `protocol`
    }

    /// `10.96.0.1:80/TCP`, as upstream prints a virtual server.
    public var description: String { "\(self.address):\(self.port)/\(self.protocol.rawValue)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.address, lhs.port, lhs.protocol.rawValue) < (rhs.address, rhs.port, rhs.protocol.rawValue)
    }
}

/// An IPVS virtual server as the proxy wants it (upstream's `utilipvs.VirtualServer`).
public struct IPVSVirtualServer: Hashable, Sendable, CustomStringConvertible {
    public var key: IPVSServiceKey
    /// The scheduler (`rr`, `wrr`, `lc`, ...; `--ipvs-scheduler`).
    public var scheduler: String
    /// Persistence (sessionAffinity ClientIP) timeout in seconds; 0 = not persistent.
    public var persistenceTimeout: Int

    public init(key: IPVSServiceKey, scheduler: String = "rr", persistenceTimeout: Int = 0) {
        self.key = key
        self.scheduler = scheduler
        self.persistenceTimeout = persistenceTimeout
    }

    /// `IP_VS_SVC_F_PERSISTENT` when persistent.
    public var flags: UInt32 { self.persistenceTimeout > 0 ? 1 : 0 }

    public var description: String {
        "\(self.key) \(self.scheduler)" + (self.persistenceTimeout > 0 ? " persistent \(self.persistenceTimeout)" : "")
    }
}

/// A real server (destination) of a virtual server.
public struct IPVSRealServer: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: Int

    public init(address: IPv4Address, port: Int) {
        self.address = address
        self.port = port
    }

    public var description: String { "\(self.address):\(self.port)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.address, lhs.port) < (rhs.address, rhs.port) }
}

/// A real server as the kernel reports it.
public struct IPVSDestinationStatus: Hashable, Sendable {
    public var server: IPVSRealServer
    public var weight: Int
    /// The forwarding method (`IP_VS_CONN_F_*`; 0 = masquerade).
    public var forwardingMethod: UInt32
    public var activeConnections: Int
    public var inactiveConnections: Int

    public init(
        server: IPVSRealServer, weight: Int, forwardingMethod: UInt32 = 0, activeConnections: Int = 0,
        inactiveConnections: Int = 0
    ) {
        self.server = server
        self.weight = weight
        self.forwardingMethod = forwardingMethod
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
    }
}

/// An ipset kind the IPVS mode uses, with the `ipset create` arguments upstream gives it.
public enum IPSetType: String, Hashable, Sendable {
    case hashIPPort = "hash:ip,port"
    case hashIPPortIP = "hash:ip,port,ip"
    case hashIPPortNet = "hash:ip,port,net"
    case hashIP = "hash:ip"
    case bitmapPort = "bitmap:port"

    /// The options after the type in `ipset create NAME TYPE ...`.
    public var createOptions: [String] {
        switch self {
        case .bitmapPort: ["range", "0-65535"]
        default: ["family", "inet", "hashsize", "1024", "maxelem", "65536"]
        }
    }
}
