import CRIClient
public import KubeAPI

/// The engine's bookkeeping, apart from any I/O: which pods are desired, which run, which worker is due.
/// Every method is a pure transition; the continuations it returns are yielded by the caller outside the lock.
struct EngineState {
    typealias Signal = AsyncStream<Void>.Continuation

    struct Record {
        /// The spec, or `nil` for a pod found in the runtime that no source knows (an orphan).
        var pod: Pod?
        var desired: Bool
        var status: PodStatus?
        var retryAt: ContinuousClock.Instant?
        var worker: Signal?
        /// When a source first asked for the pod; cleared once its start was measured.
        var firstSeen: ContinuousClock.Instant?
        /// Stopped and removed, but a source still lists it (an API pod waiting for its deletion): nothing to do
        /// until the source drops it.
        var finished = false
    }

    enum Step {
        case wait
        case sync(Pod, RuntimePod?, PodStatus?)
        case terminate(Pod, RuntimePod?, PodStatus?)
        case removeOrphan(RuntimePod)
    }

    let expectedSources: Set<String>
    var seenSources: Set<String> = []
    var bySource: [String: [String: Pod]] = [:]
    var records: [String: Record] = [:]
    var runtime: [String: RuntimePod] = [:]
    /// When a worker last wrote a pod's runtime view (after a sync or removal): a relist that started before
    /// that must not overwrite it with what it saw earlier.
    var touched: [String: ContinuousClock.Instant] = [:]
    /// The previous relist as it was listed: the PLEG's baseline. Events compare relist with relist (as
    /// upstream's PLEG does), never with a worker's read-back, so a container that started and died between two
    /// relists is still reported as died.
    var lastRelisted: [String: RuntimePod] = [:]
    var lastRelist: ContinuousClock.Instant?
    var lastHousekeeping: ContinuousClock.Instant?

    init(sources: Set<String>) {
        self.expectedSources = sources
    }

    /// Every expected source has reported once: only then may pods unknown to all of them be removed.
    var sourcesReady: Bool { self.expectedSources.isSubset(of: self.seenSources) }

    mutating func apply(
        source: String,
        pods: [Pod],
        now: ContinuousClock.Instant? = nil
    ) -> (signal: [Signal], spawn: [String]) {
        var snapshot: [String: Pod] = [:]
        for pod in pods {
            let uid = pod.metadata.uid
            guard !uid.isEmpty else { continue }
            snapshot[uid] = pod
        }
        self.bySource[source] = snapshot
        self.seenSources.insert(source)

        var desired: [String: Pod] = [:]
        for (_, pods) in self.bySource.sorted(by: { $0.key < $1.key }) {
            for (uid, pod) in pods where desired[uid] == nil { desired[uid] = pod }
        }
        var signal: [Signal] = []
        var spawn: [String] = []
        for (uid, pod) in desired.sorted(by: { $0.key < $1.key }) {
            // A pod the API server is deleting (deletionTimestamp set) stays known, with its deletion grace, but
            // is no longer desired: its worker stops it.
            let wanted = pod.metadata.deletionTimestamp == nil
            if var record = self.records[uid] {
                let changed = record.pod != pod || record.desired != wanted
                record.pod = pod
                record.desired = wanted
                self.records[uid] = record
                if changed, let worker = record.worker { signal.append(worker) }
            } else {
                self.records[uid] = Record(pod: pod, desired: wanted, firstSeen: wanted ? now : nil)
                spawn.append(uid)
            }
        }
        for (uid, record) in self.records where desired[uid] == nil {
            if record.finished {
                self.records[uid] = nil
                record.worker?.finish()
            } else if record.desired {
                self.records[uid]?.desired = false
                if let worker = record.worker { signal.append(worker) }
            }
        }
        spawn += self.adoptOrphans()
        return (signal, spawn)
    }

    /// Signals the workers of `uids` (runtime changes); pods nobody wants become orphans to remove.
    mutating func signal(uids: Set<String>) -> (signal: [Signal], spawn: [String]) {
        let signal = uids.sorted().compactMap { self.records[$0]?.worker }
        return (signal, self.adoptOrphans())
    }

    mutating func housekeeping(now: ContinuousClock.Instant, resyncAll: Bool) -> (signal: [Signal], spawn: [String]) {
        self.lastHousekeeping = now
        var signal: [Signal] = []
        for (uid, record) in self.records.sorted(by: { $0.key < $1.key }) {
            guard let worker = record.worker else { continue }
            if resyncAll {
                signal.append(worker)
            } else if let due = record.retryAt, due <= now {
                self.records[uid]?.retryAt = nil
                signal.append(worker)
            }
        }
        let spawn = self.records.filter { $0.value.worker == nil }.keys.sorted() + self.adoptOrphans()
        return (signal, Array(Set(spawn)).sorted())
    }

    /// Records for runtime pods no source wants, once the sources are ready.
    private mutating func adoptOrphans() -> [String] {
        guard self.sourcesReady else { return [] }
        var spawn: [String] = []
        for uid in self.runtime.keys.sorted() where self.records[uid] == nil {
            self.records[uid] = Record(pod: nil, desired: false)
            spawn.append(uid)
        }
        return spawn
    }

    /// The worker of `uid` to signal for an out-of-turn sync (a probe result changed).
    func resyncSignal(_ uid: String) -> Signal? {
        self.records[uid]?.worker
    }

