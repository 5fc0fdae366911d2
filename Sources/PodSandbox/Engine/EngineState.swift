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
    }

    enum Step {
        case wait
        case sync(Pod, RuntimePod?, PodStatus?)
        case terminate(Pod, RuntimePod?)
        case removeOrphan(RuntimePod)
    }

    let expectedSources: Set<String>
    var seenSources: Set<String> = []
    var bySource: [String: [String: Pod]] = [:]
    var records: [String: Record] = [:]
    var runtime: [String: RuntimePod] = [:]
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
            if var record = self.records[uid] {
                let changed = record.pod != pod || !record.desired
                record.pod = pod
                record.desired = true
                self.records[uid] = record
                if changed, let worker = record.worker { signal.append(worker) }
            } else {
                self.records[uid] = Record(pod: pod, desired: true, firstSeen: now)
                spawn.append(uid)
            }
        }
        for (uid, record) in self.records where record.desired && desired[uid] == nil {
            self.records[uid]?.desired = false
            if let worker = record.worker { signal.append(worker) }
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
        guard let record = self.records[uid] else { return .wait }
        switch (record.pod, record.desired) {
        case (let pod?, true):
            // A replaced static pod keeps its name under a new UID: start it once the old one is gone.
            let name = Self.fullName(pod)
            let predecessorRunning = self.records.contains { other in
                other.key != uid && !other.value.desired && other.value.pod.map(Self.fullName) == name
            }
            return predecessorRunning ? .wait : .sync(pod, self.runtime[uid], record.status)
        case (let pod?, false):
            return .terminate(pod, self.runtime[uid])
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
        guard let firstSeen = record.firstSeen, outcome.status.phase == .running else { return nil }
        self.records[uid]?.firstSeen = nil
        return firstSeen.duration(to: now)
    }

    /// Ends a removal. Returns whether the worker is done and the workers to wake (pods waiting on this name).
    mutating func finishRemoval(_ uid: String, left: RuntimePod?) -> (done: Bool, signal: [Signal]) {
        guard let record = self.records[uid] else { return (true, []) }
        self.runtime[uid] = left
        if record.desired {
            // Wanted again while it was stopping: sync it anew.
            return (false, record.worker.map { [$0] } ?? [])
        }
        self.records[uid] = nil
        record.worker?.finish()
        let name = record.pod.map(Self.fullName)
        let waiting = self.records.values.filter { $0.pod.map(Self.fullName) == name }.compactMap(\.worker)
        return (true, waiting)
    }

    static func fullName(_ pod: Pod) -> String {
        "\(pod.metadata.namespace.isEmpty ? "default" : pod.metadata.namespace)/\(pod.metadata.name)"
    }
}
