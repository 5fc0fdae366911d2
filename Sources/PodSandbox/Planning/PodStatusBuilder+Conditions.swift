import Foundation
import KubeAPI

extension PodStatusBuilder {
    /// Reasons of the kubelet's pod conditions (upstream `pkg/kubelet/status/generate.go`).
    public enum ConditionReason {
        /// No container status is known at all.
        public static let unknownContainerStatuses = "UnknownContainerStatuses"
        /// Every container succeeded.
        public static let podCompleted = "PodCompleted"
        /// The pod failed, so its containers are not ready.
        public static let podFailed = "PodFailed"
        /// Some container is not ready (`containers with unready status: [a b]`).
        public static let containersNotReady = "ContainersNotReady"
        /// Some init container has not succeeded, or some sidecar has not started.
        public static let containersNotInitialized = "ContainersNotInitialized"
        /// Some readiness gate's condition is missing or not True.
        public static let readinessGatesNotReady = "ReadinessGatesNotReady"
    }

    /// The condition types the kubelet owns; others (readiness gates' conditions) are kept from the API.
    static let kubeletConditions: Set<PodConditionType> = [
        .podScheduled, .podReadyToStartContainers, .initialized, .containersReady, .ready,
        "PodResizePending", "PodResizeInProgress",
    ]

    /// The foreign conditions of the API status, then PodReadyToStartContainers, Initialized, Ready,
    /// ContainersReady and PodScheduled, in upstream's order.
    func conditions(
        pod: Pod,
        runtime: RuntimePod,
        statuses: [KubeAPI.ContainerStatus],
        phase: PodPhase?,
        old: PodStatus
    ) -> [PodCondition] {
        var conditions = (pod.status?.conditions ?? old.conditions).filter { !Self.kubeletConditions.contains($0.type) }
        let sandboxReady = !PodPlanner.sandboxChange(pod: pod, runtime: runtime).create
        conditions.append(PodCondition(type: .podReadyToStartContainers, status: sandboxReady ? .true : .false))
        conditions.append(Self.initializedCondition(pod: pod, statuses: statuses, phase: phase))
        let containersReady = Self.containersReadyCondition(pod: pod, statuses: statuses, phase: phase)
        conditions.append(Self.readyCondition(pod: pod, containersReady: containersReady, conditions: conditions))
        conditions.append(containersReady)
        conditions.append(PodCondition(type: .podScheduled, status: .true))
        return conditions
    }

    /// Upstream's `GenerateContainersReadyCondition`: every sidecar and app container ready.
    static func containersReadyCondition(
        pod: Pod,
        statuses: [KubeAPI.ContainerStatus],
        phase: PodPhase?
    ) -> PodCondition {
        let byName = Dictionary(statuses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var unknown: [String] = []
        var unready: [String] = []
        for container in pod.spec.initContainers.filter(\.isSidecar) + pod.spec.containers {
            guard let status = byName[container.name] else {
                unknown.append(container.name)
                continue
            }
            if !status.ready { unready.append(container.name) }
        }
        if (phase == .succeeded && unknown.isEmpty) || phase == .failed {
            let reason = phase == .failed ? ConditionReason.podFailed : ConditionReason.podCompleted
            return PodCondition(type: .containersReady, status: .false, reason: reason)
        }
        var messages: [String] = []
        if !unknown.isEmpty { messages.append("containers with unknown status: \(goList(unknown))") }
        if !unready.isEmpty { messages.append("containers with unready status: \(goList(unready))") }
        if messages.isEmpty { return PodCondition(type: .containersReady, status: .true) }
        return PodCondition(
            type: .containersReady,
            status: .false,
            reason: ConditionReason.containersNotReady,
            message: messages.joined(separator: ", ")
        )
    }

    /// Upstream's `GeneratePodReadyCondition`: ContainersReady, plus every readiness gate's condition True.
    static func readyCondition(
        pod: Pod,
        containersReady: PodCondition,
        conditions: [PodCondition]
    ) -> PodCondition {
        if containersReady.status != .true {
            return PodCondition(
                type: .ready,
                status: containersReady.status,
                reason: containersReady.reason,
                message: containersReady.message
            )
        }
        var messages: [String] = []
        for gate in pod.spec.readinessGates {
            guard let condition = conditions.first(where: { $0.type == gate.conditionType }) else {
                messages.append(
                    "corresponding condition of pod readiness gate \"\(gate.conditionType)\" does not exist."
                )
                continue
            }
            if condition.status != .true {
                messages.append(
                    "the status of pod readiness gate \"\(gate.conditionType)\" is not \"True\", "
                        + "but \(condition.status)"
                )
            }
        }
        if messages.isEmpty { return PodCondition(type: .ready, status: .true) }
        return PodCondition(
            type: .ready,
            status: .false,
            reason: ConditionReason.readinessGatesNotReady,
            message: messages.joined(separator: ", ")
        )
    }

    /// Upstream's `GeneratePodInitializedCondition`: every regular init container succeeded and every sidecar
    /// started (or an app container already started).
    static func initializedCondition(pod: Pod, statuses: [KubeAPI.ContainerStatus], phase: PodPhase?) -> PodCondition {
        let byName = Dictionary(statuses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var unknown: [String] = []
        var incomplete: [String] = []
        for container in pod.spec.initContainers {
            guard let status = byName[container.name] else {
                unknown.append(container.name)
                continue
            }
            let initialized = container.isSidecar ? status.started == true : status.ready
            if !initialized { incomplete.append(container.name) }
        }
        if phase == .succeeded && unknown.isEmpty {
            return PodCondition(type: .initialized, status: .true, reason: ConditionReason.podCompleted)
        }
        let anyStarted = pod.spec.containers.contains { container in
            guard let state = byName[container.name]?.state else { return false }
            return state.running != nil || state.terminated != nil
        }
        if anyStarted { return PodCondition(type: .initialized, status: .true) }
        var messages: [String] = []
        if !unknown.isEmpty { messages.append("containers with unknown status: \(goList(unknown))") }
        if !incomplete.isEmpty { messages.append("containers with incomplete status: \(goList(incomplete))") }
        if messages.isEmpty { return PodCondition(type: .initialized, status: .true) }
        return PodCondition(
            type: .initialized,
            status: .false,
            reason: ConditionReason.containersNotInitialized,
            message: messages.joined(separator: ", ")
        )
    }

    /// Every condition gets a `lastTransitionTime`: the previous one while its status is unchanged, else `now`.
    static func carryTransitionTimes(_ conditions: [PodCondition], old: [PodCondition], now: Date) -> [PodCondition] {
        conditions.map { condition in
            var condition = condition
            if let previous = old.first(where: { $0.type == condition.type }), previous.status == condition.status {
                condition.lastTransitionTime = previous.lastTransitionTime ?? condition.lastTransitionTime ?? now
            } else if condition.lastTransitionTime == nil {
                condition.lastTransitionTime = now
            }
            return condition
        }
    }
}

/// Go's `%s` of a `[]string`: `[a b]`.
func goList(_ names: [String]) -> String {
    "[" + names.joined(separator: " ") + "]"
}
