import CRIClient
import KubeAPI

extension PodPlanner.Context {
    /// Upstream's `computeInitContainerActions`: which init containers to start (the next regular one, sidecars
    /// to start or restart) and which to kill. Returns whether initialization is complete.
    ///
    /// The init containers are walked backwards, because finished ones may have been removed from the runtime:
    /// the last one that ran tells how far initialization got.
    func planInitContainers(_ actions: inout PodActions) -> Bool {
        let initContainers = self.spec.initContainers
        if initContainers.isEmpty { return true }

        // An app container created or running means initialization finished before (its init containers may
        // have been removed since). Exited ones do not count: they may belong to a previous sandbox.
        var podHasInitialized = self.spec.containers.contains { container in
            guard let newest = self.runtime.newest(container.name) else { return false }
            return newest.state == .created || newest.state == .running
        }
        var isPreviouslyInitialized = podHasInitialized
        var toStart: [Int] = []

        for index in initContainers.indices.reversed() {
            let container = initContainers[index]
            guard let status = self.runtime.newest(container.name) else {
                if isPreviouslyInitialized && container.isSidecar { toStart.append(index) }
                continue
            }
            if isPreviouslyInitialized && !container.isSidecar {
                // After initialization only sidecars are kept running.
                continue
            }
            switch status.state {
            case .created:
                // Created but never started: the start failed; try again.
                toStart.append(index)
            case .running:
                if container.isSidecar {
                    let step = self.sidecarStep(
                        container,
                        status: status,
                        index: index,
                        isPreviouslyInitialized: isPreviouslyInitialized,
                        actions: &actions
                    )
                    toStart.append(contentsOf: step.start)
                    if step.initialized && index == initContainers.count - 1 { podHasInitialized = true }
                }
            case .exited:
                if container.isSidecar {
                    toStart.append(index)
                } else if status.exitCode != 0 {
                    if !self.restartOnFailure {
                        self.failPod(&actions)
                        return false
                    }
                    toStart.append(index)
                } else if index == initContainers.count - 1 {
                    podHasInitialized = true
                } else {
                    toStart.append(index + 1)
                }
            case .unknown:
                if !container.isSidecar && !self.restartOnFailure {
                    self.failPod(&actions)
                    return false
                }
                actions.containersToKill.append(self.unknownKill(status, name: container.name, initContainer: true))
                toStart.append(index)
            }
            isPreviouslyInitialized = true
        }
        if !isPreviouslyInitialized { toStart.append(0) }

        var seen = Set<Int>()
        actions.initContainersToStart = toStart.reversed().filter { seen.insert($0).inserted }.sorted()
            .map { self.start(initContainerAt: $0) }
        return podHasInitialized
    }

    /// A running sidecar: whether it counts as started (so the next init container may start), and whether it must
    /// be restarted (startup or liveness probe failed, spec changed).
    private func sidecarStep(
        _ container: Container,
        status: CRIContainerStatus,
        index: Int,
        isPreviouslyInitialized: Bool,
        actions: inout PodActions
    ) -> (start: [Int], initialized: Bool) {
        let name = container.name
        if container.startupProbe != nil {
            if self.probes.startupFailed.matches(name, status.id) {
                actions.containersToKill.append(
                    ContainerKill(
                        containerID: status.id,
                        name: name,
                        reason: .startupProbe,
                        message: "Init container \(name) failed startup probe"
                    )
                )
                return ([index], false)
            }
            // Not started yet: the next init container waits.
            if !self.probes.startupSucceeded.matches(name, status.id) { return ([], false) }
        }
        var start: [Int] = []
        if index < self.spec.initContainers.count - 1 && !isPreviouslyInitialized {
            // Started for the first time: the next init container may start.
            start.append(index + 1)
        }
        if self.specChanged(container, status) {
            actions.containersToKill.append(
                ContainerKill(
                    containerID: status.id,
                    name: name,
                    reason: .specChanged,
                    message: "Init container \(name) definition changed"
                )
            )
            start.append(index)
        } else if container.livenessProbe != nil && self.probes.livenessFailed.matches(name, status.id) {
            actions.containersToKill.append(
                ContainerKill(
                    containerID: status.id,
                    name: name,
                    reason: .livenessProbe,
                    message: "Init container \(name) failed liveness probe"
                )
            )
            start.append(index)
        }
        return (start, true)
    }

    /// A regular init container failed under restartPolicy Never: the pod is over.
    private func failPod(_ actions: inout PodActions) {
        actions.killPod = self.runtime.hasAnythingAlive
        actions.podFailed = true
        actions.initContainersToStart = []
    }
}
