public import Foundation
public import KubeAPI
public import Logging
import Synchronization

/// What the probes last said about one pod's containers. Each set holds runtime container IDs, so a result about
/// an instance that was since replaced no longer applies.
public struct PodProbeResults: Hashable, Sendable {
    /// Containers whose liveness probe failed.
    public var livenessFailed: Set<String> = []
    /// Containers whose startup probe succeeded.
    public var startupSucceeded: Set<String> = []
    /// Containers whose startup probe failed.
    public var startupFailed: Set<String> = []
    /// Containers whose readiness probe succeeded.
    public var ready: Set<String> = []

    public init() {}
}

/// Runs one worker per probe of every running container (upstream's prober manager) and keeps their results.
///
/// ```swift
/// let manager = ProbeManager(executor: ProbeHandlers(exec: ...), logger: logger) { uid in engine.resync(podUID: uid) }
/// // in a service: await manager.run()
/// manager.update(pods: [ProbedPod(pod: pod, podIP: "10.0.0.5", containers: [...])])
/// let results = manager.results(podUID: pod.metadata.uid)
/// ```
///
/// Workers start when ``update(pods:)`` first names a container probe and stop when it no longer does.
/// `onChange` is called with the pod UID whenever a published result changes.
public final class ProbeManager: Sendable {
    public struct Configuration: Sendable {
        /// Whether first probes wait a random fraction of the period while the agent is young (upstream does).
        public var jitterFirstProbe = true

        public init() {}
    }

    struct Key: Hashable, Sendable {
        var podUID: String
        var container: String
        var kind: ProbeKind
    }

    struct Entry: Sendable {
        var target: ProbeTarget
        var probed: ProbedContainer
        var probe: Probe
        var hasStartupProbe: Bool
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var running: Set<Key> = []
        var results: [Key: (containerID: String, result: ProbeResult)] = [:]
        /// Wakes a sleeping worker early: its container changed, or its startup probe succeeded.
        var wakers: [Key: Wakeup] = [:]
    }

    private let executor: any ProbeExecuting
    private let configuration: Configuration
    private let logger: Logger
    private let onChange: @Sendable (_ podUID: String) -> Void
    private let onProbe: @Sendable (_ kind: ProbeKind, _ target: ProbeTarget, _ outcome: ProbeOutcome, _ seconds: Double) -> Void
    private let state = Mutex(State())
    private let spawn: AsyncStream<Key>
    private let spawnContinuation: AsyncStream<Key>.Continuation
    private let started = Date()

    /// - Parameters:
    ///   - executor: runs the probes.
    ///   - configuration: tuning.
    ///   - logger: probe failures are logged here.
    ///   - onProbe: called after every probe run (metrics).
    ///   - onChange: called with a pod UID when one of its published results changed.
    public init(
        executor: any ProbeExecuting,
        configuration: Configuration = Configuration(),
        logger: Logger,
        onProbe: @escaping @Sendable (ProbeKind, ProbeTarget, ProbeOutcome, Double) -> Void = { _, _, _, _ in },
        onChange: @escaping @Sendable (_ podUID: String) -> Void
    ) {
        self.executor = executor
        self.configuration = configuration
        self.logger = logger
        self.onProbe = onProbe
        self.onChange = onChange
        (self.spawn, self.spawnContinuation) = AsyncStream.makeStream(of: Key.self)
    }

    /// Sets what to probe: every probe of every listed container. Probes of containers no longer listed stop.
    public func update(pods: [ProbedPod]) {
        var entries: [Key: Entry] = [:]
        for probed in pods {
            let pod = probed.pod
            let specs = pod.spec.containers + pod.spec.initContainers
            for container in probed.containers {
                guard let spec = specs.first(where: { $0.name == container.name }) else { continue }
                let target = ProbeTarget(
                    podUID: pod.metadata.uid,
                    podName: pod.metadata.name,
                    namespace: pod.metadata.namespace,
                    podIP: probed.podIP,
                    container: spec,
                    containerID: container.containerID
                )
                for kind in ProbeKind.allCases {
                    guard let probe = kind.probe(of: spec) else { continue }
                    let key = Key(podUID: pod.metadata.uid, container: spec.name, kind: kind)
                    entries[key] = Entry(
                        target: target,
                        probed: container,
                        probe: probe,
                        hasStartupProbe: spec.startupProbe != nil
                    )
                }
            }
        }
        let (spawn, wake) = self.state.withLock { state in
            // Changed containers are probed again at once; removed ones stop without waiting out a period.
            let wake = state.wakers.compactMap { key, waker -> Wakeup? in
                guard let entry = entries[key] else { return waker }
                return state.entries[key]?.probed != entry.probed ? waker : nil
            }
            state.entries = entries
            let new = Set(entries.keys).subtracting(state.running)
            state.running.formUnion(new)
            return (new, wake)
        }
        for key in spawn { self.spawnContinuation.yield(key) }
        for waker in wake { waker.signal() }
    }

