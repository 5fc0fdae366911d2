import Foundation
public import KubeAPI
public import Logging
public import PodSandbox
public import ServiceLifecycle
import Synchronization

/// Writes pod statuses to the API server, as upstream's status manager: only on change, coalesced per pod (a
/// burst of changes sends the latest), as a patch of `pods/<name>/status` computed against the server's status
/// with the pod's UID as precondition; a static pod's status goes to its mirror pod. A pod the API deleted gets
/// its final status, then is deleted with grace 0. Every `reconcilePeriod` the engine's statuses are compared
/// with the server's again, so status converges after the API server was unreachable.
public final class PodStatusManager: PodEngineObserver, ServiceLifecycle.Service {
    struct Entry: Sendable {
        var pod: Pod
        var status: PodStatus
        var final: Bool
    }

    private let api: any ClusterAPI
    private let cache: APIPodCache
    private let localPods: @Sendable () -> [PodEngine.PodView]
    private let logger: Logger
    private let reconcilePeriod: Duration
    private let pending = Mutex<[String: Entry]>([:])
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let metrics: (@Sendable (Duration) -> Void)?

    /// - Parameters:
    ///   - api: the API server.
    ///   - cache: the API pod source's view of the node's pods.
    ///   - localPods: the engine's pods with their current statuses (`PodEngine.pods`).
    ///   - reconcilePeriod: how often statuses are compared in full (upstream's `syncPeriod`: 10 s).
    ///   - observeSyncDuration: records `kubelet_pod_status_sync_duration_seconds`.
    public init(
        api: any ClusterAPI,
        cache: APIPodCache,
        localPods: @escaping @Sendable () -> [PodEngine.PodView],
        reconcilePeriod: Duration = .seconds(10),
        observeSyncDuration: (@Sendable (Duration) -> Void)? = nil,
        logger: Logger
    ) {
        self.api = api
        self.cache = cache
        self.localPods = localPods
        self.reconcilePeriod = reconcilePeriod
        self.metrics = observeSyncDuration
        self.logger = logger
        (self.wake, self.wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: - PodEngineObserver

    public func podStatusChanged(_ pod: Pod, status: PodStatus) {
        self.enqueue(Entry(pod: pod, status: status, final: false))
    }

    public func podTerminated(_ pod: Pod, finalStatus: PodStatus?) {
        let status = finalStatus ?? self.cache.pod(uid: pod.metadata.uid)?.status ?? PodStatus()
        self.enqueue(Entry(pod: pod, status: status, final: true))
    }

    /// Asks for a comparison of every pod soon (the API pod source saw a change).
    public func nudge() {
        self.wakeContinuation.yield()
    }

    private func enqueue(_ entry: Entry) {
        self.pending.withLock { pending in
            // A final entry is never replaced by a later ordinary one.
            if pending[entry.pod.metadata.uid]?.final == true && !entry.final { return }
            pending[entry.pod.metadata.uid] = entry
        }
        self.wakeContinuation.yield()
    }

    // MARK: - Run

    public func run() async throws {
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: self.reconcilePeriod)
                        self.queueDifferences()
                        self.wakeContinuation.yield()
                    }
                }
                for await _ in self.wake {
                    await self.flush()
                }
                group.cancelAll()
            }
        }
    }

    /// Queues every local pod whose status differs from the server's.
    func queueDifferences() {
        for view in self.localPods() {
            guard let status = view.pod.status else { continue }
            guard let target = self.target(for: view.pod) else { continue }
            let merged = PodStatusMerge.merge(local: status, server: target.status)
            if Self.patch(server: target.status, new: merged) != nil {
                self.enqueue(Entry(pod: view.pod, status: status, final: false))
            } else if view.terminating, view.pod.configSource == "api", target.metadata.deletionTimestamp != nil,
                self.pending.withLock({ $0[view.pod.metadata.uid] == nil })
            {
                // Terminated while the server was away: the final delete is still owed.
                self.enqueue(Entry(pod: view.pod, status: status, final: true))
            }
        }
    }

    /// Sends every pending entry once; failures stay pending for the next round.
    func flush() async {
        let entries = self.pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
        for (uid, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let started = ContinuousClock.now
            do {
                try await self.send(entry)
                self.metrics?(started.duration(to: .now))
            } catch is CancellationError {
                return
            } catch where error.isNotFound {
                continue
            } catch {
                self.logger.warning(
                    "pod status update failed",
                    metadata: ["pod": "\(entry.pod.metadata.namespace)/\(entry.pod.metadata.name)", "error": "\(error)"]
                )
                self.pending.withLock { pending in
                    if pending[uid] == nil { pending[uid] = entry }
                }
            }
        }
    }

    /// The API object that carries `pod`'s status: the pod itself, or a static pod's mirror.
    func target(for pod: Pod) -> Pod? {
        if pod.configSource == "api" { return self.cache.pod(uid: pod.metadata.uid) }
        return self.cache.mirror(namespace: pod.metadata.namespace, name: pod.metadata.name)
    }

    private func send(_ entry: Entry) async throws {
        guard let target = self.target(for: entry.pod) else {
            // No API object (yet): a static pod's mirror is on its way, an API pod is gone.
            if entry.pod.configSource != "api" && !entry.final { throw ClusterAPIError.conflict("mirror pod not created yet") }
            return
        }
        let merged = PodStatusMerge.merge(local: entry.status, server: target.status)
        if let diff = Self.patch(server: target.status, new: merged) {
            let body: JSONValue = .object(["metadata": .object(["uid": .string(target.metadata.uid)]), "status": diff])
            let updated = try await self.api.patchPodStatus(
                namespace: target.metadata.namespace,
                name: target.metadata.name,
                patch: body
            )
            self.cache.apply(.upsert(updated))
        }
        if entry.final, entry.pod.configSource == "api", target.metadata.deletionTimestamp != nil {
            try await self.api.deletePod(
                namespace: target.metadata.namespace,
                name: target.metadata.name,
                uid: target.metadata.uid,
                gracePeriodSeconds: 0
            )
            self.logger.info("pod deleted after termination", metadata: ["pod": "\(target.metadata.namespace)/\(target.metadata.name)"])
        }
    }

    /// The merge patch from the server's status to `new`, or `nil` when they agree.
    static func patch(server: PodStatus?, new: PodStatus) -> JSONValue? {
        guard let newJSON = try? MergePatch.json(new) else { return nil }
        let oldJSON = server.flatMap { try? MergePatch.json($0) } ?? .object([:])
        return MergePatch.diff(old: oldJSON, new: newJSON)
    }
}
