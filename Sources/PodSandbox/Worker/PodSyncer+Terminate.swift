import CRIClient
import Foundation
public import KubeAPI
import Logging
import Synchronization

extension PodSyncer {
    /// Stops a pod that is no longer desired within `gracePeriod` and removes it from the node: preStop hooks,
    /// then the containers in parallel (sidecars last, in reverse order) with what is left of the grace, the
    /// sandboxes stopped and removed, the containers removed, the volumes torn down.
    ///
    /// - Parameters:
    ///   - pod: the pod's last known spec.
    ///   - runtimePod: what the runtime ran for it at the last look (read again before acting).
    ///   - previousStatus: the status of the last sync (restart counts, start time), if any.
    ///   - gracePeriod: the grace of the deletion.
    /// - Returns: what is left in the runtime (normally `nil`) and the final status, read after the stop and
    ///   before the removal.
    public func terminate(
        pod: Pod,
        runtimePod: RuntimePod?,
        previousStatus: PodStatus? = nil,
        gracePeriod: Duration
    ) async -> PodTermination {
        let uid = pod.metadata.uid
        var journal = SyncJournal(podUID: uid)
        let current = await self.readPod(uid: uid, journal: &journal) ?? runtimePod
        var finalStatus: PodStatus?
        if let current {
            _ = await self.killPod(pod: pod, runtimePod: current, gracePeriod: gracePeriod, journal: &journal)
            let stopped = await self.readPod(uid: uid, journal: &journal) ?? current
            if stopped.containers.contains(where: { $0.state == .running || $0.state == .unknown }) {
                // A stop failed: keep the sandbox and the volumes (a live container may still use them); the
                // engine retries the removal.
                for event in journal.events { self.eventSink(event) }
                self.logErrors(journal, uid: uid)
                return PodTermination(left: stopped, finalStatus: nil)
            }
            finalStatus = self.statusBuilder.build(
                pod: pod,
                runtimePod: stopped,
                waitingReasons: [:],
                probes: .empty,
                previous: previousStatus,
                now: self.now(),
                podIsTerminal: true,
                terminationMessages: TerminationMessages.collect(stopped)
            )
            await self.remove(stopped, journal: &journal)
        }
        do throws(ContainerConfigError) {
            try self.tearDownVolumes(try VolumePlan.make(pod: pod, context: self.context), journal: &journal)
        } catch {
            self.tearDownVolumes(self.emptyPlan(uid: uid), journal: &journal)
        }
        self.forget(pod: pod)
        for event in journal.events { self.eventSink(event) }
        self.logErrors(journal, uid: uid)
        return PodTermination(left: await self.readPod(uid: uid, journal: &journal), finalStatus: finalStatus)
    }

    /// Stops and removes a pod the runtime runs but whose spec is unknown (removed while the agent was down).
    /// The grace comes from the containers' `io.kubernetes.pod.deletionGracePeriod` or
    /// `io.kubernetes.pod.terminationGracePeriod` annotation (30 s without), the preStop hook from
    /// `io.kubernetes.container.preStopHandler`.
    ///
    /// - Parameter runtimePod: what the runtime runs for the pod.
    /// - Returns: what is left in the runtime, normally `nil`.
    public func removeOrphan(_ runtimePod: RuntimePod) async -> RuntimePod? {
        let uid = runtimePod.uid
        let pod = Pod(metadata: ObjectMeta(name: runtimePod.name, namespace: runtimePod.namespace, uid: uid))
        var journal = SyncJournal(podUID: uid)
        let current = await self.readPod(uid: uid, journal: &journal) ?? runtimePod
        let running = current.containers.filter { $0.state == .running || $0.state == .unknown }
        let podIP = current.latestSandbox?.ip ?? ""
        let results = await withTaskGroup(of: (Bool, SyncJournal).self) { group in
            for container in running {
                group.addTask {
                    let (spec, grace) = Self.restoreSpec(container)
                    var journal = SyncJournal(podUID: uid)
                    let ok = await self.killContainer(
                        id: container.id,
                        name: container.metadata.name,
                        spec: spec,
                        pod: pod,
                        podIP: podIP,
                        grace: grace,
                        message: "",
                        journal: &journal
                    )
                    return (ok, journal)
                }
            }
            var results: [(Bool, SyncJournal)] = []
            for await result in group { results.append(result) }
            return results
        }
        for (_, part) in results { journal.merge(part) }
        if results.contains(where: { !$0.0 }) {
            // A stop failed: keep the sandbox and the volumes; the engine retries.
            for event in journal.events { self.eventSink(event) }
            self.logErrors(journal, uid: uid)
            return await self.readPod(uid: uid, journal: &journal) ?? current
        }
        for sandbox in current.sandboxes {
            do {
                try await self.runtime.stopPodSandbox(sandbox.id)
            } catch {
                journal.fail("KillPodSandbox", target: uid, reason: "KillPodSandboxError", message: errorMessage(error))
            }
        }
        await self.remove(current, journal: &journal)
        self.tearDownVolumes(self.emptyPlan(uid: uid), journal: &journal)
        self.forget(pod: pod)
        for event in journal.events { self.eventSink(event) }
        self.logErrors(journal, uid: uid)
        return await self.readPod(uid: uid, journal: &journal)
    }

