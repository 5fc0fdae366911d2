import Foundation
package import GRPCCore
import Synchronization

/// The CRI client: ``ContainerRuntime`` over gRPC. Obtain one through ``withCRIClient(_:_:)`` or
/// ``CRIConnection``; it is generic over the gRPC transport only so tests can run it in-process.
package struct CRIClient<Transport: ClientTransport>: ContainerRuntime {
    private let runtimeClients: [Runtime_V1_RuntimeService.Client<Transport>]
    private let imageClients: [Runtime_V1_ImageService.Client<Transport>]
    private let configuration: CRIClientConfiguration
    private let turn = RoundRobinCounter()

    /// - Parameters:
    ///   - client: a gRPC client whose connections someone else runs.
    ///   - configuration: deadlines, and the socket path used to explain `unavailable` errors.
    package init(client: GRPCClient<Transport>, configuration: CRIClientConfiguration) {
        self.init(clients: [client], configuration: configuration)
    }

    /// - Parameters:
    ///   - clients: gRPC clients (one connection each) the calls are spread over, round-robin.
    ///   - configuration: deadlines, and the socket path used to explain `unavailable` errors.
    package init(clients: [GRPCClient<Transport>], configuration: CRIClientConfiguration) {
        precondition(!clients.isEmpty, "a CRI client needs a gRPC client")
        self.runtimeClients = clients.map { Runtime_V1_RuntimeService.Client(wrapping: $0) }
        self.imageClients = clients.map { Runtime_V1_ImageService.Client(wrapping: $0) }
        self.configuration = configuration
    }

    /// The runtime service on the next connection.
    private var runtime: Runtime_V1_RuntimeService.Client<Transport> {
        self.runtimeClients[self.nextIndex()]
    }

    /// The image service on the next connection.
    private var images: Runtime_V1_ImageService.Client<Transport> {
        self.imageClients[self.nextIndex()]
    }

    private func nextIndex() -> Int {
        let count = self.runtimeClients.count
        guard count > 1 else { return 0 }
        let value = self.turn.value.wrappingAdd(1, ordering: .relaxed).oldValue
        return ((value % count) + count) % count
    }

    // MARK: Runtime

    package func version() async throws -> RuntimeVersion {
        var request = Runtime_V1_VersionRequest()
        request.version = "v1"
        return try await self.call("Version", timeout: self.configuration.statusTimeout) { options in
            RuntimeVersion(try await self.runtime.version(request, options: options))
        }
    }

    package func status(verbose: Bool) async throws -> RuntimeStatus {
        var request = Runtime_V1_StatusRequest()
        request.verbose = verbose
        return try await self.call("Status", timeout: self.configuration.statusTimeout) { options in
            RuntimeStatus(try await self.runtime.status(request, options: options))
        }
    }

    // MARK: Sandboxes

    package func runPodSandbox(_ config: PodSandboxConfig, runtimeHandler: String) async throws -> String {
        var request = Runtime_V1_RunPodSandboxRequest()
        request.config = config.proto
        request.runtimeHandler = runtimeHandler
        return try await self.call("RunPodSandbox", timeout: self.configuration.requestTimeout) { options in
            let response = try await self.runtime.runPodSandbox(request, options: options)
            guard !response.podSandboxID.isEmpty else {
                throw CRIError(code: .internal, method: "RunPodSandbox", message: "the runtime returned no sandbox ID")
            }
            return response.podSandboxID
        }
    }

    package func stopPodSandbox(_ id: String) async throws {
        var request = Runtime_V1_StopPodSandboxRequest()
        request.podSandboxID = id
        try await self.call("StopPodSandbox", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.runtime.stopPodSandbox(request, options: options)
        }
    }

    package func removePodSandbox(_ id: String) async throws {
        var request = Runtime_V1_RemovePodSandboxRequest()
        request.podSandboxID = id
        try await self.call("RemovePodSandbox", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.runtime.removePodSandbox(request, options: options)
        }
    }

    package func podSandboxStatus(_ id: String) async throws -> PodSandboxStatus {
        var request = Runtime_V1_PodSandboxStatusRequest()
        request.podSandboxID = id
        return try await self.call("PodSandboxStatus", timeout: self.configuration.statusTimeout) { options in
            let response = try await self.runtime.podSandboxStatus(request, options: options)
            guard response.hasStatus else {
                throw CRIError(code: .notFound, method: "PodSandboxStatus", message: "no status for sandbox \(id)")
            }
            return PodSandboxStatus(response.status)
        }
    }

    package func listPodSandboxes(_ filter: PodSandboxFilter?) async throws -> [PodSandboxSummary] {
        var request = Runtime_V1_ListPodSandboxRequest()
        if let filter { request.filter = filter.proto }
        return try await self.call("ListPodSandbox", timeout: self.configuration.statusTimeout) { options in
            try await self.runtime.listPodSandbox(request, options: options).items.map(PodSandboxSummary.init)
        }
    }

    // MARK: Containers

    package func createContainer(
        inSandbox sandboxID: String,
        _ config: ContainerConfig,
        sandboxConfig: PodSandboxConfig
    ) async throws -> String {
        var request = Runtime_V1_CreateContainerRequest()
        request.podSandboxID = sandboxID
        request.config = config.proto
        request.sandboxConfig = sandboxConfig.proto
        return try await self.call("CreateContainer", timeout: self.configuration.requestTimeout) { options in
            let response = try await self.runtime.createContainer(request, options: options)
            guard !response.containerID.isEmpty else {
                throw CRIError(code: .internal, method: "CreateContainer", message: "the runtime returned no container ID")
            }
            return response.containerID
        }
    }

    package func startContainer(_ id: String) async throws {
        var request = Runtime_V1_StartContainerRequest()
        request.containerID = id
        try await self.call("StartContainer", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.runtime.startContainer(request, options: options)
        }
    }

    package func stopContainer(_ id: String, timeout: Duration) async throws {
        var request = Runtime_V1_StopContainerRequest()
        request.containerID = id
        request.timeout = timeout.wholeSecondsRoundedUp
        // The runtime may wait the whole grace period before it kills: allow for it on top of the usual deadline.
        let deadline = self.configuration.requestTimeout + .seconds(request.timeout)
        try await self.call("StopContainer", timeout: deadline) { options in
            _ = try await self.runtime.stopContainer(request, options: options)
        }
    }

    package func removeContainer(_ id: String) async throws {
        var request = Runtime_V1_RemoveContainerRequest()
        request.containerID = id
        try await self.call("RemoveContainer", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.runtime.removeContainer(request, options: options)
        }
    }

    package func listContainers(_ filter: ContainerFilter?) async throws -> [ContainerSummary] {
        var request = Runtime_V1_ListContainersRequest()
        if let filter { request.filter = filter.proto }
        return try await self.call("ListContainers", timeout: self.configuration.statusTimeout) { options in
            try await self.runtime.listContainers(request, options: options).containers.map(ContainerSummary.init)
        }
    }

    package func containerStatus(_ id: String) async throws -> ContainerStatus {
        var request = Runtime_V1_ContainerStatusRequest()
        request.containerID = id
        return try await self.call("ContainerStatus", timeout: self.configuration.statusTimeout) { options in
            let response = try await self.runtime.containerStatus(request, options: options)
            guard response.hasStatus else {
                throw CRIError(code: .notFound, method: "ContainerStatus", message: "no status for container \(id)")
            }
            return ContainerStatus(response.status)
        }
    }

    package func updateContainerResources(_ id: String, linux: LinuxContainerResources) async throws {
        var request = Runtime_V1_UpdateContainerResourcesRequest()
        request.containerID = id
        request.linux = linux.proto
        try await self.call("UpdateContainerResources", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.runtime.updateContainerResources(request, options: options)
        }
    }

    package func reopenContainerLog(_ id: String) async throws {
        var request = Runtime_V1_ReopenContainerLogRequest()
        request.containerID = id
        try await self.call("ReopenContainerLog", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.runtime.reopenContainerLog(request, options: options)
        }
    }

    package func execSync(_ id: String, command: [String], timeout: Duration) async throws -> ExecResult {
        var request = Runtime_V1_ExecSyncRequest()
        request.containerID = id
        request.cmd = command
        request.timeout = timeout.wholeSecondsRoundedUp
        // As upstream: the runtime enforces `timeout`; the call may take that plus the usual deadline, so the
        // runtime has time to clean up. No timeout means no deadline.
        let deadline: Duration? = timeout > .zero ? self.configuration.requestTimeout + timeout : nil
        return try await self.call("ExecSync", timeout: deadline) { options in
            let response = try await self.runtime.execSync(request, options: options)
            return ExecResult(stdout: Array(response.stdout), stderr: Array(response.stderr), exitCode: response.exitCode)
        }
    }

    package func containerStats(_ id: String) async throws -> ContainerStats {
        var request = Runtime_V1_ContainerStatsRequest()
        request.containerID = id
        return try await self.call("ContainerStats", timeout: self.configuration.statusTimeout) { options in
            ContainerStats(try await self.runtime.containerStats(request, options: options).stats)
        }
    }

    package func listContainerStats(_ filter: ContainerStatsFilter?) async throws -> [ContainerStats] {
        var request = Runtime_V1_ListContainerStatsRequest()
        if let filter { request.filter = filter.proto }
        return try await self.call("ListContainerStats", timeout: self.configuration.statusTimeout) { options in
            try await self.runtime.listContainerStats(request, options: options).stats.map(ContainerStats.init)
        }
    }

    // MARK: Images

    package func listImages(_ filter: ImageSpec?) async throws -> [ImageInfo] {
        var request = Runtime_V1_ListImagesRequest()
        if let filter { request.filter.image = filter.proto }
        return try await self.call("ListImages", timeout: self.configuration.statusTimeout) { options in
            try await self.images.listImages(request, options: options).images.map(ImageInfo.init)
        }
    }

    package func imageStatus(_ image: ImageSpec) async throws -> ImageInfo? {
        var request = Runtime_V1_ImageStatusRequest()
        request.image = image.proto
        return try await self.call("ImageStatus", timeout: self.configuration.statusTimeout) { options in
            let response = try await self.images.imageStatus(request, options: options)
            return response.hasImage ? ImageInfo(response.image) : nil
        }
    }

    package func pullImage(_ image: ImageSpec, auth: AuthConfig?, sandboxConfig: PodSandboxConfig?) async throws
        -> String
    {
        var request = Runtime_V1_PullImageRequest()
        request.image = image.proto
        if let auth { request.auth = auth.proto }
        if let sandboxConfig { request.sandboxConfig = sandboxConfig.proto }
        return try await self.call("PullImage", timeout: self.configuration.pullTimeout) { options in
            try await self.images.pullImage(request, options: options).imageRef
        }
    }

    package func removeImage(_ image: ImageSpec) async throws {
        var request = Runtime_V1_RemoveImageRequest()
        request.image = image.proto
        try await self.call("RemoveImage", timeout: self.configuration.requestTimeout) { options in
            _ = try await self.images.removeImage(request, options: options)
        }
    }

    package func imageFsInfo() async throws -> [FilesystemUsage] {
        let request = Runtime_V1_ImageFsInfoRequest()
        return try await self.call("ImageFsInfo", timeout: self.configuration.statusTimeout) { options in
            try await self.images.imageFsInfo(request, options: options).imageFilesystems.map(FilesystemUsage.init)
        }
    }

    // MARK: Calls and errors

    /// Runs one RPC with the given deadline and turns every failure into a ``CRIError``.
    private func call<Result: Sendable>(
        _ method: String,
        timeout: Duration?,
        _ body: (CallOptions) async throws -> Result
    ) async throws -> Result {
        var options = CallOptions.defaults
        options.timeout = timeout
        // Fail fast while the runtime is away; callers retry on their own schedule.
        options.waitForReady = false
        // A busy node's list responses outgrow gRPC's default 4 MiB; upstream's CRI client allows 16 MiB.
        options.maxRequestMessageBytes = 16 * 1024 * 1024
        options.maxResponseMessageBytes = 16 * 1024 * 1024
        do {
            return try await body(options)
        } catch let error as CRIError {
            throw error
        } catch let error as RPCError {
            throw CRIError(rpcError: error, method: method, socketPath: self.configuration.socketPath)
        } catch is CancellationError {
            throw CRIError(code: .cancelled, method: method, message: "the call was cancelled")
        } catch {
            throw CRIError(code: .unknown, method: method, message: "\(error)", cause: error)
        }
    }
}

