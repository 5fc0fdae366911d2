public import Foundation
import AgentCore
public import Logging
import Synchronization

/// The iptables service proxy: takes Service and EndpointSlice events, and keeps the node's iptables rules in step
/// with them through the pure ``IPTablesCompiler`` and one `iptables-restore` per sync, rate-limited by a
/// ``BoundedFrequencyRunner`` (upstream's `Proxier` of `pkg/proxy/iptables`).
///
/// - No rules are written before the source delivered its initial Services and EndpointSlices.
/// - A sync rewrites only the chains of services that changed (KEP-3453), deletes the chains of services that are
///   gone, and edits the top-level chains (KUBE-SERVICES, ...) rule by rule where they changed, leaving them out
///   where they did not. A full sync runs first, after any failure, when the `KUBE-PROXY-CANARY` chain is gone
///   (checked every `syncPeriod`), and every `fullSyncPeriod`: it reads the kernel (`iptables-save`) for stale
///   chains and missing jumps, and rewrites every chain whose rules differ from what they should be.
/// - A failed sync is retried after `syncPeriod`; `/healthz` fails when an update waits `2 x syncPeriod`.
/// - After a sync, conntrack entries of UDP endpoints that left a service are deleted.
///
/// ```swift
/// let proxier = IPTablesProxier(settings: settings, runner: ProcessCommandRunner(), metrics: metrics,
///                               health: health, logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await proxier.run() }
///     group.addTask { try await source.run() }
///     for await event in source.events { proxier.handle(event) }
/// }
/// ```
public final class IPTablesProxier<C: Clock>: Sendable where C.Duration == Duration {
    public let settings: ProxierSettings
    public let compiler: IPTablesCompiler
    public let applier: IPTablesApplier
    public let conntrack: ConntrackCleaner
    public let metrics: ProxyMetrics
    public let health: ProxyHealth
    let clock: C
    let now: @Sendable () -> Date
    let logger: Logger
    let state: Mutex<State>
    /// The sync loop's scheduler (``run()`` drives it; ``handle(_:)`` asks it for syncs).
    public let runner: BoundedFrequencyRunner<C>

    struct State: Sendable {
        var inputs: ProxyInputs
        var needFullSync = true
        /// The nat chains after the last successful sync; nil when unknown (read with `iptables-save`).
        var knownNATChains: Set<String>?
        /// The top-level chains' rules after the last successful sync (partial syncs write only what changed in
        /// them); nil when unknown.
        var topLevel: IPTablesChainContents?
        var lastFullSync: C.Instant?
        var lastCanaryCheck: C.Instant?
        /// Conntrack deletions of failed syncs, run after the next successful one.
        var pendingConntrack: [ConntrackCleaner.Deletion] = []
        var syncs = 0
    }

    /// - Parameters:
    ///   - settings: periods, the compiler's settings and the node.
    ///   - runner: runs `iptables-restore`, `iptables`, `iptables-save` and `conntrack`.
    ///   - metrics: kube-proxy's metrics.
    ///   - health: the `/healthz` state.
    ///   - clock: the clock the sync periods run on.
    ///   - now: wall-clock time (metrics timestamps, health).
    ///   - logger: sync outcomes and rejected objects.
    public init(
        settings: ProxierSettings,
        runner: any CommandRunner,
        metrics: ProxyMetrics,
        health: ProxyHealth,
        clock: C,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.settings = settings
        self.compiler = IPTablesCompiler(config: settings.compiler)
        self.applier = IPTablesApplier(runner: runner)
        self.conntrack = ConntrackCleaner(runner: runner)
        self.metrics = metrics
        self.health = health
        self.clock = clock
        self.now = now
        self.logger = logger
        self.state = Mutex(State(inputs: ProxyInputs(nodeName: settings.node.nodeName)))
        let box = SyncBox()
        self.runner = BoundedFrequencyRunner(
            minInterval: settings.minSyncPeriod, maxInterval: settings.syncPeriod, burst: settings.burstSyncs,
            clock: clock
        ) { await box.sync() }
        box.set { [weak self] in await self?.runSync() }
    }

