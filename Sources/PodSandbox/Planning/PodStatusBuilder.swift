import CRIClient
public import Foundation
public import KubeAPI

/// Builds a pod's API status from what the runtime reports (upstream's `generateAPIPodStatus`, `getPhase`,
/// `convertToAPIContainerStatuses` and the condition generators): a pure function.
///
/// ```swift
/// let builder = PodStatusBuilder(runtimeName: "containerd", nodeIPs: ["10.0.0.5"])
/// let status = builder.build(pod: pod, runtimePod: runtimePod, waitingReasons: [:], probes: .empty,
///                            previous: lastStatus, now: Date())
/// ```
public struct PodStatusBuilder: Sendable {
    /// The `<runtime>` of container IDs (`containerd://<id>`).
    public var runtimeName: String
    /// The node's IPs, primary first: `status.hostIP(s)`, and the pod IPs of hostNetwork pods.
    public var nodeIPs: [String]

    /// - Parameters:
    ///   - runtimeName: the runtime's name as `Version` reports it (`containerd`).
    ///   - nodeIPs: the node's IPs, primary first.
    public init(runtimeName: String, nodeIPs: [String]) {
        self.runtimeName = runtimeName
        self.nodeIPs = nodeIPs
    }

    /// Upstream's waiting reason of a container whose pod has no init containers, before its first start.
    public static let containerCreating = "ContainerCreating"
    /// Upstream's waiting reason of every container of a pod with init containers, before its first start.
    public static let podInitializing = "PodInitializing"

    /// Builds the status.
    ///
    /// - Parameters:
    ///   - pod: the desired pod (its `status` is the API's view: terminal phases and foreign conditions are kept).
    ///   - runtimePod: what the runtime runs for the pod, or `nil`.
    ///   - waitingReasons: why containers failed to start at the last sync, by container name.
    ///   - probes: readiness and startup results.
    ///   - previous: the status this agent last built for the pod (restart counts, start time and
    ///     `lastTransitionTime` carry over from it).
    ///   - now: the current time.
    ///   - podIsTerminal: the pod's containers were all stopped for good (deleted pod): the phase becomes
    ///     Succeeded or Failed from the exit codes regardless of the restart policy.
    ///   - terminationMessages: what exited containers wrote to their termination-message file (or their log's
    ///     tail), by container ID; appended to the runtime's message.
    /// - Returns: the status.
    public func build(
        pod: Pod,
        runtimePod: RuntimePod?,
        waitingReasons: [String: WaitingReason],
        probes: ProbeSnapshot,
        previous: PodStatus?,
        now: Date,
        podIsTerminal: Bool = false,
        terminationMessages: [String: String] = [:]
    ) -> PodStatus {
        let runtime =
            runtimePod ?? RuntimePod(uid: pod.metadata.uid, name: pod.metadata.name, namespace: pod.metadata.namespace)
        let old = previous ?? pod.status ?? PodStatus()
        var status = PodStatus()
        status.qosClass = PodQOSClass(rawValue: PodQOS.compute(pod).rawValue)
        let converter = ContainerStatusConverter(
            pod: pod,
            runtime: runtime,
            runtimeName: self.runtimeName,
            waitingReasons: waitingReasons,
            probes: probes,
            terminationMessages: terminationMessages
        )
        status.containerStatuses = converter.convert(
            pod.spec.containers,
            isInit: false,
            previous: old.containerStatuses
        )
        status.initContainerStatuses = converter.convert(
            pod.spec.initContainers,
            isInit: true,
            previous: old.initContainerStatuses
        )

        let all = status.initContainerStatuses + status.containerStatuses
        status.phase = Self.phase(pod: pod, statuses: all, podIsTerminal: podIsTerminal)
        // Pods never leave a terminal phase, whether this agent or the API recorded it.
        let isTerminal: (PodPhase?) -> Bool = { $0 == .succeeded || $0 == .failed }
        if !isTerminal(status.phase) {
            if isTerminal(old.phase) {
                status.phase = old.phase
            } else if isTerminal(pod.status?.phase) {
                status.phase = pod.status?.phase
            }
        }
        if isTerminal(pod.status?.phase) { status.phase = pod.status?.phase }
        if status.phase == old.phase {
            status.reason = old.reason
            status.message = old.message
        }

        status.conditions = self.conditions(pod: pod, runtime: runtime, statuses: all, phase: status.phase, old: old)
        self.setIPs(&status, pod: pod, runtime: runtime, old: old)
        status.startTime = old.startTime ?? pod.status?.startTime ?? now
        status.conditions = Self.carryTransitionTimes(status.conditions, old: old.conditions, now: now)
        return status
    }