    /// What upstream's `restoreSpecsFromContainerLabels` recovers from a container's annotations: its preStop
    /// hook and the pod's grace period.
    static func restoreSpec(_ container: CRIContainerStatus) -> (Container, Duration) {
        var spec = Container(name: container.metadata.name)
        if let json = container.annotations[RuntimeLabels.preStopHandler],
            let handler = try? KubeJSON.decoder().decode(LifecycleHandler.self, from: Data(json.utf8))
        {
            spec.lifecycle = Lifecycle(preStop: handler)
        }
        if let text = container.annotations[RuntimeLabels.containerPorts],
            let ports = try? KubeJSON.decoder().decode([ContainerPort].self, from: Data(text.utf8))
        {
            spec.ports = ports
        }
        let seconds =
            container.annotations[RuntimeLabels.podDeletionGracePeriod].flatMap { Int64($0) }
            ?? container.annotations[RuntimeLabels.podTerminationGracePeriod].flatMap { Int64($0) }
        return (spec, seconds.map { .seconds(max($0, 0)) } ?? Self.defaultGracePeriod)
    }

    /// Removes the pod's containers and sandboxes from the runtime.
    private func remove(_ runtimePod: RuntimePod, journal: inout SyncJournal) async {
        for container in runtimePod.containers {
            do {
                try await self.runtime.removeContainer(container.id)
            } catch let error as CRIError where error.code == .notFound {
                continue
            } catch {
                journal.fail(
                    "RemoveContainer",
                    target: container.metadata.name,
                    reason: "RemoveContainerError",
                    message: errorMessage(error)
                )
            }
        }
        for sandbox in runtimePod.sandboxes {
            do {
                try await self.runtime.removePodSandbox(sandbox.id)
            } catch {
                journal.fail(
                    "RemovePodSandbox",
                    target: runtimePod.uid,
                    reason: "RemovePodSandboxError",
                    message: errorMessage(error)
                )
            }
        }
    }

    private func emptyPlan(uid: String) -> VolumePlan {
        VolumePlan(podUID: uid, podDirectory: self.context.podDirectory(uid: uid), volumes: [])
    }

    private func tearDownVolumes(_ plan: VolumePlan, journal: inout SyncJournal) {
        do throws(VolumeSetupError) {
            try self.volumes.tearDown(plan)
        } catch {
            journal.fail("TeardownVolumes", target: plan.podUID, reason: "FailedUnmount", message: error.message)
        }
    }

    /// Drops what the syncer remembers about a pod that is gone.
    private func forget(pod: Pod) {
        _ = self.waitingReasons.withLock { $0.removeValue(forKey: pod.metadata.uid) }
        self.restartBackOff.collectGarbage(now: self.now())
        self.imageBackOff.reset(keysWithPrefix: pod.metadata.uid + "_")
    }

