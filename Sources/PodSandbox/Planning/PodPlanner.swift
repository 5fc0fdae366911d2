import CRIClient
public import Foundation
public import KubeAPI

/// Decides what one sync does (upstream's `computePodActions` with `computeInitContainerActions`): a pure
/// function of the desired pod, what the runtime reports for it, the restart back-off and the probe results.
///
/// ```swift
/// let planner = PodPlanner(containerHash: ContainerHash.hash)
/// let actions = planner.computeActions(pod: pod, runtimePod: runtimePod, backOff: store.snapshot,
///                                      probes: .empty, now: Date())
/// ```
public struct PodPlanner: Sendable {
    /// The spec hash of a container, compared with the `io.kubernetes.container.hash` annotation of its running
    /// instance and part of the back-off key.
    public var containerHash: @Sendable (Container) -> String

    /// - Parameter containerHash: the spec hash the container config builder writes on containers.
    public init(containerHash: @escaping @Sendable (Container) -> String) {
        self.containerHash = containerHash
    }

    /// Computes the actions of one sync.
    ///
    /// - Parameters:
    ///   - pod: the desired pod.
    ///   - runtimePod: what the runtime runs for it, or `nil` if nothing.
    ///   - backOff: the container restart back-off state.
    ///   - probes: the probe results of the pod's containers.
    ///   - now: the current time.
    /// - Returns: the actions; ``PodActions/isNothingToDo`` when the runtime already matches.
    public func computeActions(
        pod: Pod,
        runtimePod: RuntimePod?,
        backOff: CrashLoopBackOff,
        probes: ProbeSnapshot,
        now: Date
    ) -> PodActions {
        let context = Context(
            planner: self,
            pod: pod,
            runtime: runtimePod
                ?? RuntimePod(uid: pod.metadata.uid, name: pod.metadata.name, namespace: pod.metadata.namespace),
            backOff: backOff,
            probes: probes,
            now: now
        )
        return context.compute()
    }
}

extension PodPlanner {
    /// Upstream's `PodSandboxChanged`: whether the pod needs a new sandbox (none, none ready, several ready, the
    /// network namespace changed, no IP), the attempt to create it with, and the current sandbox's ID.
    ///
    /// - Parameters:
    ///   - pod: the desired pod.
    ///   - runtime: what the runtime runs for it.
    /// - Returns: whether to create a sandbox, its attempt, and the current sandbox (to use or to replace).
    public static func sandboxChange(
        pod: Pod,
        runtime: RuntimePod
    ) -> (create: Bool, attempt: UInt32, sandboxID: String?) {
        guard let latest = runtime.latestSandbox else { return (true, 0, nil) }
        let maxAttempt = runtime.maxSandboxAttempt
        let readyCount = runtime.sandboxes.filter { $0.state == .ready }.count
        if readyCount > 1 || latest.state != .ready { return (true, maxAttempt + 1, latest.id) }
        let hostNetwork = pod.spec.hostNetwork == true
        if let network = latest.namespaceOptions?.network, network != (hostNetwork ? .node : .pod) {
            return (true, maxAttempt + 1, nil)
        }
        if !hostNetwork && latest.ip.isEmpty { return (true, maxAttempt + 1, latest.id) }
        return (false, maxAttempt, latest.id)
    }

    /// One computation: the inputs and the helpers that read them.
    struct Context {
        let planner: PodPlanner
        let pod: Pod
        let runtime: RuntimePod
        let backOff: CrashLoopBackOff
        let probes: ProbeSnapshot
        let now: Date

        var spec: PodSpec { self.pod.spec }
        var restartPolicy: RestartPolicy { self.spec.restartPolicy ?? .always }
        /// Upstream's `shouldRestartOnFailure`: anything but Never.
        var restartOnFailure: Bool { self.restartPolicy != .never }

        func compute() -> PodActions {
            let terminal = self.pod.status?.phase == .succeeded || self.pod.status?.phase == .failed
            if self.pod.metadata.deletionTimestamp != nil || terminal {
                // A deleted or finished pod is never started again; whatever still runs is stopped.
                return PodActions(
                    killPod: self.runtime.hasAnythingAlive,
                    sandboxID: self.runtime.latestSandbox?.id,
                    attempt: self.runtime.maxSandboxAttempt
                )
            }
            let change = self.sandboxChange()
            var actions = PodActions(
                killPod: change.create,
                createSandbox: change.create,
                sandboxID: change.sandboxID,
                attempt: change.attempt
            )
            if change.create {
                self.planNewSandbox(&actions)
                return actions
            }
            let initialized = self.planInitContainers(&actions)
            if actions.killPod || !initialized { return actions }
            self.planContainers(&actions)
            return actions
        }

        func sandboxChange() -> (create: Bool, attempt: UInt32, sandboxID: String?) {
            PodPlanner.sandboxChange(pod: self.pod, runtime: self.runtime)
        }

