import CRIClient
import Foundation
@testable import PodSandbox

// Runtime-side fixtures for the planner, status and syncer tests. This file imports CRIClient but not KubeAPI, so
// `ContainerStatus` here is the runtime's.

typealias RuntimeContainerStatus = ContainerStatus

enum RuntimeFixtures {
    /// The reference time of the pure tests.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// Nanoseconds since the epoch of `now + seconds`.
    static func nanos(_ seconds: Double) -> Int64 {
        Int64((now.timeIntervalSince1970 + seconds) * 1e9)
    }

    static func sandbox(
        _ id: String = "sb0",
        attempt: UInt32 = 0,
        ready: Bool = true,
        ip: String = "10.88.0.5",
        at seconds: Double = -100,
        uid: String = "uid-1"
    ) -> PodSandboxStatus {
        PodSandboxStatus(
            id: id,
            metadata: PodSandboxMetadata(name: "web", uid: uid, namespace: "default", attempt: attempt),
            state: ready ? .ready : .notReady,
            createdAt: nanos(seconds),
            ip: ip,
            labels: [RuntimeLabels.podUID: uid]
        )
    }

    enum State { case created, running, exited(Int32), unknown }

    /// A container instance; `at` is its creation time relative to `now`, `finished` its exit time.
    static func instance(
        _ name: String,
        id: String? = nil,
        _ state: State,
        hash: String,
        restartCount: Int = 0,
        at seconds: Double = -90,
        finished: Double? = nil,
        image: String = "docker.io/library/busybox:1.36"
    ) -> RuntimeContainerStatus {
        var status = RuntimeContainerStatus(
            id: id ?? "\(name)-\(restartCount)",
            metadata: ContainerMetadata(name: name, attempt: UInt32(restartCount)),
            state: .running,
            createdAt: nanos(seconds),
            startedAt: nanos(seconds + 1),
            image: ImageSpec(image),
            imageRef: "sha256:feed",
            labels: [RuntimeLabels.podUID: "uid-1", RuntimeLabels.containerName: name],
            annotations: [
                RuntimeLabels.containerHash: hash,
                RuntimeLabels.containerRestartCount: String(restartCount),
            ]
        )
        switch state {
        case .created:
            status.state = .created
            status.startedAt = 0
        case .running:
            status.state = .running
        case .exited(let code):
            status.state = .exited
            status.exitCode = code
            status.reason = code == 0 ? "Completed" : "Error"
            status.finishedAt = nanos(finished ?? (seconds + 5))
        case .unknown:
            status.state = .unknown
        }
        return status
    }

    static func runtimePod(
        sandboxes: [PodSandboxStatus] = [sandbox()],
        containers: [RuntimeContainerStatus] = []
    ) -> RuntimePod {
        RuntimePod(uid: "uid-1", name: "web", namespace: "default", sandboxes: sandboxes, containers: containers)
    }
}
