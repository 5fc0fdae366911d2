public import CRIClient
import GRPCCore
import GRPCInProcessTransport

/// Serves a ``ContainerRuntime`` (usually ``FakeContainerRuntime``) over gRPC, in process, and runs `body` with
/// the real ``CRIClient`` connected to it: the client's conversions, deadlines and error mapping are exercised
/// exactly as against containerd, without a socket.
///
/// The default configuration names a path that exists (`/dev/null`): the client replaces an `unavailable`
/// error's message with a hint when its socket file is missing, and the in-process server's own messages must
/// come through unchanged.
public func withInProcessCRIClient<Result: Sendable>(
    serving backend: any ContainerRuntime,
    configuration: CRIClientConfiguration = CRIClientConfiguration(socketPath: "/dev/null"),
    _ body: (any ContainerRuntime) async throws -> Result
) async throws -> Result {
    let transport = InProcessTransport()
    let services: [any RegistrableRPCService] = [
        RuntimeServiceAdapter(backend: backend), ImageServiceAdapter(backend: backend),
    ]
    return try await withGRPCServer(transport: transport.server, services: services) { _ in
        try await withGRPCClient(transport: transport.client) { client in
            try await body(CRIClient(client: client, configuration: configuration))
        }
    }
}

/// Runs a backend call, turning a ``CRIError`` into the gRPC status a real runtime would send.
private func serve<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as CRIError {
        throw RPCError(code: error.code.rpcCode, message: error.message)
    }
}

extension CRIError.Code {
    fileprivate var rpcCode: RPCError.Code {
        switch self {
        case .unavailable: .unavailable
        case .notFound: .notFound
        case .deadlineExceeded: .deadlineExceeded
        case .invalidArgument: .invalidArgument
        case .alreadyExists: .alreadyExists
        case .permissionDenied: .permissionDenied
        case .unimplemented: .unimplemented
        case .failedPrecondition: .failedPrecondition
        case .resourceExhausted: .resourceExhausted
        case .cancelled: .cancelled
        case .internal: .internalError
        default: .unknown
        }
    }
}

private struct RuntimeServiceAdapter: Runtime_V1_RuntimeService.SimpleServiceProtocol {
    let backend: any ContainerRuntime

    func version(request: Runtime_V1_VersionRequest, context: ServerContext) async throws
        -> Runtime_V1_VersionResponse
    {
        try await serve {
            let version = try await self.backend.version()
            var response = Runtime_V1_VersionResponse()
            response.version = version.version
            response.runtimeName = version.runtimeName
            response.runtimeVersion = version.runtimeVersion
            response.runtimeApiVersion = version.runtimeAPIVersion
            return response
        }
    }

    func status(request: Runtime_V1_StatusRequest, context: ServerContext) async throws -> Runtime_V1_StatusResponse {
        try await serve { try await self.backend.status(verbose: request.verbose).proto }
    }

    func runPodSandbox(request: Runtime_V1_RunPodSandboxRequest, context: ServerContext) async throws
        -> Runtime_V1_RunPodSandboxResponse
    {
        try await serve {
            var response = Runtime_V1_RunPodSandboxResponse()
            response.podSandboxID = try await self.backend.runPodSandbox(
                PodSandboxConfig(request.config),
                runtimeHandler: request.runtimeHandler
            )
            return response
        }
    }

    func stopPodSandbox(request: Runtime_V1_StopPodSandboxRequest, context: ServerContext) async throws
        -> Runtime_V1_StopPodSandboxResponse
    {
        try await serve { try await self.backend.stopPodSandbox(request.podSandboxID) }
        return Runtime_V1_StopPodSandboxResponse()
    }

    func removePodSandbox(request: Runtime_V1_RemovePodSandboxRequest, context: ServerContext) async throws
        -> Runtime_V1_RemovePodSandboxResponse
    {
        try await serve { try await self.backend.removePodSandbox(request.podSandboxID) }
        return Runtime_V1_RemovePodSandboxResponse()
    }

