import ServiceProxy
import Testing

/// Packets traced through compiled rulesets (with the jump rules the applier installs), one test per feature.
@Suite struct TraceTests {
    static let nodeIP = TestNet.ip("192.168.0.2")
    static let pod = TestNet.ip("10.0.1.5")  // inside --cluster-cidr 10.0.0.0/8
    static let outside = TestNet.ip("203.0.113.9")  // off-cluster client

    func tracer(
        config: ProxierConfig = TestNet.config,
        services: [ServicePortName: ServicePortInfo]? = nil,
        endpoints: [ServicePortName: [EndpointInfo]]? = nil,
        recent: Set<PacketTracer.RecentEntry> = []
    ) throws -> PacketTracer {
        let (defaultServices, defaultEndpoints) = TestNet.representative()
        let compiler = IPTablesCompiler(config: config)
        let ruleset = compiler.compile(
            services: services ?? defaultServices, endpoints: endpoints ?? defaultEndpoints, node: TestNet.node
        ).ruleset.installingJumpRules(compiler.jumpRules)
        return try PacketTracer(ruleset: ruleset, localAddresses: [Self.nodeIP], recent: recent)
    }

    func trace(
        _ tracer: PacketTracer, from source: IPv4Address, to destination: String, port: Int,
        _ proto: TransportProtocol = .tcp, origin: TracePacket.Origin = .inbound(interface: "eth0")
    ) throws -> [TraceOutcome] {
        try tracer.trace(
            TracePacket(
                source: source, destination: TestNet.ip(destination), destinationPort: port, protocol: proto,
                origin: origin))
    }

    static func dnats(_ outcomes: [TraceOutcome]) -> [String: Double] {
        var result: [String: Double] = [:]
        for outcome in outcomes { result[outcome.dnat ?? "\(outcome.verdict)", default: 0] += outcome.probability }
        return result
    }

