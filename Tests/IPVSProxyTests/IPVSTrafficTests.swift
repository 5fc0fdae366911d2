import AgentTestKit
import Foundation
import IPVSProxy
import KubeAPI
import Logging
import ServiceProxy
import Testing

/// Real traffic through IPVS mode: backends in network namespaces behind veth pairs, the proxier programming the
/// kernel from Service and EndpointSlice objects, clients connecting to the ClusterIP. Only inside the QEMU VM: it
/// rewrites the node's IPVS table, kube-ipvs0 and iptables rules.
@Suite(
    "IPVSTraffic", .serialized,
    .enabled(if: IPVSKernelGate.inVM, "runs only inside the QEMU VM (scripts/ipvs-vm/run.sh): it rewrites the node's IPVS table and iptables rules")
)
struct IPVSTrafficTests {
    static let vip = "10.96.5.10"
    /// A second service on the same backends: its real servers count their connections apart from web's.
    static let drainVIP = "10.96.5.11"

    static func service(_ name: String = "web", vip: String = vip) -> Service {
        decode("""
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: default}
            spec:
              type: ClusterIP
              clusterIP: \(vip)
              ports: [{port: 80, protocol: TCP, targetPort: 8080}]
            """).services[0]
    }

    static func slice(_ service: String = "web", _ endpoints: [(ip: String, terminating: Bool)]) -> EndpointSlice {
        var text = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: \(service)-1, namespace: default, labels: {kubernetes.io/service-name: \(service)}}
            addressType: IPv4
            ports: [{port: 8080, protocol: TCP}]
            endpoints:

            """
        for endpoint in endpoints {
            let ready = !endpoint.terminating
            text += "- addresses: [\"\(endpoint.ip)\"]\n  conditions: {ready: \(ready), serving: \(ready), terminating: \(endpoint.terminating)}\n"
        }
        return decode(text).slices[0]
    }

    static func decode(_ yaml: String) -> ServiceManifestDecoding.Decoded {
        let decoded = ServiceManifestDecoding.decode(Data(yaml.utf8), source: "fixture")
        precondition(decoded.errors.isEmpty, "bad fixture: \(decoded.errors)")
        return decoded
    }

    /// One request through the VIP: the name of the backend that answered.
    static func request(_ vip: String = vip) async throws -> String {
        try await tool("socat", "-T3", "-", "TCP:\(vip):80").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func trafficReachesTheBackendsAndTerminatingOnesDrain() async throws {
        var backends: [Child] = []
        defer { backends.forEach { $0.stop() } }
        for index in 1...2 {
            let ns = "ipvs-be\(index)"
            _ = try? await tool("ip", "netns", "del", ns)
            _ = try await tool("ip", "netns", "add", ns)
            _ = try? await tool("ip", "link", "del", "veth-be\(index)")
            _ = try await tool("ip", "link", "add", "veth-be\(index)", "type", "veth", "peer", "name", "eth0", "netns", ns)
            _ = try await tool("ip", "addr", "add", "10.250.\(index).1/24", "dev", "veth-be\(index)")
            _ = try await tool("ip", "link", "set", "veth-be\(index)", "up")
            _ = try await tool("ip", "netns", "exec", ns, "ip", "addr", "add", "10.250.\(index).2/24", "dev", "eth0")
            _ = try await tool("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")
            _ = try await tool("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
            _ = try await tool("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", "10.250.\(index).1")
            backends.append(try Child([
                "ip", "netns", "exec", ns, "socat", "TCP-LISTEN:8080,fork,reuseaddr", "SYSTEM:echo backend-\(index); cat",
            ]))
        }
        for index in 1...2 {
            _ = try await poll("backend \(index) listening", timeout: .seconds(20)) {
                try await tool("socat", "-T3", "-", "TCP:10.250.\(index).2:8080").contains("backend-\(index)") ? true : nil
            }
        }

        let settings = ProxierSettings(node: NodeContext(nodeName: "node-1", nodeIP: IPv4Address("10.250.1.1")))
        let proxier = try IPVSProxier(
            settings: settings, config: IPVSCompilerConfig(scheduler: "rr", nodePortAddresses: [IPv4Address("10.250.1.1")!]),
            runner: ProcessCommandRunner(), metrics: ProxyMetrics(), health: ProxyHealth(healthTimeout: .seconds(60)),
            clock: ContinuousClock(), logger: Logger(label: "ipvs-traffic-test"))
        proxier.handle(.serviceUpdated(Self.service()))
        proxier.handle(.endpointSliceUpdated(Self.slice("web", [("10.250.1.2", false), ("10.250.2.2", false)])))
        proxier.handle(.serviceUpdated(Self.service("drain", vip: Self.drainVIP)))
        proxier.handle(.endpointSliceUpdated(Self.slice("drain", [("10.250.1.2", false), ("10.250.2.2", false)])))
        proxier.handle(.servicesSynced)
        proxier.handle(.endpointSlicesSynced)
        var report = await proxier.syncNow()
        #expect(report.failures == [])
        #expect(try proxier.dataplane.link.addresses().contains(IPv4Address(Self.vip)!))
        #expect(try await tool("iptables-save", "-t", "nat").contains("--match-set KUBE-CLUSTER-IP"))

        var answered: Set<String> = []
        for _ in 0..<4 { answered.insert(try await Self.request()) }
        #expect(answered == ["backend-1", "backend-2"], "round robin reaches both backends")

        // A long-lived connection pins one backend; that backend then terminates.
        let key = IPVSServiceKey(address: IPv4Address(Self.drainVIP)!, port: 80, protocol: .tcp)
        let client = try Child(["socat", "-", "TCP:\(Self.drainVIP):80,linger=0"])
        defer { client.stop() }
        let pinned = try await poll("an active connection", timeout: .seconds(20)) {
            try proxier.dataplane.ipvs.destinations(of: key).first { $0.activeConnections > 0 }?.server
        }
        let survivor = pinned.address == IPv4Address("10.250.1.2")! ? "10.250.2.2" : "10.250.1.2"
        proxier.handle(.endpointSliceUpdated(Self.slice("drain", [("\(pinned.address)", true), (survivor, false)])))
        report = await proxier.syncNow()
        #expect(report.failures == [])
        let quiesced = try proxier.dataplane.ipvs.destinations(of: key).first { $0.server == pinned }
        #expect(quiesced?.weight == 0, "the terminating real server stays, quiesced, while its connection lives")
        for _ in 0..<3 {
            #expect(try await Self.request(Self.drainVIP) == (survivor == "10.250.1.2" ? "backend-1" : "backend-2"))
        }

        // The connection ends (reset): the next syncs delete the drained real server.
        client.stop()
        _ = try await poll("the drained real server deleted", timeout: .seconds(40), interval: .seconds(1)) {
            await proxier.syncNow()
            return try proxier.dataplane.ipvs.destinations(of: key).contains { $0.server == pinned } ? nil : true
        }

        // The service goes: its virtual server, address and set members go too.
        proxier.handle(.serviceDeleted(namespace: "default", name: "web"))
        report = await proxier.syncNow()
        #expect(report.failures == [])
        #expect(try proxier.dataplane.ipvs.virtualServers().map(\.key.address) == [IPv4Address(Self.drainVIP)!])
        #expect(!(try proxier.dataplane.link.addresses()).contains(IPv4Address(Self.vip)!))
        #expect(!(try proxier.dataplane.ipset.members(of: IPVSSetName.clusterIP)).contains("\(Self.vip),tcp:80"))
        for index in 1...2 { _ = try? await tool("ip", "netns", "del", "ipvs-be\(index)") }
    }
}
