import AgentCore
import Foundation
import KubeAPI
import Logging
import ServiceProxy
import Testing

/// Full syncs against real iptables (nf_tables) in a network namespace the test creates: a full sync reads the
/// kernel and rewrites only the chains that differ from what they should hold.
@Suite(
    "Full syncs against the kernel",
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["NODEAGENT_ROOT_TESTS"] == "1", "set NODEAGENT_ROOT_TESTS=1 (root, iptables)")
)
struct KernelFullSyncTests {
    static func sh(_ arguments: [String]) async throws -> CommandResult {
        try await ProcessCommandRunner().run(arguments, stdin: nil)
    }

    @Test("a full sync over the proxy's own rules writes no chain; a chain someone changed is put back")
    func fullSyncWritesOnlyWhatDiffers() async throws {
        let namespace = "nafs" + String(UUID().uuidString.lowercased().prefix(6))
        _ = try await Self.sh(["ip", "netns", "add", namespace])
        defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["ip", "netns", "del", namespace]).waitUntilExit() }
        let runner = ProcessCommandRunner(networkNamespace: namespace)
        let proxier = IPTablesProxier(
            settings: ProxierSettings(
                node: NodeContext(nodeName: "node-1", nodeIP: IPv4Address("10.0.0.1")),
                compiler: ProxierConfig(clusterCIDR: IPv4CIDR("10.244.0.0/16"))),
            runner: runner, metrics: ProxyMetrics(), health: ProxyHealth(healthTimeout: .seconds(60)),
            clock: ContinuousClock(), logger: Logger(label: "test"))
        // Every kind of rule: ClusterIP, NodePort with affinity, UDP, a service without endpoints.
        proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("a", ip: "10.96.0.10"))))
        proxier.handle(.endpointSliceUpdated(SyncFixtures.slice(
            SyncFixtures.sliceYAML("a-1", service: "a", endpoints: ["10.244.1.2", "10.244.1.3", "10.244.1.4"]))))
        proxier.handle(.serviceUpdated(SyncFixtures.service(
            SyncFixtures.serviceYAML("b", ip: "10.96.0.11", nodePort: 30080, clientIPAffinity: true))))
        proxier.handle(.endpointSliceUpdated(SyncFixtures.slice(
            SyncFixtures.sliceYAML("b-1", service: "b", endpoints: ["10.244.1.5"]))))
        proxier.handle(.serviceUpdated(SyncFixtures.service(
            SyncFixtures.serviceYAML("dns", ip: "10.96.0.53", port: 53, protocol: "UDP"))))
        proxier.handle(.endpointSliceUpdated(SyncFixtures.slice(
            SyncFixtures.sliceYAML("dns-1", service: "dns", endpoints: ["10.244.1.6"], port: 53, protocol: "UDP"))))
        proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("empty", ip: "10.96.0.12"))))
        proxier.handle(.servicesSynced)
        proxier.handle(.endpointSlicesSynced)

        let first = await proxier.syncNow()
        #expect(first.kind == .full && first.failure == nil, "\(first)")
        let save = { () async throws -> String in
            try await runner.run(["iptables-save"], stdin: nil).stdout
                .split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        }
        let written = try await save()
        #expect(written.contains("-A KUBE-SERVICES"))

        // Nothing differs: only the canary is declared again.
        proxier.requestFullSync()
        let again = await proxier.syncNow()
        #expect(again.kind == .full && again.failure == nil && again.restoreBytes < 100, "\(again)")
        proxier.requestFullSync(rereadKernel: true)
        let restarted = await proxier.syncNow()
        #expect(restarted.kind == .full && restarted.failure == nil && restarted.restoreBytes < 100, "\(restarted)")
        #expect(try await save() == written)

        // Someone deletes a service's jump and flushes an endpoint chain: the next full sync puts back exactly those.
        let sep = try #require(written.split(separator: "\n").first { $0.hasPrefix(":KUBE-SEP-") }?.dropFirst()
            .split(separator: " ").first)
        #expect(try await runner.run(["iptables", "-t", "nat", "-D", "KUBE-SERVICES", "1"], stdin: nil).status == 0)
        #expect(try await runner.run(["iptables", "-t", "nat", "-F", String(sep)], stdin: nil).status == 0)
        #expect(try await save() != written)
        proxier.requestFullSync()
        let repair = await proxier.syncNow()
        #expect(repair.kind == .full && repair.failure == nil && repair.restoreBytes > 100, "\(repair)")
        #expect(try await save() == written)
    }
}
