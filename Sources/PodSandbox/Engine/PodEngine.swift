public import AgentCore
import CRIClient
import Foundation
public import KubeAPI
public import Logging
import Synchronization

/// The kubelet's core loop: keeps what the runtime runs in line with the desired pods.
///
/// - Desired pods come from sources (`file`, `http`, `api`), each delivering full snapshots.
/// - One worker per pod serializes that pod's syncs; workers are signalled by source changes, by the relist
///   (PLEG) when the runtime changed under a pod, by back-off expiry and by the periodic resync.
/// - At start the engine relists before any worker runs, so what is already running is adopted (no restart, the
///   restart counts read back from the runtime), and pods the runtime runs but no source wants are removed only
///   once every source has delivered its first snapshot.
/// - Cancelling ``run()`` stops the loops and leaves the pods running, as the kubelet does on SIGTERM.
public final class PodEngine: Sendable {
    public struct Configuration: Sendable {
        /// How often the runtime is relisted (upstream's generic PLEG: 1 s).
        public var relistPeriod: Duration = .seconds(1)
        /// How often every pod is synced even when nothing changed (upstream's `syncFrequency`: 1 min).
        public var resyncPeriod: Duration = .seconds(60)
        /// How often due back-offs, new and orphaned pods are looked for (upstream's housekeeping is 2 s; 1 s here
        /// so that a back-off ends at most a second late).
        public var housekeepingPeriod: Duration = .seconds(1)
        /// How often dead containers and sandboxes are collected (upstream's `ContainerGCPeriod`: 1 min); `nil`
        /// disables the collector.
        public var garbageCollectionPeriod: Duration? = .seconds(60)
        /// The collector's policy.
        public var garbageCollector = ContainerGC()
        /// The sources that must report once before unknown pods are removed.
        public var sources: Set<String>
        /// Told about status changes and finished terminations (the API status manager); `nil` in standalone mode.
        public var observer: (any PodEngineObserver)?

        public init(sources: Set<String>) {
            self.sources = sources
        }
    }

    /// A pod with its latest status, as the status view and `/pods` show it.
    public struct PodView: Sendable {
        public var pod: Pod
        public var terminating: Bool
    }

    private let syncer: any PodSyncing
    private let relister: RuntimeRelister
    private let configuration: Configuration
    private let logger: Logger
    private let metrics: KubeletMetrics?
    private let state: Mutex<EngineState>
    private let spawn: AsyncStream<String>
    private let spawnContinuation: AsyncStream<String>.Continuation
    private let clock = ContinuousClock()
    private let changeBroadcaster = ChangeBroadcaster()

    public init(
        syncer: any PodSyncing,
        relister: RuntimeRelister,
        configuration: Configuration,
        logger: Logger,
        metrics: KubeletMetrics? = nil
    ) {
        self.metrics = metrics
        self.syncer = syncer
        self.relister = relister
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(EngineState(sources: configuration.sources))
        (self.spawn, self.spawnContinuation) = AsyncStream.makeStream(of: String.self)
    }

    // MARK: - Inputs

    /// Replaces everything `source` wants with `pods` (a full snapshot).
    public func update(source: String, pods: [Pod]) {
        let (signal, spawn, desired, restarted) = self.state.withLock { state in
            let before = Set(state.records.keys)
            let (signal, spawn) = state.apply(source: source, pods: pods, now: self.clock.now)
            // A new UID under a name a known pod has: a restart (an edited static pod, a recreated API pod).
            let restarted = spawn.filter { uid in
                guard let name = state.fullName(of: uid) else { return false }
                return before.contains { $0 != uid && state.fullName(of: $0) == name }
            }.map { state.records[$0]?.pod?.metadata.annotations[RuntimeLabels.configSource] ?? "api" }
            return (signal, spawn, state.records.values.filter(\.desired).count, restarted)
        }
        self.metrics?.desiredPods.set(Double(desired), labels: ["true"])
        for source in restarted {
            self.metrics?.restartedPods.increment(labels: [source == "api" ? "false" : "true"])
        }
        for uid in spawn { self.spawnContinuation.yield(uid) }
        for continuation in signal { continuation.yield() }
        self.changeBroadcaster.notify()
    }

    /// Syncs the pod of `podUID` soon (its probe results changed); nothing if the engine has no worker for it.
    public func resync(podUID: String) {
        self.state.withLock { $0.resyncSignal(podUID) }?.yield()
    }

    // MARK: - Outputs