    mutating func spawnAll() -> [String] {
        self.records.filter { $0.value.worker == nil }.keys.sorted()
    }

    /// A signal stream for a new worker of `uid`, already signalled once; `nil` if it has one or is gone.
    mutating func startWorker(_ uid: String) -> AsyncStream<Void>? {
        guard self.records[uid] != nil, self.records[uid]?.worker == nil else { return nil }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.records[uid]?.worker = continuation
        continuation.yield()
        return stream
    }

    func nextStep(_ uid: String) -> Step {
        guard let record = self.records[uid], !record.finished else { return .wait }
        switch (record.pod, record.desired) {
        case (let pod?, true):
            // A replaced static pod keeps its name under a new UID: start it once the old one is gone.
            let name = Self.fullName(pod)
            let predecessorRunning = self.records.contains { other in
                other.key != uid && !other.value.desired && !other.value.finished
                    && self.fullName(of: other.key) == name
            }
            return predecessorRunning ? .wait : .sync(pod, self.runtime[uid], record.status)
        case (let pod?, false):
            return .terminate(pod, self.runtime[uid], record.status)
        case (nil, _):
            if let runtimePod = self.runtime[uid] { return .removeOrphan(runtimePod) }
            return .removeOrphan(RuntimePod(uid: uid, name: "", namespace: ""))
        }
    }

    /// Records a sync's outcome. Returns how long the pod took from first sight to running, the first time it
    /// runs (`kubelet_pod_start_duration_seconds`).
    @discardableResult
    mutating func finishSync(_ uid: String, outcome: PodSyncOutcome, now: ContinuousClock.Instant) -> Duration? {
        guard let record = self.records[uid] else { return nil }
        self.records[uid]?.status = outcome.status
        self.records[uid]?.retryAt = outcome.retryAfter.map { now + $0 }
        self.runtime[uid] = outcome.runtimePod
        self.touched[uid] = now
        guard let firstSeen = record.firstSeen, outcome.status.phase == .running else { return nil }
        self.records[uid]?.firstSeen = nil
        return firstSeen.duration(to: now)
    }

    /// Ends a removal. Returns whether the worker is done and the workers to wake (pods waiting on this name).
    /// A removal that left something running (a stop failed or timed out) is retried after `retry`, and the pod
    /// keeps blocking a successor of the same name until it is really gone.
    mutating func finishRemoval(
        _ uid: String,
        left: RuntimePod?,
        now: ContinuousClock.Instant,
        retry: Duration = .seconds(10)
    ) -> (done: Bool, signal: [Signal]) {
        guard let record = self.records[uid] else { return (true, []) }
        let name = self.fullName(of: uid)
        self.runtime[uid] = left
        self.touched[uid] = now
        if record.desired {
            // Wanted again while it was stopping: sync it anew.
            return (false, record.worker.map { [$0] } ?? [])
        }
        if let left, left.isStillRunning {
            self.records[uid]?.retryAt = now + retry
            return (false, [])
        }
        if self.bySource.values.contains(where: { $0[uid] != nil }) {
            // Still listed (the API server deletes it once its final status is in): keep it, idle.
            self.records[uid]?.finished = true
            self.records[uid]?.retryAt = nil
        } else {
            self.records[uid] = nil
            record.worker?.finish()
        }
        let waiting = self.records.keys.filter { $0 != uid && self.fullName(of: $0) == name }
            .compactMap { self.records[$0]?.worker }
        return (self.records[uid] == nil, waiting)
    }

    /// `namespace/name` of a record: from its spec, or for an orphan from what the runtime reports.
    func fullName(of uid: String) -> String? {
        if let pod = self.records[uid]?.pod { return Self.fullName(pod) }
        guard let runtimePod = self.runtime[uid], !runtimePod.name.isEmpty else { return nil }
        return "\(runtimePod.namespace.isEmpty ? "default" : runtimePod.namespace)/\(runtimePod.name)"
    }

    /// Replaces the runtime view with a relist that started at `started`, except for pods a worker wrote after
    /// that (their view is newer). Returns the UIDs whose runtime state changed.
    mutating func applyRelist(_ pods: [String: RuntimePod], started: ContinuousClock.Instant) -> Set<String> {
        var merged = pods
        var baseline = pods
        for (uid, stamp) in self.touched where stamp >= started {
            merged[uid] = self.runtime[uid]
            // The worker's view wins for now, but what this relist saw is not taken as seen: the next relist
            // compares with the older baseline again, so a change that raced with the worker's read-back (a
            // container that died just after it) still becomes an event.
            baseline[uid] = self.lastRelisted[uid]
        }
        self.touched = self.touched.filter { $0.value >= started }
        let events = PodLifecycleEvent.diff(old: self.lastRelisted, new: pods)
        self.lastRelisted = baseline
        self.runtime = merged
        return Set(events.map(\.podUID))
    }

    static func fullName(_ pod: Pod) -> String {
        "\(pod.metadata.namespace.isEmpty ? "default" : pod.metadata.namespace)/\(pod.metadata.name)"
    }
}

extension RuntimePod {
    /// Something of the pod still runs (or may: state unknown).
    var isStillRunning: Bool {
        self.sandboxes.contains { $0.state == .ready }
            || self.containers.contains { $0.state == .running || $0.state == .unknown }
    }
}