    private func logErrors(_ journal: SyncJournal, uid: String) {
        for error in journal.errors {
            self.logger.info("pod termination step failed", metadata: ["pod.uid": "\(uid)", "error": "\(error)"])
        }
    }

    /// Reads the pod from the runtime right now: its sandboxes and containers by the pod-UID label, with full
    /// statuses. `nil` when the runtime has nothing of it, or when the runtime cannot be read (recorded).
    func readPod(uid: String, journal: inout SyncJournal) async -> RuntimePod? {
        let selector = [RuntimeLabels.podUID: uid]
        do {
            async let sandboxList = self.runtime.listPodSandboxes(PodSandboxFilter(labelSelector: selector))
            async let containerList = self.runtime.listContainers(ContainerFilter(labelSelector: selector))
            let (sandboxSummaries, containerSummaries) = try await (sandboxList, containerList)
            // Status calls run concurrently; an object removed since the list is skipped.
            let runtime = self.runtime
            let sandboxes = try await withThrowingTaskGroup(of: PodSandboxStatus?.self) { group in
                for summary in sandboxSummaries {
                    group.addTask { try await Self.ignoringNotFound { try await runtime.podSandboxStatus(summary.id) } }
                }
                return try await group.reduce(into: [PodSandboxStatus]()) { if let status = $1 { $0.append(status) } }
            }
            let containers = try await withThrowingTaskGroup(of: CRIContainerStatus?.self) { group in
                for summary in containerSummaries {
                    group.addTask { try await Self.ignoringNotFound { try await runtime.containerStatus(summary.id) } }
                }
                return try await group.reduce(into: [CRIContainerStatus]()) { if let status = $1 { $0.append(status) } }
            }
            if sandboxes.isEmpty && containers.isEmpty { return nil }
            let name = sandboxes.first?.metadata.name ?? containers.first?.labels[RuntimeLabels.podName] ?? ""
            let namespace =
                sandboxes.first?.metadata.namespace ?? containers.first?.labels[RuntimeLabels.podNamespace] ?? ""
            return RuntimePod(uid: uid, name: name, namespace: namespace, sandboxes: sandboxes, containers: containers)
        } catch {
            journal.fail("ReadPod", target: uid, reason: "RuntimeError", message: errorMessage(error))
            return nil
        }
    }

    /// The value, or `nil` when the runtime says the object is gone.
    static func ignoringNotFound<Value: Sendable>(
        _ body: @Sendable () async throws -> Value
    ) async throws -> Value? {
        do {
            return try await body()
        } catch let error as CRIError where error.code == .notFound {
            return nil
        }
    }

    /// Like ``readPod(uid:journal:)``, but falls back to what was known when the runtime cannot be read.
    func readPod(uid: String, fallback: RuntimePod?, journal: inout SyncJournal) async -> RuntimePod? {
        let errors = journal.errors.count
        let current = await self.readPod(uid: uid, journal: &journal)
        return journal.errors.count > errors ? fallback : current
    }
}

extension PodSyncer: PodSyncing {
    /// Upstream's `backOffPeriod` for a pod whose sync failed.
    static let syncErrorRetry: Duration = .seconds(10)

    /// ``PodSyncing`` entry: syncs with the probe results of the pod from the probe results provider.
    public func sync(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?) async -> PodSyncOutcome {
        let result = await self.sync(
            pod: pod,
            runtimePod: runtimePod,
            probes: self.probeResults(pod.metadata.uid),
            previousStatus: previousStatus
        )
        // A step that failed (sandbox, mount, create) is retried after upstream's pod sync back-off (10 s) even
        // when nothing in the runtime changes to wake the pod.
        var retryAfter = result.retryAfter
        if !result.errors.isEmpty { retryAfter = min(retryAfter ?? Self.syncErrorRetry, Self.syncErrorRetry) }
        return PodSyncOutcome(runtimePod: result.runtimePod, status: result.status, retryAfter: retryAfter)
    }
}