    /// The desired pods with their latest statuses, sorted by namespace and name.
    public func pods() -> [PodView] {
        self.state.withLock { state in
            state.records.values.compactMap { record in
                guard var pod = record.pod else { return nil }
                if let status = record.status { pod.status = status }
                return PodView(pod: pod, terminating: !record.desired)
            }
        }.sorted { ($0.pod.metadata.namespace, $0.pod.metadata.name) < ($1.pod.metadata.namespace, $1.pod.metadata.name) }
    }

    /// The pod of `uid` with its latest status, if the engine knows its spec (one lookup, not a sorted copy of all).
    public func pod(uid: String) -> PodView? {
        self.state.withLock { state in
            guard let record = state.records[uid], var pod = record.pod else { return nil }
            if let status = record.status { pod.status = status }
            return PodView(pod: pod, terminating: !record.desired)
        }
    }

    /// What the runtime ran at the last relist or sync, by pod UID.
    public func runtimePods() -> [String: RuntimePod] {
        self.state.withLock { $0.runtime }
    }

    /// Yields whenever what ``pods()`` or ``runtimePods()`` return may have changed: a source update, a finished
    /// sync or removal, a relist that saw a change. Wake-ups are coalesced and carry nothing: read the state again.
    /// Each call returns a new stream (any number of watchers); it ends when its consumer stops iterating.
    public func changes() -> AsyncStream<Void> {
        self.changeBroadcaster.watch()
    }

    /// When the housekeeping loop and the relist last completed: the health checks' input.
    public func heartbeats() -> (syncLoop: ContinuousClock.Instant?, relist: ContinuousClock.Instant?) {
        self.state.withLock { ($0.lastHousekeeping, $0.lastRelist) }
    }

    // MARK: - Run

