public import AgentCore
public import CRIClient

/// A ``ContainerRuntime`` that forwards every call to another runtime and reports each one (operation name,
/// duration, error) to a ``RuntimeOperationRecorder``, as upstream's instrumented runtime and image services do.
///
/// ```swift
/// let metrics = KubeletMetrics()
/// let runtime = InstrumentedContainerRuntime(wrapping: criClient, recorder: metrics)
/// ```
public struct InstrumentedContainerRuntime: ContainerRuntime {
    /// The runtime calls are forwarded to.
    public let base: any ContainerRuntime
    /// Where calls are recorded.
    public let recorder: any RuntimeOperationRecorder
    private let clock: any Clock<Duration>

    /// Wraps `base`.
    /// - Parameters:
    ///   - base: the runtime to forward to.
    ///   - recorder: where each call is recorded.
    ///   - clock: the clock durations are measured with; tests inject their own.
    public init(
        wrapping base: any ContainerRuntime,
        recorder: any RuntimeOperationRecorder,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.base = base
        self.recorder = recorder
        self.clock = clock
    }

    /// Runs `body`, then records `operation` with its duration and error.
    private func measure<T>(
        _ operation: RuntimeOperation,
        _ body: () async throws -> T
    ) async throws -> T {
        try await self.timed(self.clock, operation, body)
    }

    private func timed<C: Clock<Duration>, T>(
        _ clock: C,
        _ operation: RuntimeOperation,
        _ body: () async throws -> T
    ) async throws -> T {
        let start = clock.now
        do {
            let value = try await body()
            self.recorder.record(operation: operation, duration: start.duration(to: clock.now), error: nil)
            return value
        } catch {
            self.recorder.record(operation: operation, duration: start.duration(to: clock.now), error: error)
            throw error
        }
    }

    // MARK: Runtime

    public func version() async throws -> RuntimeVersion {
        try await self.measure(.version) { try await self.base.version() }
    }

    public func status(verbose: Bool) async throws -> RuntimeStatus {
        try await self.measure(.status) { try await self.base.status(verbose: verbose) }
    }

    // MARK: Sandboxes

    public func runPodSandbox(_ config: PodSandboxConfig, runtimeHandler: String) async throws -> String {
        try await self.runPodSandbox(self.clock, config, runtimeHandler: runtimeHandler)
    }

    private func runPodSandbox<C: Clock<Duration>>(
        _ clock: C,
        _ config: PodSandboxConfig,
        runtimeHandler: String
    ) async throws -> String {
        let start = clock.now
        do {
            let id = try await self.base.runPodSandbox(config, runtimeHandler: runtimeHandler)
            let duration = start.duration(to: clock.now)
            self.recorder.record(operation: .runPodSandbox, duration: duration, error: nil)
            self.recorder.recordRunPodSandbox(runtimeHandler: runtimeHandler, duration: duration, error: nil)
            return id
        } catch {
            let duration = start.duration(to: clock.now)
            self.recorder.record(operation: .runPodSandbox, duration: duration, error: error)
            self.recorder.recordRunPodSandbox(runtimeHandler: runtimeHandler, duration: duration, error: error)
            throw error
        }
    }

    public func stopPodSandbox(_ id: String) async throws {
        try await self.measure(.stopPodSandbox) { try await self.base.stopPodSandbox(id) }
    }

    public func removePodSandbox(_ id: String) async throws {
        try await self.measure(.removePodSandbox) { try await self.base.removePodSandbox(id) }
    }

    public func podSandboxStatus(_ id: String) async throws -> PodSandboxStatus {
        try await self.measure(.podSandboxStatus) { try await self.base.podSandboxStatus(id) }
    }

    public func listPodSandboxes(_ filter: PodSandboxFilter?) async throws -> [PodSandboxSummary] {
        try await self.measure(.listPodSandbox) { try await self.base.listPodSandboxes(filter) }
    }

    // MARK: Containers

    public func createContainer(
        inSandbox sandboxID: String,
        _ config: ContainerConfig,
        sandboxConfig: PodSandboxConfig
    ) async throws -> String {
        try await self.measure(.createContainer) {
            try await self.base.createContainer(inSandbox: sandboxID, config, sandboxConfig: sandboxConfig)
        }
    }

    public func startContainer(_ id: String) async throws {
        try await self.measure(.startContainer) { try await self.base.startContainer(id) }
    }

    public func stopContainer(_ id: String, timeout: Duration) async throws {
        try await self.measure(.stopContainer) { try await self.base.stopContainer(id, timeout: timeout) }
    }

    public func removeContainer(_ id: String) async throws {
        try await self.measure(.removeContainer) { try await self.base.removeContainer(id) }
    }

    public func listContainers(_ filter: ContainerFilter?) async throws -> [ContainerSummary] {
        try await self.measure(.listContainers) { try await self.base.listContainers(filter) }
    }

    public func containerStatus(_ id: String) async throws -> ContainerStatus {
        try await self.measure(.containerStatus) { try await self.base.containerStatus(id) }
    }

    public func updateContainerResources(_ id: String, linux: LinuxContainerResources) async throws {
        try await self.measure(.updateContainer) { try await self.base.updateContainerResources(id, linux: linux) }
    }

    public func reopenContainerLog(_ id: String) async throws {
        try await self.measure(.reopenContainerLog) { try await self.base.reopenContainerLog(id) }
    }

    public func execSync(_ id: String, command: [String], timeout: Duration) async throws -> ExecResult {
        try await self.measure(.execSync) { try await self.base.execSync(id, command: command, timeout: timeout) }
    }

    public func containerStats(_ id: String) async throws -> ContainerStats {
        try await self.measure(.containerStats) { try await self.base.containerStats(id) }
    }

    public func listContainerStats(_ filter: ContainerStatsFilter?) async throws -> [ContainerStats] {
        try await self.measure(.listContainerStats) { try await self.base.listContainerStats(filter) }
    }

    // MARK: Images

    public func listImages(_ filter: ImageSpec?) async throws -> [ImageInfo] {
        try await self.measure(.listImages) { try await self.base.listImages(filter) }
    }

    public func imageStatus(_ image: ImageSpec) async throws -> ImageInfo? {
        try await self.measure(.imageStatus) { try await self.base.imageStatus(image) }
    }

    public func pullImage(
        _ image: ImageSpec,
        auth: AuthConfig?,
        sandboxConfig: PodSandboxConfig?
    ) async throws -> String {
        let start = ContinuousClock.now
        let reference = try await self.measure(.pullImage) {
            try await self.base.pullImage(image, auth: auth, sandboxConfig: sandboxConfig)
        }
        let duration = start.duration(to: .now)
        // The size labels the histogram as upstream's `image_size_in_bytes` bucket; unknown is "N/A".
        let size = (try? await self.base.imageStatus(ImageSpec(reference)))?.size ?? 0
        self.recorder.recordImagePull(duration: duration, sizeBytes: size)
        return reference
    }

    public func removeImage(_ image: ImageSpec) async throws {
        try await self.measure(.removeImage) { try await self.base.removeImage(image) }
    }

    public func imageFsInfo() async throws -> [FilesystemUsage] {
        try await self.measure(.imageFsInfo) { try await self.base.imageFsInfo() }
    }
}
