import Foundation
import KubeAPI
@testable import PodSandbox

enum PlannerFixtures {
    static let image = "docker.io/library/busybox:1.36"

    /// A deterministic hash for the pure tests: name and image.
    static func hash(_ container: Container) -> String {
        "h-\(container.name)-\(container.image ?? "")"
    }

    static let planner = PodPlanner(containerHash: { hash($0) })

    static func container(_ name: String, image: String = image, sidecar: Bool = false) -> Container {
        Container(name: name, image: image, restartPolicy: sidecar ? .always : nil)
    }

    static func pod(
        containers: [Container] = [container("app")],
        initContainers: [Container] = [],
        restartPolicy: RestartPolicy? = nil
    ) -> Pod {
        Pod(
            metadata: ObjectMeta(name: "web", namespace: "default", uid: "uid-1"),
            spec: PodSpec(initContainers: initContainers, containers: containers, restartPolicy: restartPolicy)
        )
    }

    /// The hash the fixture planner computes for the container `name` with the default image.
    static func hash(_ name: String, image: String = image) -> String {
        "h-\(name)-\(image)"
    }

    static func plan(
        _ pod: Pod,
        _ runtimePod: RuntimePod?,
        backOff: CrashLoopBackOff = CrashLoopBackOff(),
        probes: ProbeSnapshot = .empty,
        now: Date = RuntimeFixtures.now
    ) -> PodActions {
        planner.computeActions(pod: pod, runtimePod: runtimePod, backOff: backOff, probes: probes, now: now)
    }
}

/// A compact view of a plan for table comparisons.
struct PlanSummary: Hashable, CustomStringConvertible {
    var killPod = false
    var createSandbox = false
    var attempt: UInt32 = 0
    var kill: [String] = []
    var startInit: [String] = []
    var start: [String] = []
    var backedOff: [String] = []
    var podFailed = false

    init(
        killPod: Bool = false,
        createSandbox: Bool = false,
        attempt: UInt32 = 0,
        kill: [String] = [],
        startInit: [String] = [],
        start: [String] = [],
        backedOff: [String] = [],
        podFailed: Bool = false
    ) {
        self.killPod = killPod
        self.createSandbox = createSandbox
        self.attempt = attempt
        self.kill = kill
        self.startInit = startInit
        self.start = start
        self.backedOff = backedOff
        self.podFailed = podFailed
    }

    init(_ actions: PodActions) {
        self.killPod = actions.killPod
        self.createSandbox = actions.createSandbox
        self.attempt = actions.attempt
        self.kill = actions.containersToKill.map { "\($0.name):\($0.reason.rawValue)" }
        self.startInit = actions.initContainersToStart.map(\.name)
        self.start = actions.containersToStart.map(\.name)
        self.backedOff = (actions.initContainersToStart + actions.containersToStart).filter { $0.backOff != nil }
            .map(\.name)
        self.podFailed = actions.podFailed
    }

    var description: String {
        "kill=\(killPod) create=\(createSandbox)#\(attempt) killC=\(kill) init=\(startInit) start=\(start) "
            + "backOff=\(backedOff) failed=\(podFailed)"
    }
}
