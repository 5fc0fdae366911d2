import AgentCore
import Foundation
import KubeAPI
import Logging
import ServiceProxy
import Synchronization
import Testing

@Suite("Apply: the proxier's syncs on a recording command runner")
struct ApplyProxierTests {
    let runner = FakeCommandRunner()
    let clock = ManualClock()
    let metrics = ProxyMetrics()
    let health = ProxyHealth(healthTimeout: .seconds(60))

    func makeProxier() -> IPTablesProxier<ManualClock> {
        IPTablesProxier(
            settings: ProxierSettings(node: NodeContext(nodeName: "node-1", nodeIP: IPv4Address("10.0.0.1"))),
            runner: self.runner, metrics: self.metrics, health: self.health, clock: self.clock,
            logger: Logger(label: "test"))
    }

    func synced(_ proxier: IPTablesProxier<ManualClock>) {
        proxier.handle(.servicesSynced)
        proxier.handle(.endpointSlicesSynced)
    }

    @Test("nothing is written before both initial lists arrived")
    func waitsForSync() async {
        let proxier = self.makeProxier()
        proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("web", ip: "10.96.0.10"))))
        #expect(await proxier.syncNow().kind == .notReady)
        proxier.handle(.servicesSynced)
        #expect(await proxier.syncNow().kind == .notReady)
        proxier.handle(.endpointSlicesSynced)
        #expect(await proxier.syncNow().kind == .full)
        #expect(self.runner.restoreInputs.count == 1)
    }

    @Test("the first sync is full: jumps ensured, nat chains read, one restore without --counters")
    func firstSyncIsFull() async throws {
        let proxier = self.makeProxier()
        proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("web", ip: "10.96.0.10"))))
        proxier.handle(
            .endpointSliceUpdated(SyncFixtures.slice(SyncFixtures.sliceYAML("web-1", service: "web", endpoints: ["10.1.0.2"]))))
        self.synced(proxier)
        let report = await proxier.syncNow()
        #expect(report.kind == .full && report.failure == nil)
        // One iptables-save (stale chains, missing jumps) and one restore: nothing else.
        #expect(self.runner.commands == [["iptables-save"], ["iptables-restore", "-w", "5", "--noflush"]])
        let input = try #require(self.runner.restoreInputs.first)
        #expect(input.contains("-I PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"))
        #expect(input.contains("-A KUBE-SERVICES"))
        #expect(input.contains("10.96.0.10"))
        #expect(input.contains("*mangle") && input.contains(":KUBE-PROXY-CANARY"))
        #expect(self.health.status().healthy)
        #expect(self.metrics.syncFullProxyRulesDuration.value()?.count == 1)
    }

    @Test("a later change is a partial sync that writes only the changed service's chains; no iptables-save")
    func partialSync() async throws {
        let proxier = self.makeProxier()
        for (name, ip) in [("a", "10.96.0.10"), ("b", "10.96.0.11")] {
            proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML(name, ip: ip))))
            proxier.handle(
                .endpointSliceUpdated(
                    SyncFixtures.slice(SyncFixtures.sliceYAML("\(name)-1", service: name, endpoints: ["10.1.0.2"]))))
        }
        self.synced(proxier)
        #expect(await proxier.syncNow().kind == .full)
        self.runner.reset()
        proxier.handle(
            .endpointSliceUpdated(
                SyncFixtures.slice(SyncFixtures.sliceYAML("b-1", service: "b", endpoints: ["10.1.0.2", "10.1.0.3"]))))
        let report = await proxier.syncNow()
        #expect(report.kind == .partial && report.changedServices == 1)
        #expect(self.runner.commands.map { $0[0] } == ["iptables-restore"])
        let input = try #require(self.runner.restoreInputs.first)
        #expect(input.contains("10.1.0.3"))
        #expect(!input.contains("*mangle"))
        // Service a's chains are not written: only b's SVC chain is declared.
        let svcChains = input.split(separator: "\n").filter { $0.hasPrefix(":KUBE-SVC-") }
        #expect(svcChains.count == 1)
        // The top-level chains did not change: none is flushed or rewritten, and the filter table is left out.
        #expect(!input.contains(":KUBE-SERVICES") && !input.contains("-A KUBE-SERVICES"), "\(input)")
        #expect(!input.contains("*filter"))
        #expect(self.metrics.syncPartialProxyRulesDuration.value()?.count == 1)
    }

    @Test("a deleted service's chains are deleted in the next sync")
    func staleChains() async throws {
        let proxier = self.makeProxier()
        proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("a", ip: "10.96.0.10"))))
        proxier.handle(
            .endpointSliceUpdated(SyncFixtures.slice(SyncFixtures.sliceYAML("a-1", service: "a", endpoints: ["10.1.0.2"]))))
        self.synced(proxier)
        _ = await proxier.syncNow()
        proxier.handle(.serviceDeleted(namespace: "default", name: "a"))
        let report = await proxier.syncNow()
        #expect(report.kind == .partial)
        #expect(report.deletedChains.contains { $0.hasPrefix("KUBE-SVC-") })
        #expect(report.deletedChains.contains { $0.hasPrefix("KUBE-SEP-") })
        let input = try #require(self.runner.restoreInputs.last)
        for chain in report.deletedChains { #expect(input.contains("-X \(chain)")) }
        // KUBE-SERVICES loses the service's jump rule by rule, without a flush.
        #expect(!input.contains(":KUBE-SERVICES"), "\(input)")
        #expect(input.contains("-D KUBE-SERVICES ") && input.contains("-j KUBE-SVC-"), "\(input)")
    }

    @Test("nothing changed: no restore; the canary is checked every syncPeriod and its loss forces a full sync")
    func canary() async throws {
        let proxier = self.makeProxier()
        self.synced(proxier)
        #expect(await proxier.syncNow().kind == .full)
        self.runner.reset()
        #expect(await proxier.syncNow().kind == .unchanged)
        #expect(self.runner.commands.isEmpty)
        self.clock.advance(by: .seconds(30))
        #expect(await proxier.syncNow().kind == .unchanged)
        #expect(self.runner.commands.map { $0[0] } == ["iptables"])
        self.runner.state.withLock { $0.canaryPresent = false }
        self.runner.reset()
        self.clock.advance(by: .seconds(30))
        let report = await proxier.syncNow()
        #expect(report.kind == .full)
        #expect(self.runner.commands.map { $0[0] } == ["iptables", "iptables-save", "iptables-restore"])
        #expect(self.runner.restoreInputs.first?.contains("-I OUTPUT") == true)
    }

    @Test("a failed restore counts, keeps /healthz pending, and makes the next sync full")
    func failure() async throws {
        let proxier = self.makeProxier()
        self.synced(proxier)
        _ = await proxier.syncNow()
        self.runner.state.withLock { $0.failRestores = 1 }
        proxier.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("a", ip: "10.96.0.10"))))
        let failed = await proxier.syncNow()
        #expect(failed.kind == .partial)
        #expect(failed.failure?.contains("line 3 failed") == true)
        #expect(self.metrics.iptablesRestoreFailures.value() == 1)
        #expect(self.metrics.iptablesPartialRestoreFailures.value() == 1)
        // A retry is scheduled syncPeriod later, well before the periodic one.
        #expect(proxier.runner.nextRun <= self.clock.now.advanced(by: .seconds(30)))
        let retried = await proxier.syncNow()
        #expect(retried.kind == .full && retried.failure == nil)
        #expect(self.runner.restoreInputs.last?.contains("10.96.0.10") == true)
    }

    @Test("no-op updates cause no sync; change counters and the pending gauges follow upstream")
    func noOps() async {
        let proxier = self.makeProxier()
        self.synced(proxier)
        _ = await proxier.syncNow()
        let service = SyncFixtures.service(SyncFixtures.serviceYAML("a", ip: "10.96.0.10"))
        proxier.handle(.serviceUpdated(service))
        #expect(self.metrics.serviceChangesPending.value() == 1)
        _ = await proxier.syncNow()
        #expect(self.metrics.serviceChangesTotal.value() == 1)
        var relabelled = service
        relabelled.metadata.labels["team"] = "x"
        proxier.handle(.serviceUpdated(relabelled))
        #expect(self.metrics.serviceChangesTotal.value() == 1)
        #expect(await proxier.syncNow().kind == .unchanged)
    }

    @Test("a UDP endpoint that leaves gets its conntrack entries deleted; a UDP service gaining its first endpoint too")
    func udpConntrack() async throws {
        let proxier = self.makeProxier()
        proxier.handle(
            .serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("dns", ip: "10.96.0.53", port: 53, protocol: "UDP"))))
        self.synced(proxier)
        _ = await proxier.syncNow()
        self.runner.reset()
        proxier.handle(
            .endpointSliceUpdated(
                SyncFixtures.slice(
                    SyncFixtures.sliceYAML("dns-1", service: "dns", endpoints: ["10.1.0.2", "10.1.0.3"], port: 53, protocol: "UDP"))))
        _ = await proxier.syncNow()
        #expect(self.runner.commands.filter { $0[0] == "conntrack" } == [["conntrack", "-D", "-p", "udp", "--orig-dst", "10.96.0.53"]])
        self.runner.reset()
        proxier.handle(
            .endpointSliceUpdated(
                SyncFixtures.slice(
                    SyncFixtures.sliceYAML("dns-1", service: "dns", endpoints: ["10.1.0.3"], port: 53, protocol: "UDP"))))
        let report = await proxier.syncNow()
        #expect(report.conntrackDeletions == 1)
        #expect(
            self.runner.commands.filter { $0[0] == "conntrack" }
                == [["conntrack", "-D", "-p", "udp", "--orig-dst", "10.96.0.53", "--dst-nat", "10.1.0.2"]])
    }

    @Test("jumps iptables-save already shows are not inserted again; the others go into their table's section")
    func jumpsFromSave() {
        let compiler = IPTablesCompiler(config: ProxierConfig())
        let save = """
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -j KUBE-FIREWALL
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :KUBE-SVC-OLD - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            COMMIT
            """
        let snapshot = IPTablesApplier.parseSnapshotForTests(save)
        #expect(snapshot.natChains == ["PREROUTING", "KUBE-SVC-OLD"])
        let missing = snapshot.missing(compiler.jumpRules)
        #expect(missing.count == compiler.jumpRules.count - 2)
        #expect(!missing.contains { $0.from == "PREROUTING" })
        let input = IPTablesApplier.insertingJumps(missing, into: "*filter\n:X - [0:0]\nCOMMIT\n*nat\n:Y - [0:0]\nCOMMIT\n")
        let lines = input.split(separator: "\n")
        #expect(lines.firstIndex(of: "-I OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")! > lines.firstIndex(of: "*nat")!)
        // Each goes to the top in turn, so in the kernel the last one ends up first, as upstream's prepends.
        let inputJumps = lines.filter { $0.hasPrefix("-I INPUT") }
        #expect(inputJumps.first?.hasSuffix("-j KUBE-EXTERNAL-SERVICES") == true)
        #expect(inputJumps.last?.hasSuffix("-j KUBE-PROXY-FIREWALL") == true)
    }
}