    /// hostIP(s) from the node; podIP(s) from the newest ready sandbox, or the node's for hostNetwork pods; kept
    /// from the previous status while no sandbox is ready.
    private func setIPs(_ status: inout PodStatus, pod: Pod, runtime: RuntimePod, old: PodStatus) {
        if let primary = self.nodeIPs.first {
            status.hostIP = primary
            status.hostIPs = self.nodeIPs.prefix(2).map { HostIP(ip: $0) }
        }
        var podIPs: [String] = []
        if let sandbox = runtime.latestSandbox, sandbox.state == .ready, !sandbox.ip.isEmpty {
            podIPs = [sandbox.ip] + sandbox.additionalIPs.prefix(1)
        }
        if podIPs.isEmpty && pod.spec.hostNetwork == true {
            podIPs = Array(self.nodeIPs.prefix(2))
        }
        if podIPs.isEmpty {
            status.podIP = old.podIP
            status.podIPs = old.podIPs
        } else {
            status.podIP = podIPs[0]
            status.podIPs = podIPs.map { PodIP(ip: $0) }
        }
    }

    /// Upstream's `getPhase`: Pending until every container started (init containers and sidecars first), Running
    /// while one runs, Succeeded or Failed when all stopped for good.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - statuses: its init and app container statuses.
    ///   - podIsTerminal: the pod was stopped for good.
    /// - Returns: the phase.
    public static func phase(pod: Pod, statuses: [KubeAPI.ContainerStatus], podIsTerminal: Bool) -> PodPhase {
        let spec = pod.spec
        let byName = Dictionary(statuses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var pendingInitialization = 0
        var failedInitialization = 0
        for container in spec.initContainers where !container.isSidecar {
            guard let state = byName[container.name]?.state else {
                pendingInitialization += 1
                continue
            }
            if state.running != nil {
                pendingInitialization += 1
            } else if let terminated = state.terminated {
                if terminated.exitCode != 0 { failedInitialization += 1 }
            } else if let last = byName[container.name]?.lastState?.terminated {
                if last.exitCode != 0 { failedInitialization += 1 }
            } else {
                pendingInitialization += 1
            }
        }

        var unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0
        for container in spec.initContainers where container.isSidecar {
            guard let status = byName[container.name], let state = status.state else {
                unknown += 1
                continue
            }
            if state.running != nil {
                if status.started != true { pendingInitialization += 1 }
                running += 1
            } else if state.terminated == nil && status.lastState?.terminated == nil {
                pendingInitialization += 1
                waiting += 1
            }
        }
        for container in spec.containers {
            guard let status = byName[container.name], let state = status.state else {
                unknown += 1
                continue
            }
            if state.running != nil {
                running += 1
            } else if let terminated = state.terminated {
                stopped += 1
                if terminated.exitCode == 0 { succeeded += 1 }
            } else if status.lastState?.terminated != nil {
                stopped += 1
            } else {
                waiting += 1
            }
        }

        let restartPolicy = spec.restartPolicy ?? .always
        if failedInitialization > 0 && restartPolicy == .never { return .failed }
        let anyStarted = spec.containers.contains { container in
            guard let state = byName[container.name]?.state else { return false }
            return state.running != nil || state.terminated != nil
        }
        if (pendingInitialization > 0 && !anyStarted) || waiting > 0 { return .pending }
        if running > 0 && unknown == 0 { return .running }
        if running == 0 && stopped > 0 && unknown == 0 {
            let isStatic = pod.metadata.annotations[RuntimeLabels.configSource].map { $0 != "api" } ?? false
            if podIsTerminal && !isStatic { return stopped == succeeded ? .succeeded : .failed }
            if restartPolicy == .always { return .running }
            if stopped == succeeded { return .succeeded }
            if restartPolicy == .never { return .failed }
            return .running
        }
        return .pending
    }
}
