extension ContainerMetadata {
    package init(_ proto: Runtime_V1_ContainerMetadata) {
        self.init(name: proto.name, attempt: proto.attempt)
    }

    package var proto: Runtime_V1_ContainerMetadata {
        var proto = Runtime_V1_ContainerMetadata()
        proto.name = self.name
        proto.attempt = self.attempt
        return proto
    }
}

extension MountPropagation {
    package init(_ proto: Runtime_V1_MountPropagation) {
        switch proto {
        case .propagationHostToContainer: self = .hostToContainer
        case .propagationBidirectional: self = .bidirectional
        default: self = .private
        }
    }

    package var proto: Runtime_V1_MountPropagation {
        switch self {
        case .private: .propagationPrivate
        case .hostToContainer: .propagationHostToContainer
        case .bidirectional: .propagationBidirectional
        }
    }
}

extension Mount {
    package init(_ proto: Runtime_V1_Mount) {
        self.init(
            containerPath: proto.containerPath,
            hostPath: proto.hostPath,
            readonly: proto.readonly,
            selinuxRelabel: proto.selinuxRelabel,
            propagation: MountPropagation(proto.propagation)
        )
    }

    package var proto: Runtime_V1_Mount {
        var proto = Runtime_V1_Mount()
        proto.containerPath = self.containerPath
        proto.hostPath = self.hostPath
        proto.readonly = self.readonly
        proto.selinuxRelabel = self.selinuxRelabel
        proto.propagation = self.propagation.proto
        return proto
    }
}

extension LinuxContainerSecurityContext {
    package init(_ proto: Runtime_V1_LinuxContainerSecurityContext) {
        self.init(
            capabilities: proto.hasCapabilities
                ? Capabilities(
                    add: proto.capabilities.addCapabilities,
                    drop: proto.capabilities.dropCapabilities,
                    addAmbient: proto.capabilities.addAmbientCapabilities
                ) : nil,
            privileged: proto.privileged,
            namespaceOptions: NamespaceOptions(proto.namespaceOptions),
            runAsUser: proto.hasRunAsUser ? proto.runAsUser.value : nil,
            runAsUsername: proto.runAsUsername,
            runAsGroup: proto.hasRunAsGroup ? proto.runAsGroup.value : nil,
            readonlyRootfs: proto.readonlyRootfs,
            supplementalGroups: proto.supplementalGroups,
            noNewPrivs: proto.noNewPrivs,
            maskedPaths: proto.maskedPaths,
            readonlyPaths: proto.readonlyPaths,
            seccomp: proto.hasSeccomp ? SecurityProfile(proto.seccomp) : nil,
            apparmor: proto.hasApparmor ? SecurityProfile(proto.apparmor) : nil
        )
    }

    package var proto: Runtime_V1_LinuxContainerSecurityContext {
        var proto = Runtime_V1_LinuxContainerSecurityContext()
        if let capabilities = self.capabilities {
            proto.capabilities.addCapabilities = capabilities.add
            proto.capabilities.dropCapabilities = capabilities.drop
            proto.capabilities.addAmbientCapabilities = capabilities.addAmbient
        }
        proto.privileged = self.privileged
        proto.namespaceOptions = self.namespaceOptions.proto
        if let user = self.runAsUser { proto.runAsUser = Runtime_V1_Int64Value(user) }
        proto.runAsUsername = self.runAsUsername
        if let group = self.runAsGroup { proto.runAsGroup = Runtime_V1_Int64Value(group) }
        proto.readonlyRootfs = self.readonlyRootfs
        proto.supplementalGroups = self.supplementalGroups
        proto.noNewPrivs = self.noNewPrivs
        proto.maskedPaths = self.maskedPaths
        proto.readonlyPaths = self.readonlyPaths
        if let seccomp = self.seccomp { proto.seccomp = seccomp.proto }
        if let apparmor = self.apparmor { proto.apparmor = apparmor.proto }
        return proto
    }
}