    func podSandboxStatus(request: Runtime_V1_PodSandboxStatusRequest, context: ServerContext) async throws
        -> Runtime_V1_PodSandboxStatusResponse
    {
        try await serve {
            var response = Runtime_V1_PodSandboxStatusResponse()
            response.status = try await self.backend.podSandboxStatus(request.podSandboxID).proto
            return response
        }
    }

    func listPodSandbox(request: Runtime_V1_ListPodSandboxRequest, context: ServerContext) async throws
        -> Runtime_V1_ListPodSandboxResponse
    {
        try await serve {
            var response = Runtime_V1_ListPodSandboxResponse()
            let filter = request.hasFilter ? PodSandboxFilter(request.filter) : nil
            response.items = try await self.backend.listPodSandboxes(filter).map(\.proto)
            return response
        }
    }

    func createContainer(request: Runtime_V1_CreateContainerRequest, context: ServerContext) async throws
        -> Runtime_V1_CreateContainerResponse
    {
        try await serve {
            var response = Runtime_V1_CreateContainerResponse()
            response.containerID = try await self.backend.createContainer(
                inSandbox: request.podSandboxID,
                ContainerConfig(request.config),
                sandboxConfig: PodSandboxConfig(request.sandboxConfig)
            )
            return response
        }
    }

    func startContainer(request: Runtime_V1_StartContainerRequest, context: ServerContext) async throws
        -> Runtime_V1_StartContainerResponse
    {
        try await serve { try await self.backend.startContainer(request.containerID) }
        return Runtime_V1_StartContainerResponse()
    }

    func stopContainer(request: Runtime_V1_StopContainerRequest, context: ServerContext) async throws
        -> Runtime_V1_StopContainerResponse
    {
        try await serve { try await self.backend.stopContainer(request.containerID, timeout: .seconds(request.timeout)) }
        return Runtime_V1_StopContainerResponse()
    }

    func removeContainer(request: Runtime_V1_RemoveContainerRequest, context: ServerContext) async throws
        -> Runtime_V1_RemoveContainerResponse
    {
        try await serve { try await self.backend.removeContainer(request.containerID) }
        return Runtime_V1_RemoveContainerResponse()
    }

    func listContainers(request: Runtime_V1_ListContainersRequest, context: ServerContext) async throws
        -> Runtime_V1_ListContainersResponse
    {
        try await serve {
            var response = Runtime_V1_ListContainersResponse()
            let filter = request.hasFilter ? ContainerFilter(request.filter) : nil
            response.containers = try await self.backend.listContainers(filter).map(\.proto)
            return response
        }
    }

    func containerStatus(request: Runtime_V1_ContainerStatusRequest, context: ServerContext) async throws
        -> Runtime_V1_ContainerStatusResponse
    {
        try await serve {
            var response = Runtime_V1_ContainerStatusResponse()
            response.status = try await self.backend.containerStatus(request.containerID).proto
            return response
        }
    }

    func updateContainerResources(request: Runtime_V1_UpdateContainerResourcesRequest, context: ServerContext)
        async throws -> Runtime_V1_UpdateContainerResourcesResponse
    {
        try await serve {
            try await self.backend.updateContainerResources(
                request.containerID,
                linux: LinuxContainerResources(request.linux)
            )
        }
        return Runtime_V1_UpdateContainerResourcesResponse()
    }

    func reopenContainerLog(request: Runtime_V1_ReopenContainerLogRequest, context: ServerContext) async throws
        -> Runtime_V1_ReopenContainerLogResponse
    {
        try await serve { try await self.backend.reopenContainerLog(request.containerID) }
        return Runtime_V1_ReopenContainerLogResponse()
    }

    func execSync(request: Runtime_V1_ExecSyncRequest, context: ServerContext) async throws
        -> Runtime_V1_ExecSyncResponse
    {
        try await serve {
            let result = try await self.backend.execSync(
                request.containerID,
                command: request.cmd,
                timeout: .seconds(request.timeout)
            )
            var response = Runtime_V1_ExecSyncResponse()
            response.stdout = .init(result.stdout)
            response.stderr = .init(result.stderr)
            response.exitCode = result.exitCode
            return response
        }
    }

