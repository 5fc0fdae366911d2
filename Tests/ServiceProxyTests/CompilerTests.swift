import ServiceProxy
import Testing

@Suite struct CompilerTests {
    let compiler = IPTablesCompiler(config: TestNet.config)

    /// A partial sync applied over the previous full sync leaves exactly what a full sync of the new state writes.
    @Test(arguments: [
        "endpoint removed", "endpoint added", "service removed", "service added", "affinity on", "no endpoints",
    ])
    func partialSyncEqualsFullSync(change: String) {
        let (services, endpoints) = TestNet.representative()
        let first = self.compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        var newServices = services
        var newEndpoints = endpoints
        var changed: ServiceName
        switch change {
        case "endpoint removed":
            changed = ServiceName(namespace: "ns3", name: "svc3")
            newEndpoints[TestNet.name("ns3", "svc3")]?.removeFirst()
        case "endpoint added":
            changed = ServiceName(namespace: "ns2", name: "svc2")
            newEndpoints[TestNet.name("ns2", "svc2")]?.append(TestNet.ep("10.180.0.99", local: true))
        case "service removed":
            changed = ServiceName(namespace: "ns5", name: "svc5")
            newServices[TestNet.name("ns5", "svc5")] = nil
        case "service added":
            changed = ServiceName(namespace: "ns9", name: "svc9")
            newServices[TestNet.name("ns9", "svc9")] = ServicePortInfo(clusterIP: TestNet.ip("172.30.0.49"), port: 80)
            newEndpoints[TestNet.name("ns9", "svc9")] = [TestNet.ep("10.180.0.90")]
        case "affinity on":
            changed = ServiceName(namespace: "ns1", name: "svc1")
            newServices[TestNet.name("ns1", "svc1")]?.sessionAffinity = .clientIP(timeoutSeconds: 60)
        default:
            changed = ServiceName(namespace: "ns3", name: "svc3")
            newEndpoints[TestNet.name("ns3", "svc3")] = []
        }
        let partial = self.compiler.compile(
            services: newServices, endpoints: newEndpoints, node: TestNet.node,
            options: IPTablesCompileOptions(changedServices: [changed], existingNATChains: first.activeNATChains))
        let full = self.compiler.compile(
            services: newServices, endpoints: newEndpoints, node: TestNet.node,
            options: IPTablesCompileOptions(existingNATChains: first.activeNATChains))
        let afterPartial = first.ruleset.applying(partial.ruleset)
        let afterFull = first.ruleset.applying(full.ruleset)
        #expect(afterPartial.chainContents == afterFull.chainContents)
        #expect(partial.activeNATChains == full.activeNATChains)
        #expect(partial.natRuleCount == full.natRuleCount)
        #expect(partial.natRulesWritten < full.natRulesWritten)
        #expect(partial.deletedChains == full.deletedChains)
    }

    @Test func unchangedPartialSyncWritesNoServiceChains() {
        let (services, endpoints) = TestNet.representative()
        let first = self.compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        let partial = self.compiler.compile(
            services: services, endpoints: endpoints, node: TestNet.node,
            options: IPTablesCompileOptions(changedServices: [], existingNATChains: first.activeNATChains))
        let natChains = partial.ruleset.chainNames(in: .nat)
        #expect(natChains == ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"])
        #expect(partial.deletedChains.isEmpty)
        #expect(partial.activeNATChains == first.activeNATChains)
    }

    @Test func staleChainsOfOtherOwnersAreKept() {
        let (services, endpoints) = TestNet.representative()
        let result = self.compiler.compile(
            services: services, endpoints: endpoints, node: TestNet.node,
            options: IPTablesCompileOptions(existingNATChains: [
                "DOCKER", "KUBE-SVC-GONEGONEGONEGONE", "CNI-HOSTPORT-DNAT",
            ]))
        #expect(result.deletedChains == ["KUBE-SVC-GONEGONEGONEGONE"])
        #expect(result.ruleset.table(.nat)?.deletedChains == ["KUBE-SVC-GONEGONEGONEGONE"])
        #expect(result.ruleset.table(.nat)?.declares("KUBE-SVC-GONEGONEGONEGONE") == true)
    }

