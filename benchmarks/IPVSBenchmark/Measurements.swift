import Foundation
import IPVSProxy
import Logging
import ProxyBenchmarkSupport
import ServiceProxy

/// The node both modes program for (its address does not exist in the namespace; ClusterIPs do not need it).
let benchNode = NodeContext(nodeName: "bench", nodeIP: IPv4Address("10.0.0.1"))

/// IPVS mode through ``IPVSProxier``, in the process's (fresh) network namespace: a cold sync, a sync with nothing
/// changed, a sync after one endpoint change; then the steady-state sync's parts timed one by one.
enum IPVSMeasurement {
    static func run(workload: Workload) async throws -> [String: Double] {
        let settings = ProxierSettings(node: benchNode)
        let (proxier, initTime) = try await timed {
            try IPVSProxier(
                settings: settings,
                config: IPVSCompilerConfig(scheduler: "rr", nodePortAddresses: benchNode.nodeIP.map { [$0] } ?? []),
                runner: ProcessCommandRunner(), metrics: ProxyMetrics(), health: ProxyHealth(healthTimeout: .seconds(60)),
                clock: ContinuousClock(), logger: Logger(label: "bench"))
        }
        var result: [String: Double] = ["init": initTime]
        for event in workload.events { proxier.handle(event) }

        let (cold, coldTime) = await timed { await proxier.syncNow() }
        try self.check(cold, "cold")
        result["cold"] = coldTime
        result["coldActions#"] = Double(cold.actions.count)
        progress("  ipvs cold sync: \(cold)")

        let (resync, resyncTime) = await timed { await proxier.syncNow() }
        try self.check(resync, "resync")
        guard resync.actions.isEmpty else {
            throw BenchmarkError("the resync with nothing changed did \(resync.actions.count) changes: \(resync.actions.prefix(5))")
        }
        result["resync"] = resyncTime
        progress("  ipvs resync: \(resync)")

        let index = workload.services / 2
        proxier.handle(.endpointSliceUpdated(workload.slice(index, replacingFirstEndpointWith: "10.250.0.1")))
        let (change, changeTime) = await timed { await proxier.syncNow() }
        try self.check(change, "one endpoint change")
        result["endpoint"] = changeTime
        result["endpointActions#"] = Double(change.actions.count)
        progress("  ipvs one endpoint change: \(change): \(change.actions.map(\.description).joined(separator: "; "))")

        try await self.parts(proxier: proxier, workload: workload, into: &result)
        return result
    }