    func containerStats(request: Runtime_V1_ContainerStatsRequest, context: ServerContext) async throws
        -> Runtime_V1_ContainerStatsResponse
    {
        try await serve {
            var response = Runtime_V1_ContainerStatsResponse()
            response.stats = try await self.backend.containerStats(request.containerID).proto
            return response
        }
    }

    func listContainerStats(request: Runtime_V1_ListContainerStatsRequest, context: ServerContext) async throws
        -> Runtime_V1_ListContainerStatsResponse
    {
        try await serve {
            var response = Runtime_V1_ListContainerStatsResponse()
            let filter = ContainerStatsFilter(
                id: request.filter.id.isEmpty ? nil : request.filter.id,
                podSandboxID: request.filter.podSandboxID.isEmpty ? nil : request.filter.podSandboxID,
                labelSelector: request.filter.labelSelector
            )
            response.stats = try await self.backend.listContainerStats(filter).map(\.proto)
            return response
        }
    }

    func podSandboxStats(request: Runtime_V1_PodSandboxStatsRequest, context: ServerContext) async throws
        -> Runtime_V1_PodSandboxStatsResponse
    {
        throw RPCError(code: .unimplemented, message: "PodSandboxStats is not implemented by the fake runtime")
    }

    func listPodSandboxStats(request: Runtime_V1_ListPodSandboxStatsRequest, context: ServerContext) async throws
        -> Runtime_V1_ListPodSandboxStatsResponse
    {
        throw RPCError(code: .unimplemented, message: "ListPodSandboxStats is not implemented by the fake runtime")
    }

    func updateRuntimeConfig(request: Runtime_V1_UpdateRuntimeConfigRequest, context: ServerContext) async throws
        -> Runtime_V1_UpdateRuntimeConfigResponse
    {
        Runtime_V1_UpdateRuntimeConfigResponse()
    }
}

private struct ImageServiceAdapter: Runtime_V1_ImageService.SimpleServiceProtocol {
    let backend: any ContainerRuntime

    func listImages(request: Runtime_V1_ListImagesRequest, context: ServerContext) async throws
        -> Runtime_V1_ListImagesResponse
    {
        try await serve {
            var response = Runtime_V1_ListImagesResponse()
            let filter = request.filter.hasImage ? ImageSpec(request.filter.image) : nil
            response.images = try await self.backend.listImages(filter).map(\.proto)
            return response
        }
    }

    func imageStatus(request: Runtime_V1_ImageStatusRequest, context: ServerContext) async throws
        -> Runtime_V1_ImageStatusResponse
    {
        try await serve {
            var response = Runtime_V1_ImageStatusResponse()
            if let image = try await self.backend.imageStatus(ImageSpec(request.image)) {
                response.image = image.proto
            }
            return response
        }
    }

    func pullImage(request: Runtime_V1_PullImageRequest, context: ServerContext) async throws
        -> Runtime_V1_PullImageResponse
    {
        try await serve {
            var response = Runtime_V1_PullImageResponse()
            response.imageRef = try await self.backend.pullImage(
                ImageSpec(request.image),
                auth: nil,
                sandboxConfig: request.hasSandboxConfig ? PodSandboxConfig(request.sandboxConfig) : nil
            )
            return response
        }
    }

    func removeImage(request: Runtime_V1_RemoveImageRequest, context: ServerContext) async throws
        -> Runtime_V1_RemoveImageResponse
    {
        try await serve { try await self.backend.removeImage(ImageSpec(request.image)) }
        return Runtime_V1_RemoveImageResponse()
    }

    func imageFsInfo(request: Runtime_V1_ImageFsInfoRequest, context: ServerContext) async throws
        -> Runtime_V1_ImageFsInfoResponse
    {
        try await serve {
            var response = Runtime_V1_ImageFsInfoResponse()
            response.imageFilesystems = try await self.backend.imageFsInfo().map(\.proto)
            return response
        }
    }
}
