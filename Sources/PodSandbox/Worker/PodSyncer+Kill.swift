import CRIClient
import Foundation
import KubeAPI
import Logging

extension PodSyncer {
    /// The grace a container gets when stopped; see ``terminationGracePeriod(pod:container:reason:)``.
    func gracePeriod(pod: Pod, container: Container?, reason: ContainerKill.Reason?) -> Duration {
        Self.terminationGracePeriod(pod: pod, container: container, reason: reason)
    }

    /// The grace a container gets when stopped (upstream's `setTerminationGracePeriod`), first match wins:
    /// 1. the deletion's grace (`metadata.deletionGracePeriodSeconds`), whatever the reason;
    /// 2. for a kill after a failed liveness (startup) probe, that probe's `terminationGracePeriodSeconds`;
    /// 3. the pod's `terminationGracePeriodSeconds`;
    /// 4. 30 s (the API's default for the pod field).
    static func terminationGracePeriod(pod: Pod, container: Container?, reason: ContainerKill.Reason?) -> Duration {
        let probeGrace: Int64? =
            switch reason {
            case .livenessProbe: container?.livenessProbe?.terminationGracePeriodSeconds
            case .startupProbe: container?.startupProbe?.terminationGracePeriodSeconds
            default: nil
            }
        let seconds = pod.metadata.deletionGracePeriodSeconds ?? probeGrace ?? pod.spec.terminationGracePeriodSeconds
        return seconds.map { .seconds(max($0, 0)) } ?? Self.defaultGracePeriod
    }

    /// Stops one container (upstream's `killContainer`): the `Killing` event, the preStop hook within the grace,
    /// then StopContainer with what is left of it (at least 2 s). Returns whether the runtime stopped it.
    func killContainer(
        id: String,
        name: String,
        spec: Container?,
        pod: Pod,
        podIP: String,
        grace: Duration,
        message: String,
        journal: inout SyncJournal
    ) async -> Bool {
        journal.event(.normal, "Killing", message.isEmpty ? "Stopping container \(name)" : message, container: name)
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        await self.runPreStop(id: id, spec: spec, pod: pod, podIP: podIP, grace: grace, journal: &journal)
        return await self.stopContainer(id: id, name: name, timeout: deadline - clock.now, journal: &journal)
    }

    /// Runs the container's preStop hook, if it has one and the grace is not zero; waits at most `grace`.
    func runPreStop(
        id: String,
        spec: Container?,
        pod: Pod,
        podIP: String,
        grace: Duration,
        journal: inout SyncJournal
    ) async {
        guard let spec, let preStop = spec.lifecycle?.preStop, grace > .zero else { return }
        do throws(HookFailure) {
            try await self.hooks.run(
                preStop,
                hook: "PreStop",
                containerID: id,
                container: spec,
                pod: pod,
                podIP: podIP,
                timeout: grace
            )
        } catch {
            self.logger.info(
                "preStop hook failed",
                metadata: ["pod.uid": "\(pod.metadata.uid)", "container.name": "\(spec.name)", "error": "\(error)"]
            )
            // The message is left out of the event: it may hold secrets.
            journal.event(.warning, "FailedPreStopHook", "PreStopHook failed", container: spec.name)
        }
    }

    /// StopContainer with `timeout` rounded down to whole seconds and raised to the 2 s minimum. A container
    /// the runtime no longer knows counts as stopped.
    func stopContainer(id: String, name: String, timeout: Duration, journal: inout SyncJournal) async -> Bool {
        let seconds = max(timeout.components.seconds, Self.minimumGracePeriod.components.seconds)
        do {
            try await self.runtime.stopContainer(id, timeout: .seconds(seconds))
            return true
        } catch let error as CRIError where error.code == .notFound {
            return true
        } catch {
            journal.fail("KillContainer", target: name, reason: "KillContainerError", message: errorMessage(error))
            return false
        }
    }

