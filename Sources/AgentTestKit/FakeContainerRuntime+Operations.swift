public import CRIClient
import Synchronization

extension FakeContainerRuntime {
    public func version() async throws -> RuntimeVersion {
        try await self.enter("Version")
        return RuntimeVersion(version: "0.1.0", runtimeName: "fake", runtimeVersion: "1.0.0", runtimeAPIVersion: "v1")
    }

    public func status(verbose: Bool) async throws -> RuntimeStatus {
        try await self.enter("Status")
        return RuntimeStatus(conditions: [
            RuntimeCondition(type: RuntimeCondition.runtimeReady, status: true),
            RuntimeCondition(type: RuntimeCondition.networkReady, status: true),
        ])
    }

    // MARK: Sandboxes

    public func runPodSandbox(_ config: PodSandboxConfig, runtimeHandler: String) async throws -> String {
        try await self.enter("RunPodSandbox")
        return self.state.withLock { state in
            let id = state.makeID("sandbox")
            let hostNetwork = config.linux.securityContext.namespaceOptions.network == .node
            let status = PodSandboxStatus(
                id: id,
                metadata: config.metadata,
                state: .ready,
                createdAt: state.tick(),
                ip: hostNetwork ? "" : "10.200.0.\(state.nextID % 250 + 2)",
                namespaceOptions: config.linux.securityContext.namespaceOptions,
                labels: config.labels,
                annotations: config.annotations,
                runtimeHandler: runtimeHandler
            )
            state.sandboxes[id] = (config, status)
            return id
        }
    }

    public func stopPodSandbox(_ id: String) async throws {
        try await self.enter("StopPodSandbox")
        self.state.withLock { state in
            guard state.sandboxes[id] != nil else { return }
            state.sandboxes[id]!.status.state = .notReady
            let now = state.tick()
            for (containerID, entry) in state.containers where entry.sandboxID == id && entry.status.state == .running {
                state.containers[containerID]!.status.state = .exited
                state.containers[containerID]!.status.exitCode = 137
                state.containers[containerID]!.status.reason = "Error"
                state.containers[containerID]!.status.finishedAt = now
            }
        }
    }

    public func removePodSandbox(_ id: String) async throws {
        try await self.enter("RemovePodSandbox")
        self.state.withLock { state in
            state.sandboxes[id] = nil
            state.containers = state.containers.filter { $0.value.sandboxID != id }
        }
    }

    public func podSandboxStatus(_ id: String) async throws -> PodSandboxStatus {
        try await self.enter("PodSandboxStatus")
        guard let status = self.state.withLock({ $0.sandboxes[id]?.status }) else {
            throw Self.notFound("PodSandboxStatus", "sandbox \(id)")
        }
        return status
    }

    public func listPodSandboxes(_ filter: PodSandboxFilter?) async throws -> [PodSandboxSummary] {
        try await self.enter("ListPodSandbox")
        return self.state.withLock { state in
            state.sandboxes.values.map(\.status)
                .filter { status in
                    guard let filter else { return true }
                    return (filter.id.map { $0 == status.id } ?? true)
                        && (filter.state.map { $0 == status.state } ?? true)
                        && filter.labelSelector.allSatisfy { status.labels[$0.key] == $0.value }
                }
                .sorted { $0.createdAt < $1.createdAt }
                .map {
                    PodSandboxSummary(
                        id: $0.id,
                        metadata: $0.metadata,
                        state: $0.state,
                        createdAt: $0.createdAt,
                        labels: $0.labels,
                        annotations: $0.annotations,
                        runtimeHandler: $0.runtimeHandler
                    )
                }
        }
    }

    // MARK: Containers

    public func createContainer(
        inSandbox sandboxID: String,
        _ config: ContainerConfig,
        sandboxConfig: PodSandboxConfig
    ) async throws -> String {
        try await self.enter("CreateContainer")
        return try self.state.withLock { state in
            guard let sandbox = state.sandboxes[sandboxID] else {
                throw Self.notFound("CreateContainer", "sandbox \(sandboxID)")
            }
            guard let image = state.images[config.image.image] else {
                throw Self.notFound("CreateContainer", "image \"\(config.image.image)\"")
            }
            let clash = state.containers.values.contains {
                $0.sandboxID == sandboxID && $0.status.metadata == config.metadata
            }
            if clash {
                throw CRIError(
                    code: .alreadyExists,
                    method: "CreateContainer",
                    message: "container \(config.metadata.name) attempt \(config.metadata.attempt) already exists"
                )
            }
            let id = state.makeID("container")
            let status = ContainerStatus(
                id: id,
                metadata: config.metadata,
                state: .created,
                createdAt: state.tick(),
                image: config.image,
                imageRef: image.id,
                imageID: image.id,
                labels: config.labels,
                annotations: config.annotations,
                mounts: config.mounts,
                logPath: sandbox.config.logDirectory + "/" + config.logPath,
                resources: config.linux.resources
            )
            state.containers[id] = (sandboxID, status)
            return id
        }
    }

    public func startContainer(_ id: String) async throws {
        try await self.enter("StartContainer")
        try self.state.withLock { state in
            guard let entry = state.containers[id] else { throw Self.notFound("StartContainer", "container \(id)") }
            guard entry.status.state == .created else {
                throw CRIError(code: .failedPrecondition, method: "StartContainer", message: "container \(id) is not created")
            }
            state.containers[id]!.status.state = .running
            state.containers[id]!.status.startedAt = state.tick()
        }
    }