        /// The sandbox is (re)created: everything starts from the beginning.
        func planNewSandbox(_ actions: inout PodActions) {
            if !self.restartOnFailure && actions.attempt != 0 && !self.runtime.containers.isEmpty {
                // restartPolicy Never: a pod that already ran is not run again in a new sandbox.
                actions.createSandbox = false
                actions.killPod = self.runtime.hasAnythingAlive
                return
            }
            let toStart = self.spec.containers.indices.filter { index in
                !(self.restartPolicy == .onFailure && self.succeeded(self.spec.containers[index]))
            }
            if toStart.isEmpty && self.hasAnyRegularContainerCreated() {
                actions.createSandbox = false
                actions.killPod = self.runtime.hasAnythingAlive
                return
            }
            if !self.spec.initContainers.isEmpty {
                actions.initContainersToStart = [self.start(initContainerAt: 0)]
                return
            }
            actions.containersToStart = toStart.map { self.start(containerAt: $0) }
        }

        /// The app containers, once initialization is done.
        func planContainers(_ actions: inout PodActions) {
            var keepCount = 0
            for (index, container) in self.spec.containers.enumerated() {
                let newest = self.runtime.newest(container.name)
                guard let newest, newest.state == .running else {
                    if self.shouldRestart(container, newest: newest) {
                        actions.containersToStart.append(self.start(containerAt: index))
                        if let newest, newest.state == .unknown {
                            actions.containersToKill.append(self.unknownKill(newest, name: container.name))
                        }
                    }
                    continue
                }
                var restart = self.restartOnFailure
                let reason: ContainerKill.Reason
                var message: String
                if self.specChanged(container, newest) {
                    reason = .specChanged
                    message = "Container \(container.name) definition changed"
                    restart = true
                } else if self.probes.livenessFailed.matches(container.name, newest.id) {
                    reason = .livenessProbe
                    message = "Container \(container.name) failed liveness probe"
                } else if self.probes.startupFailed.matches(container.name, newest.id) {
                    reason = .startupProbe
                    message = "Container \(container.name) failed startup probe"
                } else {
                    keepCount += 1
                    continue
                }
                if restart {
                    message += ", will be restarted"
                    actions.containersToStart.append(self.start(containerAt: index))
                }
                actions.containersToKill.append(
                    ContainerKill(containerID: newest.id, name: container.name, reason: reason, message: message)
                )
            }
            if keepCount == 0 && actions.containersToStart.isEmpty {
                // Nothing runs and nothing will: stop the pod (its sidecars too, which must not keep it alive).
                actions.killPod = self.runtime.hasAnythingAlive
                actions.initContainersToStart = []
            }
        }

        /// Upstream's `ShouldContainerBeRestarted` for a container that is not running.
        func shouldRestart(_ container: Container, newest: CRIContainerStatus?) -> Bool {
            guard let newest else { return true }
            switch newest.state {
            case .running: return false
            case .unknown, .created: return true
            case .exited:
                switch self.restartPolicy {
                case .never: return false
                case .onFailure: return newest.exitCode != 0
                default: return true
                }
            }
        }

        /// The newest instance exited with 0.
        func succeeded(_ container: Container) -> Bool {
            guard let newest = self.runtime.newest(container.name) else { return false }
            return newest.state == .exited && newest.exitCode == 0
        }

        /// Some app container exists in any state but unknown: initialization finished before.
        func hasAnyRegularContainerCreated() -> Bool {
            self.spec.containers.contains { container in
                guard let newest = self.runtime.newest(container.name) else { return false }
                return newest.state != .unknown
            }
        }

        func specChanged(_ container: Container, _ status: CRIContainerStatus) -> Bool {
            status.annotations[RuntimeLabels.containerHash] != self.planner.containerHash(container)
        }

        func unknownKill(_ status: CRIContainerStatus, name: String, initContainer: Bool = false) -> ContainerKill {
            let what = initContainer ? "Init container" : "Container"
            return ContainerKill(
                containerID: status.id,
                name: name,
                reason: .unknownState,
                message: "\(what) is in \"unknown\" state, try killing it before restart"
            )
        }

        func start(containerAt index: Int) -> ContainerStart {
            self.start(self.spec.containers[index], kind: .container, index: index)
        }

        func start(initContainerAt index: Int) -> ContainerStart {
            let container = self.spec.initContainers[index]
            return self.start(container, kind: container.isSidecar ? .sidecar : .initContainer, index: index)
        }

        /// A start, held back when the container's restart back-off is not over (upstream's `doBackOff`).
        func start(_ container: Container, kind: ContainerStart.Kind, index: Int) -> ContainerStart {
            var start = ContainerStart(name: container.name, kind: kind, index: index)
            guard let exited = self.runtime.newestExited(container.name) else { return start }
            let finishedAt = Date(criNanoseconds: exited.finishedAt) ?? Date(criNanoseconds: exited.createdAt)
            guard let finishedAt else { return start }
            start.lastFinishedAt = finishedAt
            let key = CrashLoopBackOff.stableKey(
                pod: self.pod,
                container: container,
                hash: self.planner.containerHash(container)
            )
            if let end = self.backOff.backOffEnd(key: key, since: finishedAt, now: self.now),
                let delay = self.backOff.delay(forKey: key)
            {
                start.backOff = ContainerStart.BackOff(
                    delay: delay,
                    until: end,
                    message: CrashLoopBackOff.restartMessage(delay: delay, containerName: container.name, pod: self.pod)
                )
            }
            return start
        }
    }
}

extension Container {
    /// An init container with `restartPolicy: Always`.
    var isSidecar: Bool { self.restartPolicy == .always }
}