    /// The current results of a pod's probes.
    public func results(podUID: String) -> PodProbeResults {
        self.state.withLock { state in
            var results = PodProbeResults()
            for (key, value) in state.results where key.podUID == podUID && !value.containerID.isEmpty {
                switch (key.kind, value.result) {
                case (.liveness, .failure): results.livenessFailed.insert(value.containerID)
                case (.startup, .success): results.startupSucceeded.insert(value.containerID)
                case (.startup, .failure): results.startupFailed.insert(value.containerID)
                case (.readiness, .success): results.ready.insert(value.containerID)
                default: break
                }
            }
            return results
        }
    }

    /// Runs the probe workers until cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await key in self.spawn {
                group.addTask { await self.work(key) }
                if Task.isCancelled { break }
            }
            group.cancelAll()
        }
    }

    /// Stops ``run()`` once its workers end (for tests and shutdown; cancelling works too).
    public func finish() {
        self.spawnContinuation.finish()
    }

    // MARK: - Worker

    /// The worker's entry and whether a startup probe still holds it; `nil` (and the worker deregistered) when
    /// the probe is gone.
    private func lookup(_ key: Key) -> (Entry, startupPending: Bool)? {
        self.state.withLock { state in
            guard let entry = state.entries[key] else {
                state.running.remove(key)
                state.results[key] = nil
                state.wakers.removeValue(forKey: key)
                return nil
            }
            var pending = false
            if entry.hasStartupProbe && key.kind != .startup {
                let startup = state.results[Key(podUID: key.podUID, container: key.container, kind: .startup)]
                pending = !(startup?.result == .success && startup?.containerID == entry.probed.containerID)
            }
            return (entry, pending)
        }
    }

    private func publish(_ key: Key, _ worker: ProbeWorkerState) {
        let wake = self.state.withLock { state -> [Wakeup] in
            state.results[key] = (worker.containerID, worker.result)
            guard key.kind == .startup, worker.result == .success else { return [] }
            return [ProbeKind.liveness, .readiness].compactMap {
                state.wakers[Key(podUID: key.podUID, container: key.container, kind: $0)]
            }
        }
        for waker in wake { waker.signal() }
        self.onChange(key.podUID)
    }

    private func work(_ key: Key) async {
        var worker = ProbeWorkerState(kind: key.kind)
        let wake = Wakeup()
        self.state.withLock { $0.wakers[key] = wake }
        guard let (first, _) = self.lookup(key) else { return }
        let firstTiming = ProbeTiming(first.probe, kind: key.kind)
        let delay =
            self.configuration.jitterFirstProbe
            ? ProbeSchedule.firstTick(timing: firstTiming, agentStarted: self.started, now: Date()) : .zero
        do { try await Task.sleep(for: delay) } catch { return }
        while !Task.isCancelled {
            guard let (entry, startupPending) = self.lookup(key) else { return }
            let timing = ProbeTiming(entry.probe, kind: key.kind)
            let (action, changed) = worker.observe(
                entry.probed,
                timing: timing,
                startupPending: startupPending,
                now: Date()
            )
            if changed { self.publish(key, worker) }
            if action == .probe {
                let begin = ContinuousClock.now
                let outcome = await self.executor.run(entry.probe, kind: key.kind, target: entry.target, timeout: timing.timeout)
                let took = begin.duration(to: .now)
                self.onProbe(key.kind, entry.target, outcome, Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
                if outcome.result != .success {
                    self.logger.info(
                        "\(key.kind.rawValue) probe \(outcome.result.rawValue)",
                        metadata: [
                            "pod": "\(entry.target.namespace)/\(entry.target.podName)", "container": "\(key.container)",
                            "output": "\(outcome.message)",
                        ]
                    )
                }
                if worker.containerID == entry.probed.containerID, worker.record(outcome.result, timing: timing) {
                    self.publish(key, worker)
                }
            }
            let pause = ProbeSchedule.nextTick(after: action, timing: timing, now: Date())
            // Until the next tick, or sooner when the container changed or the startup probe succeeded.
            await wake.wait(timeout: pause)
        }
    }
}
