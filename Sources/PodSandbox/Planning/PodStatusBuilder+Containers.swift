import CRIClient
import Foundation
import KubeAPI

/// Upstream's `convertToAPIContainerStatuses` plus the probe manager's `UpdatePodStatus` (ready, started), for
/// one list of containers (init or app).
struct ContainerStatusConverter {
    let pod: Pod
    let runtime: RuntimePod
    let runtimeName: String
    let waitingReasons: [String: WaitingReason]
    let probes: ProbeSnapshot
    let terminationMessages: [String: String]

    /// The statuses of `containers`, in spec order.
    func convert(
        _ containers: [Container],
        isInit: Bool,
        previous: [KubeAPI.ContainerStatus]
    ) -> [KubeAPI.ContainerStatus] {
        let oldByName = Dictionary(previous.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let defaultReason =
            self.pod.spec.initContainers.isEmpty
            ? PodStatusBuilder.containerCreating : PodStatusBuilder.podInitializing
        return containers.map { container in
            var status = self.baseStatus(container, old: oldByName[container.name], defaultReason: defaultReason)
            let instances = self.runtime.instances(of: container.name)
            for (position, instance) in instances.prefix(2).enumerated() {
                let converted = self.convert(instance, old: oldByName[container.name])
                if position == 0 {
                    status = converted
                } else {
                    status.lastState = converted.state
                }
            }
            self.applyWaitingReason(&status, container: container, isInit: isInit)
            self.applyProbes(&status, container: container, isInit: isInit)
            return status
        }
    }

    /// The status before looking at the runtime: waiting with the default reason, restart count and last state
    /// carried over; a terminated previous status stays as it was.
    private func baseStatus(
        _ container: Container,
        old: KubeAPI.ContainerStatus?,
        defaultReason: String
    ) -> KubeAPI.ContainerStatus {
        var status = KubeAPI.ContainerStatus(
            name: container.name,
            state: KubeAPI.ContainerState(waiting: ContainerStateWaiting(reason: defaultReason)),
            image: container.image ?? ""
        )
        guard let old else { return status }
        if old.state?.terminated != nil { return old }
        status.restartCount = old.restartCount
        status.lastState = old.lastState
        if self.runtime.newest(container.name) == nil, old.state?.running != nil, status.lastState?.terminated == nil {
            // It ran and vanished from the runtime: show it stopped rather than back to waiting.
            status.lastState = KubeAPI.ContainerState(
                terminated: ContainerStateTerminated(
                    exitCode: 137,
                    reason: "ContainerStatusUnknown",
                    message: "The container could not be located when the pod was deleted."
                        + "  The container used to be Running"
                )
            )
            if self.pod.metadata.deletionTimestamp == nil { status.restartCount += 1 }
        }
        return status
    }

    /// One runtime instance as an API status.
    private func convert(_ instance: CRIContainerStatus, old: KubeAPI.ContainerStatus?) -> KubeAPI.ContainerStatus {
        let containerID = "\(self.runtimeName)://\(instance.id)"
        var image = instance.image.image
        if image.isEmpty || image.hasPrefix("sha256:") {
            image = self.specImage(instance.metadata.name) ?? image
        }
        var status = KubeAPI.ContainerStatus(
            name: instance.metadata.name,
            restartCount: instance.restartCount,
            image: image,
            imageID: instance.imageRef.isEmpty ? instance.imageID : instance.imageRef,
            containerID: containerID
        )
        switch instance.state {
        case .running:
            status.state = KubeAPI.ContainerState(
                running: ContainerStateRunning(startedAt: Date(criNanoseconds: instance.startedAt))
            )
        case .created:
            status.state = KubeAPI.ContainerState(waiting: ContainerStateWaiting())
        case .exited:
            var message = instance.message
            if let written = self.terminationMessages[instance.id], !written.isEmpty {
                message += message.isEmpty ? written : ": " + written
            }
            status.state = KubeAPI.ContainerState(
                terminated: ContainerStateTerminated(
                    exitCode: instance.exitCode,
                    reason: instance.reason.isEmpty ? nil : instance.reason,
                    message: message.isEmpty ? nil : message,
                    startedAt: Date(criNanoseconds: instance.startedAt),
                    finishedAt: Date(criNanoseconds: instance.finishedAt),
                    containerID: containerID
                )
            )
        case .unknown:
            if let old, old.state?.running != nil {
                status.state = KubeAPI.ContainerState(
                    terminated: ContainerStateTerminated(
                        exitCode: 137,
                        reason: "ContainerStatusUnknown",
                        message: "The container could not be located when the pod was terminated"
                    )
                )
                status.restartCount = old.restartCount + 1
            } else {
                status.state = KubeAPI.ContainerState(waiting: ContainerStateWaiting())
            }
        }
        return status
    }

    /// A container that will be (re)started shows why the last attempt did not start it.
    private func applyWaitingReason(_ status: inout KubeAPI.ContainerStatus, container: Container, isInit: Bool) {
        let newest = self.runtime.newest(container.name)
        if isInit, let newest, newest.state == .exited, newest.exitCode == 0, !container.isSidecar { return }
        guard self.willRestart(container, newest: newest), let waiting = self.waitingReasons[container.name] else {
            return
        }
        if status.state?.terminated != nil { status.lastState = status.state }
        status.state = KubeAPI.ContainerState(
            waiting: ContainerStateWaiting(reason: waiting.reason, message: waiting.message)
        )
    }

    /// Upstream's `ShouldContainerBeRestarted`; sidecars restart whatever the pod's policy.
    private func willRestart(_ container: Container, newest: CRIContainerStatus?) -> Bool {
        if self.pod.metadata.deletionTimestamp != nil { return false }
        guard let newest else { return true }
        switch newest.state {
        case .running: return false
        case .unknown, .created: return true
        case .exited:
            if container.isSidecar { return true }
            switch self.pod.spec.restartPolicy ?? .always {
            case .never: return false
            case .onFailure: return newest.exitCode != 0
            default: return true
            }
        }
    }

    /// `started` and `ready` as the probe manager sets them.
    private func applyProbes(_ status: inout KubeAPI.ContainerStatus, container: Container, isInit: Bool) {
        let running = status.state?.running != nil
        let instanceID = self.runtime.newest(container.name)?.id ?? ""
        let started =
            running
            && (container.startupProbe == nil || self.probes.startupSucceeded.matches(container.name, instanceID))
        status.started = started
        if isInit && !container.isSidecar {
            // A regular init container is ready once it succeeded.
            status.ready = status.state?.terminated?.exitCode == 0 && status.state?.terminated != nil
            return
        }
        status.ready =
            started && (container.readinessProbe == nil || self.probes.ready.matches(container.name, instanceID))
    }

    private func specImage(_ name: String) -> String? {
        (self.pod.spec.containers + self.pod.spec.initContainers).first { $0.name == name }?.image
    }
}