    /// Runs the relist, housekeeping and pod workers until cancelled.
    public func run() async {
        // Adoption needs one good look at the runtime before any worker plans: without it a worker would take a
        // running pod for a new one.
        while !(await self.relistOnce()) {
            do {
                try await self.clock.sleep(for: self.configuration.relistPeriod)
            } catch {
                return
            }
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.relistLoop() }
            group.addTask { await self.housekeepingLoop() }
            if let period = self.configuration.garbageCollectionPeriod {
                group.addTask { await self.garbageCollectionLoop(period: period) }
            }
            for uid in self.state.withLock({ $0.spawnAll() }) {
                self.spawnContinuation.yield(uid)
            }
            for await uid in self.spawn {
                guard let stream = self.state.withLock({ $0.startWorker(uid) }) else { continue }
                group.addTask { await self.work(uid: uid, signals: stream) }
            }
            group.cancelAll()
        }
    }

    private func relistLoop() async {
        while !Task.isCancelled {
            do {
                try await self.clock.sleep(for: self.configuration.relistPeriod)
            } catch {
                return
            }
            await self.relistOnce()
        }
        self.spawnContinuation.finish()
    }

    @discardableResult
    private func relistOnce() async -> Bool {
        let started = self.clock.now
        let pods: [String: RuntimePod]
        do {
            pods = try await self.relister.relist()
        } catch {
            self.logger.warning("relist failed", metadata: ["error": "\(error)"])
            return false
        }
        let now = self.clock.now
        let (signal, spawn, previous) = self.state.withLock { state in
            let changed = state.applyRelist(pods, started: started)
            let previous = state.lastRelist
            state.lastRelist = now
            let (signal, spawn) = state.signal(uids: changed)
            return (signal, spawn, previous)
        }
        if let metrics = self.metrics {
            metrics.plegRelistDuration.observe(started.duration(to: now))
            if let previous { metrics.plegRelistInterval.observe(previous.duration(to: now)) }
            metrics.plegLastSeen.set(Date().timeIntervalSince1970)
            Self.recordRunning(pods, metrics: metrics)
        }
        for uid in spawn { self.spawnContinuation.yield(uid) }
        for continuation in signal { continuation.yield() }
        if !signal.isEmpty || !spawn.isEmpty { self.changeBroadcaster.notify() }
        return true
    }

    private func housekeepingLoop() async {
        var lastResync = self.clock.now
        while !Task.isCancelled {
            do {
                try await self.clock.sleep(for: self.configuration.housekeepingPeriod)
            } catch {
                return
            }
            let now = self.clock.now
            let resync = now - lastResync >= self.configuration.resyncPeriod
            if resync { lastResync = now }
            let (signal, spawn) = self.state.withLock { $0.housekeeping(now: now, resyncAll: resync) }
            for uid in spawn { self.spawnContinuation.yield(uid) }
            for continuation in signal { continuation.yield() }
        }
        self.spawnContinuation.finish()
    }

    private func garbageCollectionLoop(period: Duration) async {
        while !Task.isCancelled {
            do {
                try await self.clock.sleep(for: period)
            } catch {
                return
            }
            await self.configuration.garbageCollector.collect(
                self.runtimePods(),
                runtime: self.relister.runtime,
                logger: self.logger
            )
        }
    }

    // MARK: - Pod worker

    private func work(uid: String, signals: AsyncStream<Void>) async {
        for await _ in signals {
            let step = self.state.withLock { $0.nextStep(uid) }
            switch step {
            case .wait:
                continue
            case .sync(let pod, let runtimePod, let status):
                let started = self.clock.now
                let outcome = await self.syncer.sync(pod: pod, runtimePod: runtimePod, previousStatus: status)
                let now = self.clock.now
                let startup = self.state.withLock { $0.finishSync(uid, outcome: outcome, now: now) }
                if let startup { self.metrics?.podStartDuration.observe(startup) }
                let operation = status == nil ? "create" : "sync"
                self.metrics?.podWorkerDuration.observe(started.duration(to: now), labels: [operation])
                if outcome.status != status { self.configuration.observer?.podStatusChanged(pod, status: outcome.status) }
                self.changeBroadcaster.notify()
            case .terminate(let pod, let runtimePod, let status):
                // An API deletion carries its own grace (`kubectl delete --grace-period`); otherwise the spec's.
                let seconds = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30
                let grace = Duration.seconds(max(seconds, 0))
                self.logger.info("stopping pod", metadata: ["pod": "\(pod.metadata.namespace)/\(pod.metadata.name)", "grace": "\(grace)"])
                let termination = await self.syncer.terminate(
                    pod: pod,
                    runtimePod: runtimePod,
                    previousStatus: status,
                    gracePeriod: grace
                )
                let finalStatus = termination.finalStatus ?? status
                let gone = termination.left.map { !$0.isStillRunning } ?? true
                if gone {
                    self.state.withLock { $0.records[uid]?.status = finalStatus }
                    self.configuration.observer?.podTerminated(pod, finalStatus: finalStatus)
                }
                if self.finishRemoval(uid, left: termination.left) { return }
            case .removeOrphan(let runtimePod):
                self.logger.info("removing pod no source wants", metadata: ["pod": "\(runtimePod.namespace)/\(runtimePod.name)", "uid": "\(uid)"])
                let left = await self.syncer.removeOrphan(runtimePod)
                if self.finishRemoval(uid, left: left) { return }
            }
        }
    }

    /// Sets `kubelet_running_pods` and `kubelet_running_containers` from a relist.
    private static func recordRunning(_ pods: [String: RuntimePod], metrics: KubeletMetrics) {
        metrics.runningPods.set(Double(pods.values.filter { $0.latestSandbox?.state == .ready }.count))
        var byState: [String: Int] = ["running": 0, "exited": 0, "created": 0, "unknown": 0]
        for container in pods.values.flatMap(\.containers) {
            switch container.state {
            case .running: byState["running", default: 0] += 1
            case .exited: byState["exited", default: 0] += 1
            case .created: byState["created", default: 0] += 1
            case .unknown: byState["unknown", default: 0] += 1
            }
        }
        for (state, count) in byState { metrics.runningContainers.set(Double(count), labels: [state]) }
    }

    /// Records the end of a removal; `true` when the worker is done. Waiting pods of the same name are woken.
    private func finishRemoval(_ uid: String, left: RuntimePod?) -> Bool {
        let now = self.clock.now
        let (done, signal) = self.state.withLock { $0.finishRemoval(uid, left: left, now: now) }
        for continuation in signal { continuation.yield() }
        self.changeBroadcaster.notify()
        return done
    }
}

/// What the engine tells the API side about pods (the status manager in cluster mode).
///
/// Calls come from pod workers, at most one at a time per pod, and must not block: queue and return.
public protocol PodEngineObserver: Sendable {
    /// A sync produced a status different from the previous one.
    func podStatusChanged(_ pod: Pod, status: PodStatus)
    /// The pod was stopped for good and its containers removed; `finalStatus` is its terminal status.
    func podTerminated(_ pod: Pod, finalStatus: PodStatus?)
}
