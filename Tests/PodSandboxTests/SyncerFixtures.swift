import AgentTestKit
import CRIClient
import Foundation
import Logging
@testable import PodSandbox
import Synchronization

// Fixtures of the PodSyncer tests: a runtime wrapper that records calls with their targets, a volume setup that
// only records, and a settable clock. This file imports CRIClient and not KubeAPI.

/// Forwards to a ``FakeContainerRuntime`` and records `Method name` for the calls that act on one container,
/// so tests can check the order in which containers were stopped or hooked.
final class RecordingRuntime: ContainerRuntime {
    let fake: FakeContainerRuntime
    let log = Mutex<[String]>([])

    init(_ fake: FakeContainerRuntime = FakeContainerRuntime()) {
        self.fake = fake
    }

    var entries: [String] { self.log.withLock { $0 } }

    private func record(_ method: String, container id: String) async {
        let name = (try? await self.fake.containerStatus(id).metadata.name) ?? id
        self.log.withLock { $0.append("\(method) \(name)") }
    }

    func version() async throws -> RuntimeVersion { try await self.fake.version() }
    func status(verbose: Bool) async throws -> RuntimeStatus { try await self.fake.status(verbose: verbose) }
    func runPodSandbox(_ config: PodSandboxConfig, runtimeHandler: String) async throws -> String {
        self.log.withLock { $0.append("RunPodSandbox \(config.metadata.attempt)") }
        return try await self.fake.runPodSandbox(config, runtimeHandler: runtimeHandler)
    }
    func stopPodSandbox(_ id: String) async throws {
        self.log.withLock { $0.append("StopPodSandbox") }
        try await self.fake.stopPodSandbox(id)
    }
    func removePodSandbox(_ id: String) async throws {
        self.log.withLock { $0.append("RemovePodSandbox") }
        try await self.fake.removePodSandbox(id)
    }
    func podSandboxStatus(_ id: String) async throws -> PodSandboxStatus { try await self.fake.podSandboxStatus(id) }
    func listPodSandboxes(_ filter: PodSandboxFilter?) async throws -> [PodSandboxSummary] {
        try await self.fake.listPodSandboxes(filter)
    }
    func createContainer(
        inSandbox sandboxID: String,
        _ config: ContainerConfig,
        sandboxConfig: PodSandboxConfig
    ) async throws -> String {
        self.log.withLock { $0.append("CreateContainer \(config.metadata.name)") }
        return try await self.fake.createContainer(inSandbox: sandboxID, config, sandboxConfig: sandboxConfig)
    }
    func startContainer(_ id: String) async throws {
        await self.record("StartContainer", container: id)
        try await self.fake.startContainer(id)
    }
    func stopContainer(_ id: String, timeout: Duration) async throws {
        await self.record("StopContainer", container: id)
        try await self.fake.stopContainer(id, timeout: timeout)
    }
    func removeContainer(_ id: String) async throws { try await self.fake.removeContainer(id) }
    func listContainers(_ filter: ContainerFilter?) async throws -> [ContainerSummary] {
        try await self.fake.listContainers(filter)
    }
    func containerStatus(_ id: String) async throws -> ContainerStatus { try await self.fake.containerStatus(id) }
    func updateContainerResources(_ id: String, linux: LinuxContainerResources) async throws {
        try await self.fake.updateContainerResources(id, linux: linux)
    }
    func reopenContainerLog(_ id: String) async throws { try await self.fake.reopenContainerLog(id) }
    func execSync(_ id: String, command: [String], timeout: Duration) async throws -> ExecResult {
        await self.record("ExecSync", container: id)
        return try await self.fake.execSync(id, command: command, timeout: timeout)
    }
    func containerStats(_ id: String) async throws -> ContainerStats { try await self.fake.containerStats(id) }
    func listContainerStats(_ filter: ContainerStatsFilter?) async throws -> [ContainerStats] {
        try await self.fake.listContainerStats(filter)
    }
    func listImages(_ filter: ImageSpec?) async throws -> [ImageInfo] { try await self.fake.listImages(filter) }
    func imageStatus(_ image: ImageSpec) async throws -> ImageInfo? { try await self.fake.imageStatus(image) }
    func pullImage(_ image: ImageSpec, auth: AuthConfig?, sandboxConfig: PodSandboxConfig?) async throws -> String {
        self.log.withLock { $0.append("PullImage \(image.image)") }
        return try await self.fake.pullImage(image, auth: auth, sandboxConfig: sandboxConfig)
    }
    func removeImage(_ image: ImageSpec) async throws { try await self.fake.removeImage(image) }
    func imageFsInfo() async throws -> [FilesystemUsage] { try await self.fake.imageFsInfo() }
}

/// A volume setup that touches nothing and records what it was asked.
final class RecordingVolumeSetup: VolumeSetup {
    let log = Mutex<[String]>([])

    var entries: [String] { self.log.withLock { $0 } }

    func setUp(_ volume: VolumePlan.Volume) throws(VolumeSetupError) {
        self.log.withLock { $0.append("setUp \(volume.name)") }
    }
    func prepareSubPath(_ mount: VolumePlan.PlannedMount) throws(VolumeSetupError) {}
    func createTerminationMessageFile(_ path: String) throws(VolumeSetupError) {}
    func writeFile(_ path: String, contents: String) throws(VolumeSetupError) {
        self.log.withLock { $0.append("writeFile \(path)") }
    }
    func tearDown(_ plan: VolumePlan) throws(VolumeSetupError) {
        self.log.withLock { $0.append("tearDown \(plan.podUID)") }
    }
}

/// A clock the test moves; it starts where the fake runtime's clock starts, so `finishedAt` times line up.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_001))

    var now: Date { self.current.withLock { $0 } }

    func advance(seconds: Double) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A syncer over a recording fake runtime.
struct SyncerHarness {
    let runtime: RecordingRuntime
    let volumes = RecordingVolumeSetup()
    let clock = TestClock()
    let syncer: PodSyncer

    init(images: [String] = ["registry.k8s.io/pause:3.9", "docker.io/library/busybox:1.36"]) {
        let runtime = RecordingRuntime(FakeContainerRuntime(images: images))
        self.runtime = runtime
        let clock = self.clock
        self.syncer = PodSyncer(
            runtime: runtime,
            context: PodConfigContext(
                nodeName: "node-1",
                nodeIPs: ["192.168.1.10"],
                resolvConfPath: "",
                podLogsDirectory: "/tmp/node-agent-test/logs",
                podsDirectory: "/tmp/node-agent-test/pods"
            ),
            volumes: self.volumes,
            restartBackOff: BackOffStore(policy: .crashLoop()),
            seccompChecker: FakeSeccompChecker(),
            now: { clock.now },
            logger: Logger(label: "syncer-test")
        )
    }

    var fake: FakeContainerRuntime { self.runtime.fake }

    /// The runtime log entries of one method, in order (the names after the method).
    func log(_ method: String) -> [String] {
        self.runtime.entries.filter { $0.hasPrefix(method + " ") }.map { String($0.dropFirst(method.count + 1)) }
    }
}
