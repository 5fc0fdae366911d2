import AgentCore
import AgentTestKit
import CRIClient
import PodSandbox
import Synchronization
import Testing

@Suite("Instrumented container runtime")
struct InstrumentedContainerRuntimeTests {
    /// A clock that moves one second each time it is read, so every call measures exactly 1 s.
    final class StepClock: Clock, Sendable {
        struct Instant: InstantProtocol {
            var offset: Duration
            func advanced(by duration: Duration) -> Self { Self(offset: self.offset + duration) }
            func duration(to other: Self) -> Duration { other.offset - self.offset }
            static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
        }

        private let reads = Mutex(0)
        var now: Instant {
            self.reads.withLock { reads in
                reads += 1
                return Instant(offset: .seconds(reads))
            }
        }
        var minimumResolution: Duration { .nanoseconds(1) }
        func sleep(until deadline: Instant, tolerance: Duration?) async throws {}
    }

    static let config = PodSandboxConfig(metadata: PodSandboxMetadata(name: "web", uid: "u1", namespace: "default"))

    @Test func recordsEveryCallWithUpstreamOperationNames() async throws {
        let fake = FakeContainerRuntime()
        let metrics = KubeletMetrics()
        let runtime = InstrumentedContainerRuntime(wrapping: fake, recorder: metrics, clock: StepClock())

        _ = try await runtime.version()
        let sandbox = try await runtime.runPodSandbox(Self.config, runtimeHandler: "")
        _ = try await runtime.podSandboxStatus(sandbox)
        _ = try await runtime.listPodSandboxes(nil)
        _ = try await runtime.listContainers(nil)
        _ = try await runtime.imageStatus(ImageSpec("docker.io/library/busybox:1.36"))
        try await runtime.stopPodSandbox(sandbox)
        try await runtime.removePodSandbox(sandbox)

        for operation in [
            "version", "run_podsandbox", "podsandbox_status", "list_podsandbox", "list_containers", "image_status",
            "stop_podsandbox", "remove_podsandbox",
        ] {
            #expect(metrics.runtimeOperations.value(labels: [operation]) == 1, "\(operation)")
            #expect(metrics.runtimeOperationsErrors.value(labels: [operation]) == 0, "\(operation)")
            let durations = metrics.runtimeOperationsDuration.value(labels: [operation])
            #expect(durations?.sum == 1, "\(operation)")
        }
        #expect(metrics.runPodSandboxDuration.value(labels: [""])?.count == 1)
        #expect(fake.calls.contains("RunPodSandbox"))
    }

    @Test func countsErrorsAndRethrows() async throws {
        let fake = FakeContainerRuntime()
        fake.failNext("RunPodSandbox", code: .unavailable)
        let metrics = KubeletMetrics()
        let runtime = InstrumentedContainerRuntime(wrapping: fake, recorder: metrics, clock: StepClock())

        await #expect(throws: CRIError.self) {
            _ = try await runtime.runPodSandbox(Self.config, runtimeHandler: "runc")
        }
        #expect(metrics.runtimeOperations.value(labels: ["run_podsandbox"]) == 1)
        #expect(metrics.runtimeOperationsErrors.value(labels: ["run_podsandbox"]) == 1)
        #expect(metrics.runPodSandboxErrors.value(labels: ["runc"]) == 1)

        await #expect(throws: CRIError.self) { _ = try await runtime.containerStatus("missing") }
        #expect(metrics.runtimeOperationsErrors.value(labels: ["container_status"]) == 1)
    }
}