    @Test func countsForMetrics() {
        let (services, endpoints) = TestNet.representative()
        let result = self.compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        #expect(result.filterRuleCount == result.ruleset.table(.filter)?.rules.count)
        #expect(result.natRulesWritten == result.ruleset.table(.nat)?.rules.count)
        #expect(result.natRuleCount == result.natRulesWritten)
        #expect(result.noLocalEndpointsInternal == 1)  // ns7/svc7
        #expect(result.noLocalEndpointsExternal == 0)
        #expect(result.endpointCount == 12)
        #expect(!result.largeClusterMode)
    }

    @Test(arguments: [
        (2, "0.5000000000"), (3, "0.3333333333"), (4, "0.2500000000"), (6, "0.1666666667"),
        (7, "0.1428571429"), (2048, "0.0004882812"), (3000, "0.0003333333"),
    ])
    func probabilitiesAreFormattedAsUpstream(n: Int, expected: String) {
        let name = TestNet.name("ns", "many")
        let eps = (0..<n).map { TestNet.ep("10.\($0 / 65536 % 256).\($0 / 256 % 256).\($0 % 256)") }
        let compiler = IPTablesCompiler(config: ProxierConfig(largeClusterEndpointsThreshold: 100_000))
        let result = compiler.compile(
            services: [name: ServicePortInfo(clusterIP: TestNet.ip("172.30.0.1"), port: 80)],
            endpoints: [name: eps], node: TestNet.node)
        let first = result.ruleset.rules(in: .nat, chain: IPTablesChainName.serviceCluster(name)).first
        #expect(first?.spec.contains("--probability \(expected) ") == true)
    }

    @Test func masqueradeMarkFollowsTheBit() {
        #expect(ProxierConfig().masqueradeMark == "0x00004000")
        #expect(ProxierConfig(masqueradeBit: 0).masqueradeMark == "0x00000001")
    }

    @Test func nodePortAddressesRestrictTheTailRule() {
        let config = ProxierConfig(
            localhostNodePorts: false, nodePortAddresses: [TestNet.ip("192.168.0.2"), TestNet.ip("127.0.0.1")])
        let result = IPTablesCompiler(config: config).compile(services: [:], endpoints: [:], node: TestNet.node)
        let tail = result.ruleset.rules(in: .nat, chain: "KUBE-SERVICES").map(\.spec)
        #expect(tail.count == 1)
        #expect(tail.first?.hasSuffix("-d 192.168.0.2 -j KUBE-NODEPORTS") == true)
        #expect(result.ruleset.table(.filter)?.declares("KUBE-FIREWALL") == false)
    }

    @Test func renderedTextParsesBack() throws {
        let (services, endpoints) = TestNet.representative()
        let ruleset = self.compiler.compile(services: services, endpoints: endpoints, node: TestNet.node).ruleset
        #expect(try IPTablesRuleset.parse(save: ruleset.render()) == ruleset)
    }