    /// Stops every running container of the pod, then its sandboxes (upstream's `killPodWithSyncResult`).
    ///
    /// Containers stop in parallel, each after its preStop hook, within the grace. Sidecars run their preStop
    /// hooks at once too but stop only after every other container stopped, in reverse spec order, with what is
    /// left of the grace. Returns whether everything stopped.
    func killPod(pod: Pod, runtimePod: RuntimePod, gracePeriod: Duration?, journal: inout SyncJournal) async -> Bool {
        let running = runtimePod.containers.filter { $0.state == .running || $0.state == .unknown }
        let sidecarOrder = pod.spec.initContainers.filter(\.isSidecar).map(\.name)
        let sidecars = sidecarOrder.reversed().compactMap { name in running.first { $0.metadata.name == name } }
        let sidecarIDs = Set(sidecars.map(\.id))
        let main = running.filter { !sidecarIDs.contains($0.id) }
        let podIP = runtimePod.latestSandbox?.ip ?? ""
        let clock = ContinuousClock()
        let start = clock.now

        @Sendable func spec(_ name: String) -> Container? {
            pod.spec.containers.first { $0.name == name } ?? pod.spec.initContainers.first { $0.name == name }
        }
        @Sendable func grace(_ name: String) -> Duration {
            gracePeriod ?? self.gracePeriod(pod: pod, container: spec(name), reason: nil)
        }

        async let mainResults = self.killInParallel(main, pod: pod, podIP: podIP, spec: spec, grace: grace)
        async let sidecarHooks: [SyncJournal] = withTaskGroup(of: SyncJournal.self) { group in
            for sidecar in sidecars {
                let name = sidecar.metadata.name
                group.addTask {
                    var journal = SyncJournal(podUID: pod.metadata.uid)
                    journal.event(.normal, "Killing", "Stopping container \(name)", container: name)
                    await self.runPreStop(
                        id: sidecar.id,
                        spec: spec(name),
                        pod: pod,
                        podIP: podIP,
                        grace: grace(name),
                        journal: &journal
                    )
                    return journal
                }
            }
            var journals: [SyncJournal] = []
            for await journal in group { journals.append(journal) }
            return journals
        }
        var ok = true
        for (stopped, part) in await mainResults {
            ok = ok && stopped
            journal.merge(part)
        }
        for part in await sidecarHooks { journal.merge(part) }
        for sidecar in sidecars {
            let name = sidecar.metadata.name
            let left = grace(name) - (clock.now - start)
            ok = await self.stopContainer(id: sidecar.id, name: name, timeout: left, journal: &journal) && ok
        }
        for sandbox in runtimePod.sandboxes {
            do {
                try await self.runtime.stopPodSandbox(sandbox.id)
            } catch let error as CRIError where error.code == .notFound {
                continue
            } catch {
                ok = false
                journal.fail(
                    "KillPodSandbox",
                    target: formatPod(pod),
                    reason: "KillPodSandboxError",
                    message: errorMessage(error)
                )
            }
        }
        return ok
    }

    /// Kills containers concurrently; each result carries its own journal.
    private func killInParallel(
        _ containers: [CRIContainerStatus],
        pod: Pod,
        podIP: String,
        spec: @escaping @Sendable (String) -> Container?,
        grace: @escaping @Sendable (String) -> Duration
    ) async -> [(Bool, SyncJournal)] {
        await withTaskGroup(of: (Bool, SyncJournal).self) { group in
            for container in containers {
                let name = container.metadata.name
                group.addTask {
                    var journal = SyncJournal(podUID: pod.metadata.uid)
                    let ok = await self.killContainer(
                        id: container.id,
                        name: name,
                        spec: spec(name),
                        pod: pod,
                        podIP: podIP,
                        grace: grace(name),
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
    }

    /// Removes every instance of the pod's init containers, so a new sandbox runs them all again (upstream's
    /// `purgeInitContainers`).
    func purgeInitContainers(pod: Pod, runtimePod: RuntimePod) async {
        let names = Set(pod.spec.initContainers.map(\.name))
        for container in runtimePod.containers where names.contains(container.metadata.name) {
            do {
                try await self.runtime.removeContainer(container.id)
            } catch {
                self.logger.info(
                    "failed to remove init container",
                    metadata: ["container.id": "\(container.id)", "error": "\(errorMessage(error))"]
                )
            }
        }
    }
}
