import IPVSProxy
import ServiceProxy
import Testing

func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }

func svc(_ name: String, _ proto: TransportProtocol = .tcp, port: String = "") -> ServicePortName {
    ServicePortName(namespace: "default", name: name, port: port, protocol: proto)
}

@Suite("IPVSCompiler")
struct IPVSCompilerTests {
    let node = ip("192.168.1.10")

    func compile(
        _ services: [ServicePortName: ServicePortInfo], _ endpoints: [ServicePortName: [EndpointInfo]],
        scheduler: String = "rr", clusterCIDR: IPv4CIDR? = nil
    ) -> IPVSDesiredState {
        IPVSCompiler(
            config: IPVSCompilerConfig(scheduler: scheduler, nodePortAddresses: [self.node], clusterCIDR: clusterCIDR)
        ).compile(services: services, endpoints: endpoints)
    }

    @Test func clusterIPServiceIsOneVirtualServerWithMasqueradingRealServers() throws {
        let state = self.compile(
            [svc("web"): ServicePortInfo(clusterIP: ip("10.96.0.10"), port: 80)],
            [svc("web"): [EndpointInfo(ip: ip("10.244.1.5"), port: 8080), EndpointInfo(ip: ip("10.244.2.7"), port: 8080)]])
        let key = IPVSServiceKey(address: ip("10.96.0.10"), port: 80, protocol: .tcp)
        #expect(Set(state.servers.keys) == [key])
        let server = try #require(state.servers[key])
        #expect(server.server == IPVSVirtualServer(key: key, scheduler: "rr", persistenceTimeout: 0))
        #expect(server.destinations == [
            IPVSRealServer(address: ip("10.244.1.5"), port: 8080), IPVSRealServer(address: ip("10.244.2.7"), port: 8080),
        ])
        #expect(state.boundAddresses == [ip("10.96.0.10")])
        #expect(state.sets[IPVSSetName.clusterIP] == ["10.96.0.10,tcp:80"])
        #expect(state.sets[IPVSSetName.ipvsIPs] == ["10.96.0.10"])
        #expect(state.sets[IPVSSetName.loopBack] == [])
        #expect(state.sets.count == IPVSSetName.all.count)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var info: ServicePortInfo
        var endpoints: [EndpointInfo]
        var servers: [String: [String]]  // "ip:port/PROTO" -> ["ip:port"]
        var bound: [String]
        var sets: [String: [String]]  // only the non-empty ones
        var persistence = 0
        var testDescription: String { self.name }
    }

    static let local = EndpointInfo(ip: ip("10.244.0.4"), port: 8080, isLocal: true)
    static let remote = EndpointInfo(ip: ip("10.244.3.9"), port: 8080)

    static let cases: [Case] = [
        Case(
            name: "sessionAffinity ClientIP → persistent virtual server",
            info: ServicePortInfo(clusterIP: ip("10.96.0.11"), port: 443, sessionAffinity: .clientIP(timeoutSeconds: 10800)),
            endpoints: [remote], servers: ["10.96.0.11:443/TCP": ["10.244.3.9:8080"]], bound: ["10.96.0.11"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.11,tcp:443"], IPVSSetName.ipvsIPs: ["10.96.0.11"]],
            persistence: 10800),
        Case(
            name: "NodePort → one virtual server per node IP, port in KUBE-NODE-PORT-TCP, not bound",
            info: ServicePortInfo(clusterIP: ip("10.96.0.12"), port: 80, nodePort: 30080),
            endpoints: [remote],
            servers: ["10.96.0.12:80/TCP": ["10.244.3.9:8080"], "192.168.1.10:30080/TCP": ["10.244.3.9:8080"]],
            bound: ["10.96.0.12"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.12,tcp:80"], IPVSSetName.ipvsIPs: ["10.96.0.12"],
                   IPVSSetName.nodePortTCP: ["30080"]]),
        Case(
            name: "UDP NodePort with Local policy → KUBE-NODE-PORT-UDP and -LOCAL-UDP, local endpoints only outside",
            info: ServicePortInfo(clusterIP: ip("10.96.0.13"), port: 53, protocol: .udp, nodePort: 30053,
                                  externalPolicyLocal: true),
            endpoints: [local, remote],
            servers: ["10.96.0.13:53/UDP": ["10.244.0.4:8080", "10.244.3.9:8080"],
                      "192.168.1.10:30053/UDP": ["10.244.0.4:8080"]],
            bound: ["10.96.0.13"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.13,udp:53"], IPVSSetName.ipvsIPs: ["10.96.0.13"],
                   IPVSSetName.nodePortUDP: ["30053"], IPVSSetName.nodePortLocalUDP: ["30053"],
                   IPVSSetName.loopBack: ["10.244.0.4,udp:8080,10.244.0.4"]]),
        Case(
            name: "externalIP → KUBE-EXTERNAL-IP, bound",
            info: ServicePortInfo(clusterIP: ip("10.96.0.14"), port: 80, externalIPs: [ip("203.0.113.7")]),
            endpoints: [remote],
            servers: ["10.96.0.14:80/TCP": ["10.244.3.9:8080"], "203.0.113.7:80/TCP": ["10.244.3.9:8080"]],
            bound: ["10.96.0.14", "203.0.113.7"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.14,tcp:80"], IPVSSetName.ipvsIPs: ["10.96.0.14", "203.0.113.7"],
                   IPVSSetName.externalIP: ["203.0.113.7,tcp:80"]]),
        Case(
            name: "load balancer with source ranges and Local policy",
            info: ServicePortInfo(clusterIP: ip("10.96.0.15"), port: 80, loadBalancerVIPs: [ip("198.51.100.2")],
                                  loadBalancerSourceRanges: [IPv4CIDR("10.0.0.0/8")!], externalPolicyLocal: true),
            endpoints: [local, remote],
            servers: ["10.96.0.15:80/TCP": ["10.244.0.4:8080", "10.244.3.9:8080"],
                      "198.51.100.2:80/TCP": ["10.244.0.4:8080"]],
            bound: ["10.96.0.15", "198.51.100.2"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.15,tcp:80"], IPVSSetName.ipvsIPs: ["10.96.0.15", "198.51.100.2"],
                   IPVSSetName.loadBalancer: ["198.51.100.2,tcp:80"], IPVSSetName.loadBalancerLocal: ["198.51.100.2,tcp:80"],
                   IPVSSetName.loadBalancerFW: ["198.51.100.2,tcp:80"],
                   IPVSSetName.loadBalancerSourceCIDR: ["198.51.100.2,tcp:80,10.0.0.0/8"],
                   IPVSSetName.loopBack: ["10.244.0.4,tcp:8080,10.244.0.4"]]),
        Case(
            name: "terminating endpoints are used only when none is ready",
            info: ServicePortInfo(clusterIP: ip("10.96.0.16"), port: 80),
            endpoints: [EndpointInfo(ip: ip("10.244.5.1"), port: 80, ready: false, serving: true, terminating: true),
                        EndpointInfo(ip: ip("10.244.5.2"), port: 80)],
            servers: ["10.96.0.16:80/TCP": ["10.244.5.2:80"]], bound: ["10.96.0.16"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.16,tcp:80"], IPVSSetName.ipvsIPs: ["10.96.0.16"]]),
        Case(
            name: "only serving terminating endpoints → they keep the service up",
            info: ServicePortInfo(clusterIP: ip("10.96.0.17"), port: 80),
            endpoints: [EndpointInfo(ip: ip("10.244.5.1"), port: 80, ready: false, serving: true, terminating: true),
                        EndpointInfo(ip: ip("10.244.5.3"), port: 80, ready: false, serving: false, terminating: true)],
            servers: ["10.96.0.17:80/TCP": ["10.244.5.1:80"]], bound: ["10.96.0.17"],
            sets: [IPVSSetName.clusterIP: ["10.96.0.17,tcp:80"], IPVSSetName.ipvsIPs: ["10.96.0.17"]]),
    ]

    @Test(arguments: cases)
    func table(_ c: Case) {
        let name = svc("s")
        let state = self.compile([name: c.info], [name: c.endpoints])
        var servers: [String: [String]] = [:]
        for (key, server) in state.servers {
            servers[key.description] = server.destinations.sorted().map(\.description)
            #expect(server.server.persistenceTimeout == c.persistence)
            #expect(server.server.scheduler == "rr")
        }
        #expect(servers == c.servers)
        #expect(state.boundAddresses.map(\.description).sorted() == c.bound)
        let sets = state.sets.filter { !$0.value.isEmpty }.mapValues { $0.sorted() }
        #expect(sets == c.sets)
    }

    @Test func schedulerComesFromTheConfigAndDefaultsToRR() {
        let services = [svc("a"): ServicePortInfo(clusterIP: ip("10.96.1.1"), port: 80)]
        #expect(self.compile(services, [:], scheduler: "wlc").servers.values.first?.server.scheduler == "wlc")
        #expect(self.compile(services, [:], scheduler: "").servers.values.first?.server.scheduler == "rr")
        #expect(self.compile(services, [:]).servers.values.first?.destinations == [])
    }

    @Test func rulesMatchTheSetsAsUpstream() {
        let state = self.compile(
            [svc("web"): ServicePortInfo(clusterIP: ip("10.96.0.10"), port: 80, nodePort: 30080)],
            [svc("web"): [Self.local]], clusterCIDR: IPv4CIDR("10.244.0.0/16"))
        let rules = state.iptablesRules
        #expect(rules.contains(
            "-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ"))
        #expect(rules.contains(
            "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ"))
        #expect(rules.contains("-m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE"))
        #expect(rules.contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000"))
        #expect(rules.contains("-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT"))
        #expect(!rules.contains("KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ"), "no rule for an empty set")
        #expect(rules.hasPrefix("*filter\n:KUBE-FORWARD - [0:0]"))
        #expect(rules.hasSuffix("COMMIT\n"))
    }
}
