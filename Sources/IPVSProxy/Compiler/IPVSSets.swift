/// The ipsets IPVS mode uses (upstream `pkg/proxy/ipvs/ipset.go`), with their types and rule comments.
public enum IPVSSetName {
    public static let loopBack = "KUBE-LOOP-BACK"
    public static let clusterIP = "KUBE-CLUSTER-IP"
    public static let externalIP = "KUBE-EXTERNAL-IP"
    public static let externalIPLocal = "KUBE-EXTERNAL-IP-LOCAL"
    public static let loadBalancer = "KUBE-LOAD-BALANCER"
    public static let loadBalancerLocal = "KUBE-LOAD-BALANCER-LOCAL"
    public static let loadBalancerFW = "KUBE-LOAD-BALANCER-FW"
    public static let loadBalancerSourceIP = "KUBE-LOAD-BALANCER-SOURCE-IP"
    public static let loadBalancerSourceCIDR = "KUBE-LOAD-BALANCER-SOURCE-CIDR"
    public static let nodePortTCP = "KUBE-NODE-PORT-TCP"
    public static let nodePortLocalTCP = "KUBE-NODE-PORT-LOCAL-TCP"
    public static let nodePortUDP = "KUBE-NODE-PORT-UDP"
    public static let nodePortLocalUDP = "KUBE-NODE-PORT-LOCAL-UDP"
    public static let nodePortSCTP = "KUBE-NODE-PORT-SCTP-HASH"
    public static let nodePortLocalSCTP = "KUBE-NODE-PORT-LOCAL-SCTP-HASH"
    public static let healthCheckNodePort = "KUBE-HEALTH-CHECK-NODE-PORT"
    public static let ipvsIPs = "KUBE-IPVS-IPS"

    /// Every set with its type and comment, in upstream's `ipsetInfo` order.
    public static let all: [(name: String, type: IPSetType, comment: String)] = [
        (loopBack, .hashIPPortIP, "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
        (clusterIP, .hashIPPort, "Kubernetes service cluster ip + port for masquerade purpose"),
        (externalIP, .hashIPPort, "Kubernetes service external ip + port for masquerade and filter purpose"),
        (externalIPLocal, .hashIPPort, "Kubernetes service external ip + port with externalTrafficPolicy=local"),
        (loadBalancer, .hashIPPort, "Kubernetes service lb portal"),
        (loadBalancerFW, .hashIPPort, "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
        (loadBalancerLocal, .hashIPPort, "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
        (loadBalancerSourceIP, .hashIPPortIP,
         "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
        (loadBalancerSourceCIDR, .hashIPPortNet,
         "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
        (nodePortTCP, .bitmapPort, "Kubernetes nodeport TCP port for masquerade purpose"),
        (nodePortLocalTCP, .bitmapPort, "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
        (nodePortUDP, .bitmapPort, "Kubernetes nodeport UDP port for masquerade purpose"),
        (nodePortLocalUDP, .bitmapPort, "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
        (nodePortSCTP, .hashIPPort, "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
        (nodePortLocalSCTP, .hashIPPort,
         "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
        (healthCheckNodePort, .bitmapPort, "Kubernetes health check node port"),
        (ipvsIPs, .hashIP, "Addresses on the ipvs interface"),
    ]

    /// The type of a set of ``all``.
    public static func type(of name: String) -> IPSetType? { all.first { $0.name == name }?.type }

    static func comment(_ name: String) -> String { all.first { $0.name == name }?.comment ?? name }
}
