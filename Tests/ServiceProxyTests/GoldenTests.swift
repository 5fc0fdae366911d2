import Foundation
import ServiceProxy
import Testing

/// Whole rulesets compared textually with Fixtures/*.rules. Set NODEAGENT_UPDATE_GOLDEN=1 to rewrite them (then
/// review the diff against upstream's proxier_test.go expectations).
@Suite struct GoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func check(_ text: String, _ file: String) throws {
        let url = Self.fixtures.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["NODEAGENT_UPDATE_GOLDEN"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "ruleset differs from Fixtures/\(file)")
    }

    @Test func representativeServicesFullSync() throws {
        let (services, endpoints) = TestNet.representative()
        let compiler = IPTablesCompiler(config: TestNet.config)
        let result = compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        try self.check(result.ruleset.render(), "representative-full.rules")
    }

    @Test func partialSyncWritesOnlyChangedServiceChains() throws {
        var (services, endpoints) = TestNet.representative()
        let compiler = IPTablesCompiler(config: TestNet.config)
        let full = compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        // svc3 loses an endpoint, svc1 is deleted.
        endpoints[TestNet.name("ns3", "svc3")]?.removeLast()
        services[TestNet.name("ns1", "svc1")] = nil
        let partial = compiler.compile(
            services: services, endpoints: endpoints, node: TestNet.node,
            options: IPTablesCompileOptions(
                changedServices: [
                    ServiceName(namespace: "ns3", name: "svc3"), ServiceName(namespace: "ns1", name: "svc1"),
                ],
                existingNATChains: full.activeNATChains))
        try self.check(partial.ruleset.render(), "representative-partial.rules")
        #expect(!partial.isFullSync)
        #expect(partial.ruleset.table(.mangle) == nil)
    }

    @Test func largeClusterModeDropsEndpointComments() throws {
        let compiler = IPTablesCompiler(
            config: ProxierConfig(
                clusterCIDR: TestNet.cidr("10.0.0.0/8"),
                largeClusterEndpointsThreshold: 2))
        let name = TestNet.name("ns1", "svc1")
        let result = compiler.compile(
            services: [name: ServicePortInfo(clusterIP: TestNet.ip("172.30.0.41"), port: 80)],
            endpoints: [name: [TestNet.ep("10.180.0.1"), TestNet.ep("10.180.0.2"), TestNet.ep("10.180.0.3")]],
            node: TestNet.node)
        try self.check(result.ruleset.render(), "large-cluster.rules")
        #expect(result.largeClusterMode)
    }

    /// The services of upstream's TestOverallIPTablesRulesWithMultipleServices (pkg/proxy/iptables). The fixture was
    /// checked line by line against upstream's expected restore input: the same rules once sorted, apart from the
    /// mark (upstream's fake proxier prints 0x4000, the real one 0x00004000) and --random-fully (off in the fake).
    @Test func upstreamOverallServices() throws {
        func name(_ namespace: String, _ service: String) -> ServicePortName { TestNet.name(namespace, service) }
        let ip = TestNet.ip
        var services: [ServicePortName: ServicePortInfo] = [:]
        services[name("ns1", "svc1")] = ServicePortInfo(clusterIP: ip("172.30.0.41"), port: 80)
        services[name("ns2", "svc2")] = ServicePortInfo(
            clusterIP: ip("172.30.0.42"), port: 80, nodePort: 3001, externalIPs: [ip("192.168.99.22")],
            loadBalancerVIPs: [ip("1.2.3.4")], externalPolicyLocal: true, healthCheckNodePort: 30000)
        services[name("ns3", "svc3")] = ServicePortInfo(clusterIP: ip("172.30.0.43"), port: 80, nodePort: 3003)
        services[name("ns4", "svc4")] = ServicePortInfo(
            clusterIP: ip("172.30.0.44"), port: 80, externalIPs: [ip("192.168.99.33")])
        services[name("ns5", "svc5")] = ServicePortInfo(
            clusterIP: ip("172.30.0.45"), port: 80, nodePort: 3002, loadBalancerVIPs: [ip("5.6.7.8")],
            loadBalancerSourceRanges: [TestNet.cidr(" 203.0.113.0/25")])
        services[name("ns6", "svc6")] = ServicePortInfo(clusterIP: ip("172.30.0.46"), port: 80)
        let endpoints: [ServicePortName: [EndpointInfo]] = [
            name("ns1", "svc1"): [TestNet.ep("10.180.0.1")],
            name("ns2", "svc2"): [TestNet.ep("10.180.0.2")],
            name("ns3", "svc3"): [TestNet.ep("10.180.0.3")],
            name("ns4", "svc4"): [TestNet.ep("10.180.0.4"), TestNet.ep("10.180.0.5", local: true)],
            name("ns5", "svc5"): [TestNet.ep("10.180.0.3")],
        ]
        let compiler = IPTablesCompiler(
            config: ProxierConfig(
                clusterCIDR: TestNet.cidr("10.0.0.0/8"), masqueradeRandomFully: false, includeCanary: false))
        let result = compiler.compile(services: services, endpoints: endpoints, node: TestNet.node)
        try self.check(result.ruleset.render(), "upstream-overall.rules")
        #expect(result.natRuleCount == 51)
        #expect(result.filterRuleCount == 10)
    }
}
