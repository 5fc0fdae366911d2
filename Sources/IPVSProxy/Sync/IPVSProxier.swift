import AgentCore
public import Foundation
public import Logging
public import ServiceProxy
import Synchronization

/// IPVS mode behind the same interface as ``IPTablesProxier``: takes Service and EndpointSlice events and keeps the
/// kernel's IPVS table, kube-ipvs0's addresses, the ipsets and the few iptables rules in step, through the pure
/// ``IPVSCompiler``, ``IPVSPlan`` (only the difference is written) and a ``BoundedFrequencyRunner``.
///
/// Every sync reads the kernel back, so the periodic `syncPeriod` sync also finishes graceful terminations
/// (real servers at weight 0 are deleted once their connections are gone) and repairs anything changed by others.
///
/// ```swift
/// let proxier = try IPVSProxier(settings: settings, config: IPVSCompilerConfig(scheduler: "rr"), ...)
/// group.addTask { await proxier.run() }
/// for await event in source.events { proxier.handle(event) }
/// ```
public final class IPVSProxier<C: Clock>: Sendable where C.Duration == Duration {
    public let settings: ProxierSettings
    public let compiler: IPVSCompiler
    public let dataplane: IPVSDataplane
    public let iptables: IPTablesApplier
    public let metrics: ProxyMetrics
    public let health: ProxyHealth
    public let runner: BoundedFrequencyRunner<C>
    let clock: C
    let now: @Sendable () -> Date
    let logger: Logger
    let state: Mutex<State>

    struct State: Sendable {
        var inputs: ProxyInputs
        var jumpsChecked = false
        var syncs = 0
    }

    /// - Throws: ``NetlinkError`` when the kernel has no IPVS (or the dummy link cannot be created); the caller
    ///   stops: there is no fallback to iptables mode.
    public init(
        settings: ProxierSettings, config: IPVSCompilerConfig, runner: any CommandRunner, metrics: ProxyMetrics,
        health: ProxyHealth, clock: C, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) throws(NetlinkError) {
        self.settings = settings
        self.compiler = IPVSCompiler(config: config)
        self.dataplane = try IPVSDataplane(dummyDevice: config.dummyDevice)
        try IPVSSysctls.ensure()
        self.iptables = IPTablesApplier(runner: runner)
        self.metrics = metrics
        self.health = health
        self.clock = clock
        self.now = now
        self.logger = logger
        self.state = Mutex(State(inputs: ProxyInputs(nodeName: settings.node.nodeName)))
        let box = IPVSSyncBox()
        self.runner = BoundedFrequencyRunner(
            minInterval: settings.minSyncPeriod, maxInterval: settings.syncPeriod, burst: settings.burstSyncs,
            clock: clock
        ) { await box.sync() }
        box.set { [weak self] in await self?.syncNow() }
    }

    /// Takes one source event; a change queues a sync.
    public func handle(_ event: ServiceSourceEvent) {
        let now = self.now()
        let (kind, synced) = self.state.withLock { state in (state.inputs.handle(event, at: now), state.inputs.isSynced) }
        switch kind {
        case .service?: self.metrics.serviceChangesTotal.increment()
        case .endpoints?: self.metrics.endpointChangesTotal.increment()
        case nil: break
        }
        guard kind != nil, synced else { return }
        self.health.queuedUpdate()
        self.metrics.syncProxyRulesLastQueuedTimestamp.set(now.timeIntervalSince1970)
        self.runner.run()
    }

    /// Runs the sync loop until the task is cancelled.
    public func run() async {
        await self.runner.loop()
    }

    /// What one IPVS sync did.
    public struct Report: Sendable, CustomStringConvertible {
        public var ready: Bool
        public var actions: [IPVSAction]
        public var failures: [String]
        public var duration: Duration

        public var description: String {
            guard self.ready else { return "not ready: the initial Services and EndpointSlices have not arrived" }
            return "ipvs sync: \(self.actions.count) changes in \(self.duration)"
                + (self.failures.isEmpty ? "" : ", FAILED: \(self.failures.joined(separator: "; "))")
        }
    }

    /// One full sync now (the runner calls it; tests and benchmarks may too, while ``run()`` is not running).
    @discardableResult
    public func syncNow() async -> Report {
        let started = self.clock.now
        let snapshot = self.state.withLock { state -> (ProxyInputs.Batch, [ServicePortName: ServicePortInfo], [ServicePortName: [EndpointInfo]], Bool)? in
            guard state.inputs.isSynced else { return nil }
            return (state.inputs.takeChanges(), state.inputs.services, state.inputs.endpoints, state.jumpsChecked)
        }
        guard let (batch, services, endpoints, jumpsChecked) = snapshot else {
            return Report(ready: false, actions: [], failures: [], duration: .zero)
        }
        let desired = self.compiler.compile(services: services, endpoints: endpoints)
        var failures: [String] = []
        var actions: [IPVSAction] = []
        do {
            let current = try self.dataplane.snapshot()
            actions = IPVSPlan.actions(desired: desired, current: current)
            // Sets must exist before iptables rules can name them, so the kernel objects go first.
            failures += self.dataplane.apply(actions).map(\.description)
            var input = desired.iptablesRules
            if !jumpsChecked {
                let missing = try await self.iptables.snapshot().missing(IPVSRules.jumpRules)
                input = IPTablesApplier.insertingJumps(missing, into: input)
            }
            try await self.iptables.restore(input)
        } catch {
            failures.append("\(error)")
        }
        let elapsed = started.duration(to: self.clock.now)
        if failures.isEmpty {
            self.state.withLock { state in
                state.jumpsChecked = true
                state.syncs += 1
            }
            self.metrics.syncProxyRulesDuration.observe(elapsed)
            self.metrics.syncFullProxyRulesDuration.observe(elapsed)
            self.metrics.syncProxyRulesLastTimestamp.set(self.now().timeIntervalSince1970)
            self.health.updated()
            let wall = self.now()
            for (_, time) in batch.changeTimes {
                self.metrics.networkProgrammingDuration.observe(max(0, wall.timeIntervalSince(time)))
            }
        } else {
            self.state.withLock { $0.jumpsChecked = false }
            self.metrics.iptablesRestoreFailures.increment()
            self.logger.error(
                "ipvs sync failed; retrying", metadata: ["errors": "\(failures)", "retryIn": "\(self.settings.syncPeriod)"])
            self.runner.retryAfter(self.settings.syncPeriod)
        }
        let report = Report(ready: true, actions: actions, failures: failures, duration: elapsed)
        self.logger.debug("\(report)")
        return report
    }
}

/// Lets the runner's action reach the proxier, which is created after the runner.
final class IPVSSyncBox: Sendable {
    private let action = Mutex<(@Sendable () async -> Void)?>(nil)

    func set(_ action: @escaping @Sendable () async -> Void) {
        self.action.withLock { $0 = action }
    }

    func sync() async {
        let action = self.action.withLock { $0 }
        await action?()
    }
}