    @Test func clusterIPFromPodReachesEndpointWithoutMasquerade() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.41", port: 80)
        #expect(outcomes.count == 1)
        let outcome = try #require(outcomes.first)
        #expect(outcome.dnat == "10.180.0.1:80")
        #expect(outcome.verdict == .accepted)
        #expect(!outcome.masqueraded)
        #expect(outcome.visited(IPTablesChainName.serviceCluster(TestNet.name("ns1", "svc1"))))
        #expect(outcome.visited("KUBE-FORWARD"))
    }

    @Test func clusterIPFromOffClusterSourceIsMasqueraded() throws {
        let outcome = try #require(try self.trace(self.tracer(), from: Self.outside, to: "172.30.0.41", port: 80).first)
        #expect(outcome.dnat == "10.180.0.1:80")
        #expect(outcome.masqueraded)
    }

    @Test func wrongPortFallsThroughUntouched() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.41", port: 81)
        #expect(outcomes.map(\.dnat) == [nil])
        #expect(outcomes.first?.verdict == .accepted)
    }

    @Test func probabilityRulesSplitEvenly() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.43", port: 80)
        let split = Self.dnats(outcomes)
        #expect(Set(split.keys) == ["10.180.0.3:80", "10.180.0.4:80", "10.180.0.5:80"])
        for probability in split.values { #expect(abs(probability - 1.0 / 3) < 1e-6) }
    }

    @Test func nodePortIsMasqueradedAndSpread() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.outside, to: "192.168.0.2", port: 3003)
        #expect(Set(Self.dnats(outcomes).keys) == ["10.180.0.3:80", "10.180.0.4:80", "10.180.0.5:80"])
        #expect(
            outcomes.allSatisfy {
                $0.masqueraded && $0.visited("KUBE-NODEPORTS") && $0.visited("KUBE-EXT-" + Self.hash("ns3", "svc3"))
            })
    }

    @Test func nodePortOnLocalhostWorksFromTheNode() throws {
        let outcomes = try self.trace(
            self.tracer(), from: TestNet.ip("127.0.0.1"), to: "127.0.0.1", port: 3003, origin: .local)
        #expect(Set(Self.dnats(outcomes).keys) == ["10.180.0.3:80", "10.180.0.4:80", "10.180.0.5:80"])
    }

    @Test func externalTrafficPolicyLocalKeepsSourceAndUsesLocalEndpoints() throws {
        let tracer = try self.tracer()
        // From outside to the node port and to the LB IP: only the local endpoint, no masquerade.
        for (destination, port) in [("192.168.0.2", 3001), ("1.2.3.4", 80), ("192.168.99.22", 80)] {
            let outcomes = try self.trace(tracer, from: Self.outside, to: destination, port: port)
            #expect(outcomes.map(\.dnat) == ["10.180.0.2:80"], "\(destination):\(port)")
            #expect(outcomes.allSatisfy { !$0.masqueraded && $0.visited("KUBE-SVL-" + Self.hash("ns2", "svc2")) })
        }
        // From a pod: short-circuited to the cluster chain, both endpoints.
        let fromPod = try self.trace(tracer, from: Self.pod, to: "1.2.3.4", port: 80)
        #expect(Set(Self.dnats(fromPod).keys) == ["10.180.0.2:80", "10.180.0.22:80"])
        // From the node itself: masqueraded, cluster chain.
        let fromNode = try self.trace(tracer, from: Self.nodeIP, to: "1.2.3.4", port: 80, origin: .local)
        #expect(Set(Self.dnats(fromNode).keys) == ["10.180.0.2:80", "10.180.0.22:80"])
        #expect(fromNode.allSatisfy { $0.masqueraded })
    }

    @Test func externalTrafficPolicyLocalWithoutLocalEndpointDropsExternalTraffic() throws {
        let name = TestNet.name("ns2", "svc2")
        var (services, endpoints) = TestNet.representative()
        endpoints[name] = [TestNet.ep("10.180.0.22")]
        services[name]?.healthCheckNodePort = 0
        let tracer = try self.tracer(services: services, endpoints: endpoints)
        let outside = try self.trace(tracer, from: Self.outside, to: "192.168.0.2", port: 3001)
        #expect(outside.map(\.verdict) == [.dropped])
        let outsideLB = try self.trace(tracer, from: Self.outside, to: "1.2.3.4", port: 80)
        #expect(outsideLB.map(\.verdict) == [.dropped])
        let fromPod = try self.trace(tracer, from: Self.pod, to: "1.2.3.4", port: 80)
        #expect(fromPod.map(\.dnat) == ["10.180.0.22:80"])
    }

    @Test func externalIPWithClusterPolicyIsMasqueraded() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.outside, to: "192.168.99.33", port: 80)
        #expect(Set(Self.dnats(outcomes).keys) == ["10.180.0.4:8080", "10.180.0.5:8080"])
        #expect(outcomes.allSatisfy { $0.masqueraded })
    }

    @Test func sessionAffinityPinsAKnownClient() throws {
        let name = TestNet.name("ns4", "svc4")
        let pinned = IPTablesChainName.endpoint(name, TestNet.ep("10.180.0.5", 8080))
        let tracer = try self.tracer(recent: [PacketTracer.RecentEntry(name: pinned, source: Self.pod)])
        let outcomes = try self.trace(tracer, from: Self.pod, to: "172.30.0.44", port: 80)
        #expect(outcomes.map(\.dnat) == ["10.180.0.5:8080"])
        #expect(outcomes.first?.probability == 1)
        // Another client is not pinned.
        let other = try self.trace(tracer, from: TestNet.ip("10.0.9.9"), to: "172.30.0.44", port: 80)
        #expect(Set(Self.dnats(other).keys) == ["10.180.0.4:8080", "10.180.0.5:8080"])
    }

    @Test func sessionAffinityRecordsTheChosenEndpoint() throws {
        // First connection: either endpoint, and the SEP chain adds the client to its recent list.
        let first = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.44", port: 80)
        #expect(first.count == 2)
        let chosen = try #require(first.first { $0.dnat == "10.180.0.4:8080" })
        let name = TestNet.name("ns4", "svc4")
        let list = IPTablesChainName.endpoint(name, TestNet.ep("10.180.0.4", 8080))
        #expect(chosen.recentEntries == [PacketTracer.RecentEntry(name: list, source: Self.pod)])
        // Next connection with that state: pinned.
        let next = try self.trace(
            self.tracer(recent: Set(chosen.recentEntries)), from: Self.pod, to: "172.30.0.44", port: 80)
        #expect(next.map(\.dnat) == ["10.180.0.4:8080"])
        // Services without affinity record nothing.
        let plain = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.43", port: 80)
        #expect(plain.allSatisfy { $0.recentEntries.isEmpty })
    }

    @Test func topologyAwareRoutingUsesTheZoneHintedEndpoints() throws {
        let name = TestNet.name("ns1", "svc1")
        func outcome(aware: Bool, zone: String?, hints: [Set<String>]) throws -> Set<String> {
            let info = ServicePortInfo(clusterIP: TestNet.ip("172.30.0.41"), port: 80, topologyAware: aware)
            let eps = hints.enumerated().map { index, zones in
                EndpointInfo(ip: TestNet.ip("10.180.0.\(index + 1)"), port: 80, zoneHints: zones)
            }
            let compiler = IPTablesCompiler(config: TestNet.config)
            let node = NodeContext(nodeName: "node1", nodeIP: Self.nodeIP, zone: zone)
            let ruleset = compiler.compile(services: [name: info], endpoints: [name: eps], node: node).ruleset
            let tracer = try PacketTracer(
                ruleset: ruleset.installingJumpRules(compiler.jumpRules), localAddresses: [Self.nodeIP])
            return Set(Self.dnats(try self.trace(tracer, from: Self.pod, to: "172.30.0.41", port: 80)).keys)
        }
        let hinted: [Set<String>] = [["a"], ["b"], ["a"]]
        #expect(try outcome(aware: true, zone: "a", hints: hinted) == ["10.180.0.1:80", "10.180.0.3:80"])
        #expect(try outcome(aware: true, zone: "b", hints: hinted) == ["10.180.0.2:80"])
        // Not asked for, no node zone, no endpoint for the zone, or one endpoint without hints: all endpoints.
        let all: Set<String> = ["10.180.0.1:80", "10.180.0.2:80", "10.180.0.3:80"]
        #expect(try outcome(aware: false, zone: "a", hints: hinted) == all)
        #expect(try outcome(aware: true, zone: nil, hints: hinted) == all)
        #expect(try outcome(aware: true, zone: "c", hints: hinted) == all)
        #expect(try outcome(aware: true, zone: "a", hints: [["a"], [], ["a"]]) == all)
    }

    @Test func loadBalancerSourceRangesAdmitAndDrop() throws {
        let tracer = try self.tracer()
        let allowed = try self.trace(tracer, from: TestNet.ip("203.0.113.5"), to: "5.6.7.8", port: 80)
        #expect(allowed.map(\.dnat) == ["10.180.0.3:80"])
        #expect(allowed.allSatisfy { $0.visited("KUBE-FW-" + Self.hash("ns5", "svc5")) })
        let denied = try self.trace(tracer, from: TestNet.ip("198.51.100.1"), to: "5.6.7.8", port: 80)
        #expect(denied.map(\.verdict) == [.dropped])
        #expect(denied.allSatisfy { $0.visited("KUBE-PROXY-FIREWALL") && $0.dnat == nil })
        // The node is inside 192.168.0.0/24, so the LB IP as source (hairpin through the node) is allowed too.
        let fromVIP = try self.trace(tracer, from: TestNet.ip("5.6.7.8"), to: "5.6.7.8", port: 80)
        #expect(fromVIP.map(\.dnat) == ["10.180.0.3:80"])
        // Node ports are not subject to source ranges.
        let nodePort = try self.trace(tracer, from: TestNet.ip("198.51.100.1"), to: "192.168.0.2", port: 3002)
        #expect(nodePort.map(\.dnat) == ["10.180.0.3:80"])
    }

    @Test func serviceWithoutEndpointsIsRejectedEverywhere() throws {
        let tracer = try self.tracer()
        for (source, destination, port, origin) in [
            (Self.pod, "172.30.0.46", 80, TracePacket.Origin.inbound(interface: "cni0")),
            (Self.nodeIP, "172.30.0.46", 80, .local),
            (Self.outside, "192.168.99.66", 80, .inbound(interface: "eth0")),
            (Self.outside, "192.168.0.2", 3006, .inbound(interface: "eth0")),
        ] {
            let outcomes = try self.trace(tracer, from: source, to: destination, port: port, origin: origin)
            #expect(outcomes.map(\.verdict) == [.rejected], "\(destination):\(port)")
        }
    }

    @Test func internalTrafficPolicyLocalWithoutLocalEndpointDrops() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.47", port: 53, .udp)
        #expect(outcomes.map(\.verdict) == [.dropped])
        // With a local endpoint it goes there only.
        var (services, endpoints) = TestNet.representative()
        let name = TestNet.name("ns7", "svc7", "dns", .udp)
        endpoints[name] = [TestNet.ep("10.180.0.7", 53), TestNet.ep("10.180.0.77", 53, local: true)]
        _ = services
        let local = try self.trace(self.tracer(endpoints: endpoints), from: Self.pod, to: "172.30.0.47", port: 53, .udp)
        #expect(local.map(\.dnat) == ["10.180.0.77:53"])
        // TCP to the UDP service's port is not captured.
        let tcp = try self.trace(self.tracer(endpoints: endpoints), from: Self.pod, to: "172.30.0.47", port: 53, .tcp)
        #expect(tcp.map(\.dnat) == [nil])
    }

    @Test func terminatingServingEndpointsAreUsedOnlyWithoutReadyOnes() throws {
        let outcomes = try self.trace(self.tracer(), from: Self.pod, to: "172.30.0.48", port: 7777, .sctp)
        #expect(outcomes.map(\.dnat) == ["10.180.0.8:7777"])
        // Once a ready endpoint exists, the terminating one is no longer used.
        var (_, endpoints) = TestNet.representative()
        endpoints[TestNet.name("ns8", "svc8", "", .sctp)]?.append(TestNet.ep("10.180.0.10", 7777))
        let ready = try self.trace(
            self.tracer(endpoints: endpoints), from: Self.pod, to: "172.30.0.48", port: 7777, .sctp)
        #expect(ready.map(\.dnat) == ["10.180.0.10:7777"])
    }

    @Test func hairpinTrafficFromTheEndpointItselfIsMasqueraded() throws {
        let outcomes = try self.trace(self.tracer(), from: TestNet.ip("10.180.0.1"), to: "172.30.0.41", port: 80)
        #expect(outcomes.map(\.dnat) == ["10.180.0.1:80"])
        #expect(outcomes.allSatisfy { $0.masqueraded })
    }

    @Test func masqueradeAllMarksEveryClusterIPPacket() throws {
        let config = ProxierConfig(masqueradeAll: true)
        let outcomes = try self.trace(self.tracer(config: config), from: Self.pod, to: "172.30.0.41", port: 80)
        #expect(outcomes.allSatisfy { $0.masqueraded })
    }

    @Test func localhostNodePortsOffBlocksLoopback() throws {
        let config = ProxierConfig(clusterCIDR: TestNet.cidr("10.0.0.0/8"), localhostNodePorts: false)
        let outcomes = try self.trace(
            self.tracer(config: config), from: TestNet.ip("127.0.0.1"), to: "127.0.0.1", port: 3003, origin: .local)
        #expect(outcomes.map(\.dnat) == [nil])
    }

    @Test func tracesParsedSaveOutputAsWell() throws {
        // iptables-save prints normalized rules (/32, option order, 0x4000); the tracer reads both forms.
        let save = """
            # Generated by iptables-save v1.8.9 (nf_tables)
            *nat
            :PREROUTING ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]
            :KUBE-SEP-V2PECCYPB6X2GSCW - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
            -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
            -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
            -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
            -A KUBE-SVC-NPX46M4PTMTKRN6Y ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
            -A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment "default/kubernetes:https -> 172.18.0.2:6443" -j KUBE-SEP-V2PECCYPB6X2GSCW
            -A KUBE-SEP-V2PECCYPB6X2GSCW -s 172.18.0.2/32 -m comment --comment "default/kubernetes:https" -j KUBE-MARK-MASQ
            -A KUBE-SEP-V2PECCYPB6X2GSCW -p tcp -m comment --comment "default/kubernetes:https" -m tcp -j DNAT --to-destination 172.18.0.2:6443
            COMMIT
            """
        let ruleset = try IPTablesRuleset.parse(save: save)
        #expect(ruleset.rules(in: .nat, chain: "KUBE-SVC-NPX46M4PTMTKRN6Y").count == 2)
        let tracer = try PacketTracer(ruleset: ruleset, localAddresses: [])
        let outcomes = try tracer.trace(
            TracePacket(source: TestNet.ip("192.168.5.5"), destination: TestNet.ip("10.96.0.1"), destinationPort: 443))
        #expect(outcomes.map(\.dnat) == ["172.18.0.2:6443"])
        #expect(outcomes.allSatisfy { $0.masqueraded })
    }

    @Test func unknownMatchIsNamed() throws {
        let ruleset = IPTablesRuleset(tables: [
            .init(
                name: .nat, chains: [.init("PREROUTING", policy: "ACCEPT")],
                rules: [.init(chain: "PREROUTING", spec: "-m frobnicate --frob 1 -j ACCEPT")])
        ])
        #expect(throws: TraceError.self) { try PacketTracer(ruleset: ruleset, localAddresses: []) }
    }

    static func hash(_ namespace: String, _ service: String) -> String {
        String(IPTablesChainName.serviceCluster(TestNet.name(namespace, service)).dropFirst("KUBE-SVC-".count))
    }
}