    /// Takes one source event; a change queues a sync.
    public func handle(_ event: ServiceSourceEvent) {
        let now = self.now()
        let (kind, synced, pendingServices, pendingEndpoints, warnings) = self.state.withLock { state in
            let before = state.inputs.warnings
            let kind = state.inputs.handle(event, at: now)
            let fresh = state.inputs.warnings.filter { before[$0.key] != $0.value }.flatMap(\.value)
            return (
                kind, state.inputs.isSynced, state.inputs.pendingServiceChanges, state.inputs.pendingEndpointChanges,
                fresh
            )
        }
        for warning in warnings {
            self.logger.warning("service proxy skipped part of an object: \(warning)")
        }
        switch kind {
        case .service?: self.metrics.serviceChangesTotal.increment()
        case .endpoints?: self.metrics.endpointChangesTotal.increment()
        case nil: break
        }
        self.metrics.serviceChangesPending.set(Double(pendingServices))
        self.metrics.endpointChangesPending.set(Double(pendingEndpoints))
        guard kind != nil, synced else { return }
        self.health.queuedUpdate()
        self.metrics.syncProxyRulesLastQueuedTimestamp.set(now.timeIntervalSince1970)
        self.runner.run()
    }

    /// Runs the sync loop until the task is cancelled.
    public func run() async {
        await self.runner.loop()
    }

    /// One sync now, outside the rate limit (tests and benchmarks; do not call while ``run()`` runs).
    @discardableResult
    public func syncNow() async -> SyncReport {
        await self.runSync()
    }

    /// The sync the runner calls.
    func runSync() async -> SyncReport {
        let started = self.clock.now
        guard let plan = self.plan(at: started) else {
            return SyncReport(
                kind: .notReady, changedServices: 0, deletedChains: [], conntrackDeletions: 0, compileDuration: .zero,
                applyDuration: .zero, restoreBytes: 0, failure: nil)
        }
        var full = plan.full
        if !full && plan.batch.changedServices.isEmpty {
            guard plan.checkCanary else { return self.unchanged() }
            if (try? await self.applier.chainExists(IPTablesChainName.canary, table: .mangle)) == true {
                self.state.withLock { $0.lastCanaryCheck = started }
                return self.unchanged()
            }
            self.logger.info("KUBE-PROXY-CANARY is gone; the rules were flushed by someone else: full sync")
            self.state.withLock { $0.knownNATChains = nil }
            full = true
        }
        return await self.apply(plan: plan, full: full, started: started)
    }

    struct Plan {
        var batch: ProxyInputs.Batch
        var services: [ServicePortName: ServicePortInfo]
        var endpoints: [ServicePortName: [EndpointInfo]]
        var full: Bool
        var checkCanary: Bool
    }

    /// Takes the pending changes and decides between a full and a partial sync; nil before the inputs synced.
    func plan(at now: C.Instant) -> Plan? {
        self.state.withLock { state -> Plan? in
            guard state.inputs.isSynced else { return nil }
            let batch = state.inputs.takeChanges()
            let fullDue = state.lastFullSync.map { $0.advanced(by: self.settings.fullSyncPeriod) <= now } ?? true
            let canaryDue = state.lastCanaryCheck.map { $0.advanced(by: self.settings.syncPeriod) <= now } ?? true
            return Plan(
                batch: batch, services: state.inputs.services, endpoints: state.inputs.endpoints,
                full: state.needFullSync || fullDue || state.knownNATChains == nil, checkCanary: canaryDue)
        }
    }

    private func unchanged() -> SyncReport {
        self.health.updated()
        return SyncReport(
            kind: .unchanged, changedServices: 0, deletedChains: [], conntrackDeletions: 0, compileDuration: .zero,
            applyDuration: .zero, restoreBytes: 0, failure: nil)
    }
}

/// Lets the runner's action reach the proxier, which is created after the runner.
final class SyncBox: Sendable {
    private let action = Mutex<(@Sendable () async -> SyncReport?)?>(nil)

    func set(_ action: @escaping @Sendable () async -> SyncReport?) {
        self.action.withLock { $0 = action }
    }

    func sync() async {
        let action = self.action.withLock { $0 }
        _ = await action?()
    }
}

extension IPTablesProxier {
    /// Makes the next sync a full one (every chain rewritten), as after a failure; `rereadKernel` also has it read
    /// the kernel's state first (as at start).
    public func requestFullSync(rereadKernel: Bool = false) {
        self.state.withLock { state in
            state.needFullSync = true
            if rereadKernel { state.knownNATChains = nil }
        }
    }
}