extension ContainerConfig {
    package init(_ proto: Runtime_V1_ContainerConfig) {
        self.init(
            metadata: ContainerMetadata(proto.metadata),
            image: ImageSpec(proto.image),
            command: proto.command,
            args: proto.args,
            workingDir: proto.workingDir,
            envs: proto.envs.map { EnvVar($0.key, $0.value) },
            mounts: proto.mounts.map(Mount.init),
            devices: proto.devices.map {
                Device(containerPath: $0.containerPath, hostPath: $0.hostPath, permissions: $0.permissions)
            },
            labels: proto.labels,
            annotations: proto.annotations,
            logPath: proto.logPath,
            stdin: proto.stdin,
            stdinOnce: proto.stdinOnce,
            tty: proto.tty,
            linux: LinuxContainerConfig(
                resources: proto.linux.hasResources ? LinuxContainerResources(proto.linux.resources) : nil,
                securityContext: LinuxContainerSecurityContext(proto.linux.securityContext)
            ),
            stopSignal: proto.stopSignal == .runtimeDefault ? nil : "\(proto.stopSignal)".uppercased()
        )
    }

    package var proto: Runtime_V1_ContainerConfig {
        var proto = Runtime_V1_ContainerConfig()
        proto.metadata = self.metadata.proto
        proto.image = self.image.proto
        proto.command = self.command
        proto.args = self.args
        proto.workingDir = self.workingDir
        proto.envs = self.envs.map(Runtime_V1_KeyValue.init)
        proto.mounts = self.mounts.map(\.proto)
        proto.devices = self.devices.map {
            var device = Runtime_V1_Device()
            device.containerPath = $0.containerPath
            device.hostPath = $0.hostPath
            device.permissions = $0.permissions
            return device
        }
        proto.labels = self.labels
        proto.annotations = self.annotations
        proto.logPath = self.logPath
        proto.stdin = self.stdin
        proto.stdinOnce = self.stdinOnce
        proto.tty = self.tty
        if let resources = self.linux.resources { proto.linux.resources = resources.proto }
        proto.linux.securityContext = self.linux.securityContext.proto
        if let name = self.stopSignal?.uppercased() {
            proto.stopSignal = Runtime_V1_Signal.allCases.first { "\($0)".uppercased() == name } ?? .runtimeDefault
        }
        return proto
    }
}

extension ContainerState {
    package init(_ proto: Runtime_V1_ContainerState) {
        switch proto {
        case .containerCreated: self = .created
        case .containerRunning: self = .running
        case .containerExited: self = .exited
        default: self = .unknown
        }
    }

    package var proto: Runtime_V1_ContainerState {
        switch self {
        case .created: .containerCreated
        case .running: .containerRunning
        case .exited: .containerExited
        case .unknown: .containerUnknown
        }
    }
}

extension ContainerSummary {
    package init(_ proto: Runtime_V1_Container) {
        self.init(
            id: proto.id,
            podSandboxID: proto.podSandboxID,
            metadata: ContainerMetadata(proto.metadata),
            image: ImageSpec(proto.image),
            imageRef: proto.imageRef,
            state: ContainerState(proto.state),
            createdAt: proto.createdAt,
            labels: proto.labels,
            annotations: proto.annotations
        )
    }

    package var proto: Runtime_V1_Container {
        var proto = Runtime_V1_Container()
        proto.id = self.id
        proto.podSandboxID = self.podSandboxID
        proto.metadata = self.metadata.proto
        proto.image = self.image.proto
        proto.imageRef = self.imageRef
        proto.state = self.state.proto
        proto.createdAt = self.createdAt
        proto.labels = self.labels
        proto.annotations = self.annotations
        return proto
    }
}

extension ContainerStatus {
    package init(_ proto: Runtime_V1_ContainerStatus) {
        self.init(
            id: proto.id,
            metadata: ContainerMetadata(proto.metadata),
            state: ContainerState(proto.state),
            createdAt: proto.createdAt,
            startedAt: proto.startedAt,
            finishedAt: proto.finishedAt,
            exitCode: proto.exitCode,
            image: ImageSpec(proto.image),
            imageRef: proto.imageRef,
            imageID: proto.imageID,
            reason: proto.reason,
            message: proto.message,
            labels: proto.labels,
            annotations: proto.annotations,
            mounts: proto.mounts.map(Mount.init),
            logPath: proto.logPath,
            resources: proto.resources.hasLinux ? LinuxContainerResources(proto.resources.linux) : nil
        )
    }

    package var proto: Runtime_V1_ContainerStatus {
        var proto = Runtime_V1_ContainerStatus()
        proto.id = self.id
        proto.metadata = self.metadata.proto
        proto.state = self.state.proto
        proto.createdAt = self.createdAt
        proto.startedAt = self.startedAt
        proto.finishedAt = self.finishedAt
        proto.exitCode = self.exitCode
        proto.image = self.image.proto
        proto.imageRef = self.imageRef
        proto.imageID = self.imageID
        proto.reason = self.reason
        proto.message = self.message
        proto.labels = self.labels
        proto.annotations = self.annotations
        proto.mounts = self.mounts.map(\.proto)
        proto.logPath = self.logPath
        if let resources = self.resources { proto.resources.linux = resources.proto }
        return proto
    }
}

