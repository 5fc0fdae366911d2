/// The container runtime as the agent sees it: the CRI `runtime.v1` RuntimeService and ImageService in
/// domain types. ``CRIClient`` implements it over gRPC; tests use fakes.
///
/// Every method throws ``CRIError``; callers classify failures by ``CRIError/code``.
public protocol ContainerRuntime: Sendable {
    // MARK: Runtime

    /// The runtime's name and version, and the CRI version it speaks.
    func version() async throws -> RuntimeVersion
    /// The runtime's conditions (`RuntimeReady`, `NetworkReady`); `verbose` adds runtime-specific info.
    func status(verbose: Bool) async throws -> RuntimeStatus

    // MARK: Sandboxes

    /// Creates and starts a pod sandbox, returning its ID.
    /// - Parameter runtimeHandler: the RuntimeClass handler; empty for the runtime's default.
    func runPodSandbox(_ config: PodSandboxConfig, runtimeHandler: String) async throws -> String
    /// Stops every container of the sandbox and tears its network down. Stopping a stopped sandbox succeeds.
    func stopPodSandbox(_ id: String) async throws
    /// Removes a sandbox and its containers. Removing an absent sandbox succeeds.
    func removePodSandbox(_ id: String) async throws
    func podSandboxStatus(_ id: String) async throws -> PodSandboxStatus
    func listPodSandboxes(_ filter: PodSandboxFilter?) async throws -> [PodSandboxSummary]

    // MARK: Containers

    /// Creates a container in a sandbox, returning its ID; `sandboxConfig` is the config the sandbox was run with.
    func createContainer(
        inSandbox sandboxID: String,
        _ config: ContainerConfig,
        sandboxConfig: PodSandboxConfig
    ) async throws -> String
    func startContainer(_ id: String) async throws
    /// Stops a container: its stop signal, then SIGKILL after `timeout` (0: kill at once).
    func stopContainer(_ id: String, timeout: Duration) async throws
    func removeContainer(_ id: String) async throws
    func listContainers(_ filter: ContainerFilter?) async throws -> [ContainerSummary]
    func containerStatus(_ id: String) async throws -> ContainerStatus
    func updateContainerResources(_ id: String, linux: LinuxContainerResources) async throws
    /// Asks the runtime to reopen the container's log file (after the agent rotated it).
    func reopenContainerLog(_ id: String) async throws
    /// Runs a command in a container and waits for it; `timeout` zero means no limit.
    func execSync(_ id: String, command: [String], timeout: Duration) async throws -> ExecResult
    func containerStats(_ id: String) async throws -> ContainerStats
    func listContainerStats(_ filter: ContainerStatsFilter?) async throws -> [ContainerStats]

    // MARK: Images

    func listImages(_ filter: ImageSpec?) async throws -> [ImageInfo]
    /// The image if the runtime holds it, `nil` if it does not.
    func imageStatus(_ image: ImageSpec) async throws -> ImageInfo?
    /// Pulls an image, returning its reference (image ID).
    func pullImage(_ image: ImageSpec, auth: AuthConfig?, sandboxConfig: PodSandboxConfig?) async throws -> String
    func removeImage(_ image: ImageSpec) async throws
    /// Usage of the filesystems the runtime keeps images on.
    func imageFsInfo() async throws -> [FilesystemUsage]
}
