import ServiceProxy

/// Shorthands for the compiler, golden and trace tests.
enum TestNet {
    static func ip(_ text: String) -> IPv4Address {
        guard let ip = IPv4Address(text) else { fatalError("bad IP in test: \(text)") }
        return ip
    }

    static func cidr(_ text: String) -> IPv4CIDR {
        guard let cidr = IPv4CIDR(text) else { fatalError("bad CIDR in test: \(text)") }
        return cidr
    }

    static func name(
        _ namespace: String, _ service: String, _ port: String = "p80", _ proto: TransportProtocol = .tcp
    )
        -> ServicePortName
    {
        ServicePortName(namespace: namespace, name: service, port: port, protocol: proto)
    }

    static func ep(
        _ ip: String, _ port: Int = 80, local: Bool = false, ready: Bool = true, serving: Bool? = nil,
        terminating: Bool = false
    ) -> EndpointInfo {
        EndpointInfo(
            ip: self.ip(ip), port: port, isLocal: local, ready: ready, serving: serving,
            terminating: terminating)
    }

    static let node = NodeContext(nodeName: "node1", nodeIP: ip("192.168.0.2"))
    static let config = ProxierConfig(clusterCIDR: cidr("10.0.0.0/8"))

    /// The representative services of the golden test, one per feature.
    static func representative() -> (
        services: [ServicePortName: ServicePortInfo], endpoints: [ServicePortName: [EndpointInfo]]
    ) {
        var services: [ServicePortName: ServicePortInfo] = [:]
        var endpoints: [ServicePortName: [EndpointInfo]] = [:]
        // ClusterIP, one endpoint.
        services[name("ns1", "svc1")] = ServicePortInfo(clusterIP: ip("172.30.0.41"), port: 80)
        endpoints[name("ns1", "svc1")] = [ep("10.180.0.1")]
        // LoadBalancer with externalTrafficPolicy Local: node port, external IP, LB IP, health check.
        services[name("ns2", "svc2")] = ServicePortInfo(
            clusterIP: ip("172.30.0.42"), port: 80, nodePort: 3001, externalIPs: [ip("192.168.99.22")],
            loadBalancerVIPs: [ip("1.2.3.4")], externalPolicyLocal: true, healthCheckNodePort: 30000)
        endpoints[name("ns2", "svc2")] = [ep("10.180.0.2", local: true), ep("10.180.0.22")]
        // NodePort, cluster policy, three endpoints.
        services[name("ns3", "svc3")] = ServicePortInfo(clusterIP: ip("172.30.0.43"), port: 80, nodePort: 3003)
        endpoints[name("ns3", "svc3")] = [ep("10.180.0.3"), ep("10.180.0.4"), ep("10.180.0.5")]
        // External IP with ClientIP affinity.
        services[name("ns4", "svc4")] = ServicePortInfo(
            clusterIP: ip("172.30.0.44"), port: 80, externalIPs: [ip("192.168.99.33")],
            sessionAffinity: .clientIP(timeoutSeconds: 10800))
        endpoints[name("ns4", "svc4")] = [ep("10.180.0.4", 8080), ep("10.180.0.5", 8080)]
        // LoadBalancer with source ranges (KUBE-FW-).
        services[name("ns5", "svc5")] = ServicePortInfo(
            clusterIP: ip("172.30.0.45"), port: 80, nodePort: 3002, loadBalancerVIPs: [ip("5.6.7.8")],
            loadBalancerSourceRanges: [cidr("203.0.113.0/25"), cidr("192.168.0.0/24")])
        endpoints[name("ns5", "svc5")] = [ep("10.180.0.3")]
        // No endpoints: REJECT, also on its node port and external IP.
        services[name("ns6", "svc6")] = ServicePortInfo(
            clusterIP: ip("172.30.0.46"), port: 80, nodePort: 3006, externalIPs: [ip("192.168.99.66")])
        // UDP with internalTrafficPolicy Local and no local endpoint: DROP on the cluster IP.
        services[name("ns7", "svc7", "dns", .udp)] = ServicePortInfo(
            clusterIP: ip("172.30.0.47"), port: 53, protocol: .udp, internalPolicyLocal: true)
        endpoints[name("ns7", "svc7", "dns", .udp)] = [ep("10.180.0.7", 53)]
        // SCTP whose only endpoints are terminating: the serving ones are used.
        services[name("ns8", "svc8", "", .sctp)] = ServicePortInfo(
            clusterIP: ip("172.30.0.48"), port: 7777, protocol: .sctp)
        endpoints[name("ns8", "svc8", "", .sctp)] = [
            ep("10.180.0.8", 7777, ready: false, serving: true, terminating: true),
            ep("10.180.0.9", 7777, ready: false, serving: false, terminating: true),
        ]
        return (services, endpoints)
    }
}