    @Test func parseErrorsNameTheLine() {
        #expect(throws: IPTablesParseError(line: 2, text: "-A X -j ACCEPT", message: "rule outside a table")) {
            try IPTablesRuleset.parse(save: "# comment\n-A X -j ACCEPT\n")
        }
    }

    @Test func jumpRulesAreUpstreams() {
        let jumps = self.compiler.jumpRules
        #expect(jumps.count == 14)
        #expect(
            jumps.contains(
                IPTablesJumpRule(
                    table: .nat, from: "PREROUTING", to: "KUBE-SERVICES",
                    arguments: ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"])))
    }

    /// Random services and changes (seeded): after every partial sync, the kernel state (all restores applied in
    /// order) equals a fresh full sync of the same input, and the bookkeeping agrees.
    @Test func randomPartialSyncsMatchFullSyncs() {
        var rng = SplitMix(seed: 42)
        let node = TestNet.node
        let compiler = IPTablesCompiler(config: ProxierConfig(clusterCIDR: TestNet.cidr("10.0.0.0/8")))
        var services: [ServicePortName: ServicePortInfo] = [:]
        var endpoints: [ServicePortName: [EndpointInfo]] = [:]
        func randomService(_ i: Int) -> (ServicePortName, ServicePortInfo, [EndpointInfo]) {
            let protocols: [TransportProtocol] = [.tcp, .udp, .sctp]
            let name = TestNet.name(
                "ns\(i % 3)", "s\(i)", rng.next() % 2 == 0 ? "" : "p", protocols[Int(rng.next() % 3)])
            var info = ServicePortInfo(clusterIP: IPv4Address(UInt32(0xAC1E_0000 + i)), port: 80)
            if rng.next() % 2 == 0 { info.nodePort = 30000 + i }
            if rng.next() % 3 == 0 { info.externalIPs = [IPv4Address(UInt32(0xC0A8_6300 + i))] }
            if rng.next() % 3 == 0 { info.loadBalancerVIPs = [IPv4Address(UInt32(0x0102_0300 + i))] }
            if rng.next() % 3 == 0 { info.loadBalancerSourceRanges = [TestNet.cidr("192.168.0.0/16")] }
            if rng.next() % 3 == 0 { info.sessionAffinity = .clientIP(timeoutSeconds: 100) }
            info.externalPolicyLocal = info.externallyAccessible && rng.next() % 2 == 0
            info.internalPolicyLocal = rng.next() % 4 == 0
            let eps = (0..<Int(rng.next() % 4)).map { j in
                EndpointInfo(
                    ip: IPv4Address(UInt32(0x0A00_0000 + i * 16 + j)), port: 8080, isLocal: rng.next() % 2 == 0,
                    ready: rng.next() % 4 != 0, serving: rng.next() % 2 == 0, terminating: rng.next() % 3 == 0)
            }.sorted()
            return (name, info, eps)
        }
        for i in 0..<30 {
            let (name, info, eps) = randomService(i)
            services[name] = info
            endpoints[name] = eps
        }
        var last = compiler.compile(services: services, endpoints: endpoints, node: node)
        var kernel = IPTablesRuleset().applying(last.ruleset)
        // The same partial syncs cut down to their top-level changes (what the proxier restores).
        var deltaKernel = kernel
        var topLevel = last.ruleset.topLevelContents
        var editedRounds = 0
        for round in 0..<60 {
            var changed = Set<ServiceName>()
            for _ in 0..<Int(rng.next() % 4) {
                let i = Int(rng.next() % 40)
                for key in services.keys where key.service.name == "s\(i)" {
                    services[key] = nil
                    endpoints[key] = nil
                    changed.insert(key.service)
                }
                if rng.next() % 4 != 0 {
                    let (name, info, eps) = randomService(i)
                    services[name] = info
                    endpoints[name] = eps
                    changed.insert(name.service)
                }
            }
            let partial = compiler.compile(
                services: services, endpoints: endpoints, node: node,
                options: IPTablesCompileOptions(changedServices: changed, existingNATChains: last.activeNATChains))
            kernel = kernel.applying(partial.ruleset)
            let delta = partial.ruleset.delta(against: topLevel, maxEdits: 4)
            if delta.ruleset.tables.contains(where: { !$0.edits.isEmpty }) { editedRounds += 1 }
            #expect(delta.ruleset.tables.allSatisfy { table in
                table.chains.allSatisfy { chain in
                    IPTablesChainName.isServiceChain(chain.name) || topLevel[table.name]?[chain.name] == nil
                        || topLevel[table.name]?[chain.name] != delta.contents[table.name]?[chain.name]
                }
            }, "round \(round): an unchanged top-level chain was rewritten")
            deltaKernel = deltaKernel.applying(delta.ruleset)
            topLevel = delta.contents
            #expect(deltaKernel.chainContents == kernel.chainContents, "round \(round): delta")
            #expect(topLevel == IPTablesRuleset().applying(partial.ruleset).topLevelContents, "round \(round)")
            let fresh = IPTablesCompiler(config: compiler.config).compile(
                services: services, endpoints: endpoints, node: node)
            var got = kernel.chainContents
            var want = IPTablesRuleset().applying(fresh.ruleset).chainContents
            got[.mangle] = nil
            want[.mangle] = nil
            #expect(got == want, "round \(round)")
            #expect(partial.activeNATChains == fresh.activeNATChains, "round \(round)")
            #expect(partial.natRuleCount == fresh.natRuleCount, "round \(round)")
            last = partial
        }
        #expect(editedRounds > 5, "the random changes exercise rule-level edits")
    }

    @Test(arguments: [
        // old, new, expected edits (nil: only a rewrite gives new)
        (["a", "b", "z"], ["a", "b", "z"], [String]?.some([])),
        (["a", "b", "z"], ["a", "z"], ["-D b"]),
        (["a", "b", "z"], ["a", "b", "c", "z"], ["-I 3 c"]),
        (["b", "z"], ["a", "b", "c", "z"], ["-I 1 a", "-I 3 c"]),
        (["a", "b", "z"], ["x", "b", "y", "z"], ["-D a", "-I 1 x", "-I 3 y"]),
        (["a", "a", "z"], ["a", "z"], ["-D a"]),
        (["a", "z"], ["a", "a", "z"], ["-I 2 a"]),
        (["a", "b", "z"], ["b", "a", "z"], nil),
        ([], ["a"], ["-I 1 a"]),
        (["a"], [], ["-D a"]),
    ])
    func chainEditsReproduceTheNewOrder(old: [String], new: [String], expected: [String]?) {
        let edits = IPTablesRuleset.edits(chain: "C", from: old, to: new)
        let rendered = edits?.map { edit -> String in
            switch edit {
            case .delete(_, let spec): "-D \(spec)"
            case .insert(_, let position, let spec): "-I \(position) \(spec)"
            }
        }
        #expect(rendered == expected)
        if let edits {
            let table = IPTablesRuleset.Table(
                name: .nat, chains: [.init("C")], rules: old.map { .init(chain: "C", spec: $0) })
            var change = IPTablesRuleset.Table(name: .nat)
            change.edits = edits
            let after = IPTablesRuleset(tables: [table]).applying(IPTablesRuleset(tables: [change]))
            #expect(after.rules(in: .nat, chain: "C").map(\.spec) == new)
        }
    }

    @Test func endpointChangeLeavesTopLevelChainsOut() {
        let (services, endpoints) = TestNet.representative()
        let compiler = IPTablesCompiler(config: ProxierConfig())
        let first = compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        var newEndpoints = endpoints
        newEndpoints[TestNet.name("ns2", "svc2")]?.append(TestNet.ep("10.180.0.99"))
        let partial = compiler.compile(
            services: services, endpoints: newEndpoints, node: TestNet.node,
            options: IPTablesCompileOptions(
                changedServices: [ServiceName(namespace: "ns2", name: "svc2")],
                existingNATChains: first.activeNATChains))
        let delta = partial.ruleset.delta(against: first.ruleset.topLevelContents)
        let declared = delta.ruleset.tables.flatMap { $0.chains.map(\.name) }
        #expect(!declared.isEmpty)
        #expect(declared.allSatisfy(IPTablesChainName.isServiceChain), "\(declared)")
        #expect(delta.ruleset.tables.allSatisfy { $0.edits.isEmpty })
        #expect(delta.ruleset.table(.filter) == nil)
    }
}

/// A small seeded generator (SplitMix64), so random tests repeat.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
