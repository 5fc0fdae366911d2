/// Session affinity of a service port as the proxy applies it.
public enum SessionAffinity: Hashable, Sendable {
    /// Every new connection picks an endpoint at random.
    case none
    /// A client IP stays on its endpoint for `timeoutSeconds` after its last new connection.
    case clientIP(timeoutSeconds: Int)
}

/// What the proxy needs of one service port (kube-proxy's `BaseServicePortInfo`), IPv4 only.
///
/// Build it from a `Service` with ``ServiceProxyModel/servicePorts(of:)``; tests build it directly.
public struct ServicePortInfo: Hashable, Sendable {
    /// The cluster IP.
    public var clusterIP: IPv4Address
    /// The port on the cluster IP, external IPs and load-balancer IPs.
    public var port: Int
    /// The protocol.
    public var `protocol`: TransportProtocol
    /// The node port; 0 when the service has none.
    public var nodePort: Int
    /// External IPs (`spec.externalIPs`).
    public var externalIPs: [IPv4Address]
    /// Load-balancer ingress IPs in VIP mode (`status.loadBalancer.ingress[].ip`).
    public var loadBalancerVIPs: [IPv4Address]
    /// Sources allowed to reach the load-balancer IPs (`spec.loadBalancerSourceRanges`); empty allows all.
    public var loadBalancerSourceRanges: [IPv4CIDR]
    /// Session affinity.
    public var sessionAffinity: SessionAffinity
    /// `externalTrafficPolicy: Local` on an externally reachable service.
    public var externalPolicyLocal: Bool
    /// `internalTrafficPolicy: Local`.
    public var internalPolicyLocal: Bool
    /// The health-check node port (`LoadBalancer` + `Local` external policy); 0 when none.
    public var healthCheckNodePort: Int
    /// Topology-aware routing is asked for: `spec.trafficDistribution` is set, or the
    /// `service.kubernetes.io/topology-mode` (or older `topology-aware-hints`) annotation is set and not `disabled`.
    /// Used only when every ready endpoint carries zone hints and one is for this node's zone.
    public var topologyAware: Bool

    /// Creates the info; only the cluster IP and port are required.
    public init(
        clusterIP: IPv4Address,
        port: Int,
        protocol: TransportProtocol = .tcp,
        nodePort: Int = 0,
        externalIPs: [IPv4Address] = [],
        loadBalancerVIPs: [IPv4Address] = [],
        loadBalancerSourceRanges: [IPv4CIDR] = [],
        sessionAffinity: SessionAffinity = .none,
        externalPolicyLocal: Bool = false,
        internalPolicyLocal: Bool = false,
        healthCheckNodePort: Int = 0,
        topologyAware: Bool = false
    ) {
        self.clusterIP = clusterIP
        self.port = port
        self.protocol = `protocol`
        self.nodePort = nodePort
        self.externalIPs = externalIPs
        self.loadBalancerVIPs = loadBalancerVIPs
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.sessionAffinity = sessionAffinity
        self.externalPolicyLocal = externalPolicyLocal
        self.internalPolicyLocal = internalPolicyLocal
        self.healthCheckNodePort = healthCheckNodePort
        self.topologyAware = topologyAware
    }

    /// Whether traffic can reach the port other than on its cluster IP (node port, external or load-balancer IP).
    public var externallyAccessible: Bool {
        self.nodePort != 0 || !self.loadBalancerVIPs.isEmpty || !self.externalIPs.isEmpty
    }

    /// Whether any traffic uses the cluster-wide endpoints: internal policy `Cluster`, or any external traffic
    /// (even with `Local` external policy, pod and node traffic to external IPs is short-circuited to them).
    public var usesClusterEndpoints: Bool {
        !self.internalPolicyLocal || self.externallyAccessible
    }

    /// Whether any traffic uses only this node's endpoints.
    public var usesLocalEndpoints: Bool {
        self.internalPolicyLocal || (self.externalPolicyLocal && self.externallyAccessible)
    }
}