extension ContainerFilter {
    package init(_ proto: Runtime_V1_ContainerFilter) {
        self.init(
            id: proto.id.isEmpty ? nil : proto.id,
            state: proto.hasState ? ContainerState(proto.state.state) : nil,
            podSandboxID: proto.podSandboxID.isEmpty ? nil : proto.podSandboxID,
            labelSelector: proto.labelSelector
        )
    }

    package var proto: Runtime_V1_ContainerFilter {
        var proto = Runtime_V1_ContainerFilter()
        if let id = self.id { proto.id = id }
        if let state = self.state { proto.state.state = state.proto }
        if let sandbox = self.podSandboxID { proto.podSandboxID = sandbox }
        proto.labelSelector = self.labelSelector
        return proto
    }
}

extension ContainerStats {
    package init(_ proto: Runtime_V1_ContainerStats) {
        self.init(
            id: proto.attributes.id,
            metadata: ContainerMetadata(proto.attributes.metadata),
            labels: proto.attributes.labels,
            annotations: proto.attributes.annotations,
            cpu: proto.hasCpu
                ? CPUUsage(
                    timestamp: proto.cpu.timestamp,
                    usageCoreNanoSeconds: proto.cpu.hasUsageCoreNanoSeconds
                        ? proto.cpu.usageCoreNanoSeconds.value : nil,
                    usageNanoCores: proto.cpu.hasUsageNanoCores ? proto.cpu.usageNanoCores.value : nil
                ) : nil,
            memory: proto.hasMemory ? MemoryUsage(proto.memory) : nil,
            writableLayer: proto.hasWritableLayer ? FilesystemUsage(proto.writableLayer) : nil
        )
    }

    package var proto: Runtime_V1_ContainerStats {
        var proto = Runtime_V1_ContainerStats()
        proto.attributes.id = self.id
        proto.attributes.metadata = self.metadata.proto
        proto.attributes.labels = self.labels
        proto.attributes.annotations = self.annotations
        if let cpu = self.cpu {
            proto.cpu.timestamp = cpu.timestamp
            if let value = cpu.usageCoreNanoSeconds { proto.cpu.usageCoreNanoSeconds = .init(value) }
            if let value = cpu.usageNanoCores { proto.cpu.usageNanoCores = .init(value) }
        }
        if let memory = self.memory { proto.memory = memory.proto }
        if let layer = self.writableLayer { proto.writableLayer = layer.proto }
        return proto
    }
}

extension MemoryUsage {
    package init(_ proto: Runtime_V1_MemoryUsage) {
        self.init(
            timestamp: proto.timestamp,
            workingSetBytes: proto.hasWorkingSetBytes ? proto.workingSetBytes.value : nil,
            availableBytes: proto.hasAvailableBytes ? proto.availableBytes.value : nil,
            usageBytes: proto.hasUsageBytes ? proto.usageBytes.value : nil,
            rssBytes: proto.hasRssBytes ? proto.rssBytes.value : nil,
            pageFaults: proto.hasPageFaults ? proto.pageFaults.value : nil,
            majorPageFaults: proto.hasMajorPageFaults ? proto.majorPageFaults.value : nil
        )
    }

    package var proto: Runtime_V1_MemoryUsage {
        var proto = Runtime_V1_MemoryUsage()
        proto.timestamp = self.timestamp
        if let value = self.workingSetBytes { proto.workingSetBytes = .init(value) }
        if let value = self.availableBytes { proto.availableBytes = .init(value) }
        if let value = self.usageBytes { proto.usageBytes = .init(value) }
        if let value = self.rssBytes { proto.rssBytes = .init(value) }
        if let value = self.pageFaults { proto.pageFaults = .init(value) }
        if let value = self.majorPageFaults { proto.majorPageFaults = .init(value) }
        return proto
    }
}

extension ContainerStatsFilter {
    package var proto: Runtime_V1_ContainerStatsFilter {
        var proto = Runtime_V1_ContainerStatsFilter()
        if let id = self.id { proto.id = id }
        if let sandbox = self.podSandboxID { proto.podSandboxID = sandbox }
        proto.labelSelector = self.labelSelector
        return proto
    }
}
