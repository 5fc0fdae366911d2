/// One endpoint of one service port (kube-proxy's `BaseEndpointInfo`), printed `ip:port`.
public struct EndpointInfo: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The endpoint's IP (the slice endpoint's first address).
    public var ip: IPv4Address
    /// The resolved target port.
    public var port: Int
    /// Whether the endpoint runs on this node (`nodeName` equals the proxy's node).
    public var isLocal: Bool
    /// Ready for new connections (`conditions.ready`, unset = true).
    public var ready: Bool
    /// Serving, ignoring termination (`conditions.serving`, unset = `ready`).
    public var serving: Bool
    /// Being deleted (`conditions.terminating`, unset = false).
    public var terminating: Bool
    /// The node hosting it, when known.
    public var nodeName: String?
    /// The zone, when known.
    public var zone: String?
    /// The zones the EndpointSlice controller hinted this endpoint for (`hints.forZones`); empty when none.
    public var zoneHints: Set<String>

    /// Creates the endpoint; by default ready, serving, not terminating, not local.
    public init(
        ip: IPv4Address,
        port: Int,
        isLocal: Bool = false,
        ready: Bool = true,
        serving: Bool? = nil,
        terminating: Bool = false,
        nodeName: String? = nil,
        zone: String? = nil,
        zoneHints: Set<String> = []
    ) {
        self.ip = ip
        self.port = port
        self.isLocal = isLocal
        self.ready = ready
        self.serving = serving ?? ready
        self.terminating = terminating
        self.nodeName = nodeName
        self.zone = zone
        self.zoneHints = zoneHints
    }

    /// `ip:port`, as upstream's `String()`; hashed into the KUBE-SEP- chain name and used in `--to-destination`.
    public var description: String { "\(self.ip):\(self.port)" }

    /// Orders as upstream sorts endpoints: by the `ip:port` text.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

/// What the compiler needs to know about the node it runs on.
public struct NodeContext: Hashable, Sendable {
    /// The node's name (endpoints with this `nodeName` are local).
    public var nodeName: String
    /// The node's primary IPv4 address (a load-balancer source range containing it also admits the node itself).
    public var nodeIP: IPv4Address?
    /// The node's `topology.kubernetes.io/zone` label: services with topology-aware routing use the endpoints
    /// hinted for it. A change needs a full sync, as upstream's `OnTopologyChange`.
    public var zone: String?

    /// Creates the context.
    public init(nodeName: String, nodeIP: IPv4Address? = nil, zone: String? = nil) {
        self.nodeName = nodeName
        self.nodeIP = nodeIP
        self.zone = zone
    }
}