    public func stopContainer(_ id: String, timeout: Duration) async throws {
        try await self.enter("StopContainer")
        try self.state.withLock { state in
            guard let entry = state.containers[id] else { throw Self.notFound("StopContainer", "container \(id)") }
            guard entry.status.state == .running else { return }
            state.containers[id]!.status.state = .exited
            state.containers[id]!.status.exitCode = 137
            state.containers[id]!.status.reason = "Error"
            state.containers[id]!.status.finishedAt = state.tick()
        }
    }

    public func removeContainer(_ id: String) async throws {
        try await self.enter("RemoveContainer")
        self.state.withLock { _ = $0.containers.removeValue(forKey: id) }
    }

    public func listContainers(_ filter: ContainerFilter?) async throws -> [ContainerSummary] {
        try await self.enter("ListContainers")
        return self.state.withLock { state in
            state.containers
                .filter { id, entry in
                    guard let filter else { return true }
                    return (filter.id.map { $0 == id } ?? true)
                        && (filter.state.map { $0 == entry.status.state } ?? true)
                        && (filter.podSandboxID.map { $0 == entry.sandboxID } ?? true)
                        && filter.labelSelector.allSatisfy { entry.status.labels[$0.key] == $0.value }
                }
                .sorted { $0.value.status.createdAt < $1.value.status.createdAt }
                .map { id, entry in
                    ContainerSummary(
                        id: id,
                        podSandboxID: entry.sandboxID,
                        metadata: entry.status.metadata,
                        image: entry.status.image,
                        imageRef: entry.status.imageRef,
                        state: entry.status.state,
                        createdAt: entry.status.createdAt,
                        labels: entry.status.labels,
                        annotations: entry.status.annotations
                    )
                }
        }
    }

    public func containerStatus(_ id: String) async throws -> ContainerStatus {
        try await self.enter("ContainerStatus")
        guard let status = self.state.withLock({ $0.containers[id]?.status }) else {
            throw Self.notFound("ContainerStatus", "container \(id)")
        }
        return status
    }

    public func updateContainerResources(_ id: String, linux: LinuxContainerResources) async throws {
        try await self.enter("UpdateContainerResources")
        try self.state.withLock { state in
            guard state.containers[id] != nil else {
                throw Self.notFound("UpdateContainerResources", "container \(id)")
            }
            state.containers[id]!.status.resources = linux
        }
    }

    public func reopenContainerLog(_ id: String) async throws {
        try await self.enter("ReopenContainerLog")
        guard self.state.withLock({ $0.containers[id]?.status.state == .running }) else {
            throw CRIError(code: .failedPrecondition, method: "ReopenContainerLog", message: "container \(id) is not running")
        }
    }

    public func execSync(_ id: String, command: [String], timeout: Duration) async throws -> ExecResult {
        try await self.enter("ExecSync")
        let handler = try self.state.withLock { state -> ExecHandler in
            guard state.containers[id]?.status.state == .running else {
                throw CRIError(code: .failedPrecondition, method: "ExecSync", message: "container \(id) is not running")
            }
            return state.execHandler
        }
        return handler(id, command)
    }

    public func containerStats(_ id: String) async throws -> ContainerStats {
        try await self.enter("ContainerStats")
        guard let stats = try await self.listContainerStats(ContainerStatsFilter(id: id)).first else {
            throw Self.notFound("ContainerStats", "container \(id)")
        }
        return stats
    }

    public func listContainerStats(_ filter: ContainerStatsFilter?) async throws -> [ContainerStats] {
        try await self.enter("ListContainerStats")
        return self.state.withLock { state in
            let now = state.tick()
            return state.containers
                .filter { id, entry in
                    (filter?.id.map { $0 == id } ?? true) && (filter?.podSandboxID.map { $0 == entry.sandboxID } ?? true)
                }
                .map { id, entry in
                    ContainerStats(
                        id: id,
                        metadata: entry.status.metadata,
                        labels: entry.status.labels,
                        annotations: entry.status.annotations,
                        cpu: CPUUsage(timestamp: now, usageCoreNanoSeconds: 1_000),
                        memory: MemoryUsage(timestamp: now, workingSetBytes: 4096)
                    )
                }
        }
    }

    // MARK: Images

    public func listImages(_ filter: ImageSpec?) async throws -> [ImageInfo] {
        try await self.enter("ListImages")
        return self.state.withLock { state in
            state.images.filter { filter == nil || $0.key == filter!.image }.values.sorted { $0.id < $1.id }
        }
    }

    public func imageStatus(_ image: ImageSpec) async throws -> ImageInfo? {
        try await self.enter("ImageStatus")
        return self.state.withLock { $0.images[image.image] }
    }

    public func pullImage(_ image: ImageSpec, auth: AuthConfig?, sandboxConfig: PodSandboxConfig?) async throws
        -> String
    {
        try await self.enter("PullImage")
        // Like the offline node: nothing can be pulled.
        throw CRIError(
            code: .unknown,
            method: "PullImage",
            message: "failed to pull and unpack image \"\(image.image)\": failed to resolve reference: no registry reachable"
        )
    }

    public func removeImage(_ image: ImageSpec) async throws {
        try await self.enter("RemoveImage")
        self.state.withLock { _ = $0.images.removeValue(forKey: image.image) }
    }

    public func imageFsInfo() async throws -> [FilesystemUsage] {
        try await self.enter("ImageFsInfo")
        let now = self.state.withLock { $0.tick() }
        return [FilesystemUsage(timestamp: now, mountpoint: "/var/lib/fake", usedBytes: 1 << 20, inodesUsed: 42)]
    }
}