extension CRIError {
    /// Maps a gRPC status to a CRI error, explaining a missing socket when that is why the runtime is unavailable.
    package init(rpcError: RPCError, method: String, socketPath: String?) {
        let code: Code =
            switch rpcError.code {
            case .unavailable: .unavailable
            case .notFound: .notFound
            case .deadlineExceeded: .deadlineExceeded
            case .invalidArgument, .outOfRange: .invalidArgument
            case .alreadyExists: .alreadyExists
            case .permissionDenied, .unauthenticated: .permissionDenied
            case .unimplemented: .unimplemented
            case .failedPrecondition, .aborted: .failedPrecondition
            case .resourceExhausted: .resourceExhausted
            case .cancelled: .cancelled
            case .internalError, .dataLoss: .internal
            default: .unknown
            }
        var message = rpcError.message
        if code == .unavailable, let socketPath, !FileManager.default.fileExists(atPath: socketPath) {
            message = "the runtime socket \(socketPath) does not exist (is the container runtime running?)"
        }
        self.init(code: code, method: method, message: message, cause: rpcError)
    }
}

extension Duration {
    /// Whole seconds, rounded up (the CRI's timeouts are integer seconds; a fraction must not become 0 = "now").
    var wholeSecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = self.components
        return attoseconds > 0 ? seconds + 1 : max(seconds, 0)
    }
}

/// The shared position of a client's round-robin over its connections.
private final class RoundRobinCounter: Sendable {
    let value = Atomic<Int>(0)
}