    /// The steady-state sync's parts, each timed alone: compile, the kernel snapshot (and its pieces), the plan,
    /// the iptables restore.
    static func parts(
        proxier: IPVSProxier<ContinuousClock>, workload: Workload, into result: inout [String: Double]
    ) async throws {
        let (desired, compileTime) = await timed {
            proxier.compiler.compile(services: workload.model.services, endpoints: workload.model.endpoints)
        }
        result["part.compile"] = compileTime
        let dataplane = proxier.dataplane
        let (snapshot, snapshotTime) = try await timed { try dataplane.snapshot() }
        result["part.snapshot"] = snapshotTime
        result["servers#"] = Double(snapshot.servers.count)
        result["addresses#"] = Double(snapshot.boundAddresses.count)
        guard snapshot.servers.count == workload.services, snapshot.boundAddresses.count == workload.services else {
            throw BenchmarkError(
                "the kernel holds \(snapshot.servers.count) virtual servers and \(snapshot.boundAddresses.count) "
                    + "addresses, expected \(workload.services) each")
        }
        let (servers, serversTime) = try await timed { try dataplane.ipvs.virtualServers() }
        result["part.snapshot.services"] = serversTime
        let (_, destinationsTime) = try await timed {
            for server in servers { _ = try dataplane.ipvs.destinations(of: server.key) }
        }
        result["part.snapshot.destinations"] = destinationsTime
        let (_, addressesTime) = try await timed { try dataplane.link.addresses() }
        result["part.snapshot.addresses"] = addressesTime
        let (_, setsTime) = try await timed {
            let names = try dataplane.ipset.names()
            for entry in IPVSSetName.all where names.contains(entry.name) {
                _ = try dataplane.ipset.members(of: entry.name)
            }
        }
        result["part.snapshot.ipsets"] = setsTime
        let (_, planTime) = await timed { IPVSPlan.actions(desired: desired, current: snapshot) }
        result["part.plan"] = planTime
        let (_, restoreTime) = try await timed { try await proxier.iptables.restore(desired.iptablesRules) }
        result["part.iptablesRestore"] = restoreTime
        // The ipset path of a cold sync: KUBE-CLUSTER-IP flushed and restored (one libipset restore, as apply does).
        let clusterIPs = (desired.sets[IPVSSetName.clusterIP] ?? []).map { "add \(IPVSSetName.clusterIP) \($0) -exist" }
        try dataplane.ipset.flush(IPVSSetName.clusterIP)
        let (_, ipsetRestoreTime) = try await timed { try dataplane.ipset.restore(clusterIPs) }
        result["part.ipsetRestoreClusterIP"] = ipsetRestoreTime
        // The address path of a cold sync: every service address unbound from kube-ipvs0 and bound again.
        let addresses = snapshot.boundAddresses.sorted()
        let (_, unbindTime) = try await timed { for address in addresses { try dataplane.link.unbind(address) } }
        result["part.unbindAll"] = unbindTime
        let (_, bindTime) = try await timed { for address in addresses { try dataplane.link.bind(address) } }
        result["part.bindAll"] = bindTime
    }

    static func check(_ report: IPVSProxier<ContinuousClock>.Report, _ what: String) throws {
        guard report.ready, report.failures.isEmpty else { throw BenchmarkError("ipvs \(what) sync: \(report)") }
    }
}

/// iptables mode through ``IPTablesProxier``, in the process's (fresh) network namespace: a cold full sync,
/// optionally a full resync with nothing changed, and a partial sync after one endpoint change.
enum IPTablesMeasurement {
    static func run(workload: Workload, fullResync: Bool) async throws -> [String: Double] {
        let proxier = IPTablesProxier(
            settings: ProxierSettings(node: benchNode), runner: ProcessCommandRunner(), metrics: ProxyMetrics(),
            health: ProxyHealth(healthTimeout: .seconds(60)), clock: ContinuousClock(), logger: Logger(label: "bench"))
        for event in workload.events { proxier.handle(event) }
        var result: [String: Double] = [:]

        let (cold, coldTime) = await timed { await proxier.syncNow() }
        try self.check(cold, .full, "cold")
        result["cold"] = coldTime
        result["coldCompile"] = seconds(cold.compileDuration)
        progress("  iptables cold sync: \(cold)")

        if fullResync {
            proxier.requestFullSync()
            let (resync, resyncTime) = await timed { await proxier.syncNow() }
            try self.check(resync, .full, "full resync")
            result["resync"] = resyncTime
            progress("  iptables full resync: \(resync)")
        }

        let index = workload.services / 2
        proxier.handle(.endpointSliceUpdated(workload.slice(index, replacingFirstEndpointWith: "10.250.0.1")))
        let (partial, partialTime) = await timed { await proxier.syncNow() }
        try self.check(partial, .partial, "partial")
        result["partial"] = partialTime
        result["partialBytes#"] = Double(partial.restoreBytes)
        progress("  iptables partial sync: \(partial)")
        return result
    }

    static func check(_ report: SyncReport, _ kind: SyncReport.Kind, _ what: String) throws {
        guard report.kind == kind, report.failure == nil else {
            throw BenchmarkError("iptables \(what) sync: expected a \(kind.rawValue) sync, got \(report)")
        }
    }
}
