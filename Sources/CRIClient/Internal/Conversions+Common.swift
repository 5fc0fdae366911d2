// Conversions between the generated CRI messages and the domain types, both ways. Pure; unit-tested by
// round trips. `package` so the test kit's in-process fake runtime can speak the same types.

extension PortProtocol {
    package init(_ proto: Runtime_V1_Protocol) {
        switch proto {
        case .udp: self = .udp
        case .sctp: self = .sctp
        default: self = .tcp
        }
    }

    package var proto: Runtime_V1_Protocol {
        switch self {
        case .tcp: .tcp
        case .udp: .udp
        case .sctp: .sctp
        }
    }
}

extension NamespaceMode {
    package init(_ proto: Runtime_V1_NamespaceMode) {
        switch proto {
        case .container: self = .container
        case .node: self = .node
        case .target: self = .target
        default: self = .pod
        }
    }

    package var proto: Runtime_V1_NamespaceMode {
        switch self {
        case .pod: .pod
        case .container: .container
        case .node: .node
        case .target: .target
        }
    }
}

extension NamespaceOptions {
    package init(_ proto: Runtime_V1_NamespaceOption) {
        self.init(
            network: NamespaceMode(proto.network),
            pid: NamespaceMode(proto.pid),
            ipc: NamespaceMode(proto.ipc),
            targetID: proto.targetID
        )
    }

    package var proto: Runtime_V1_NamespaceOption {
        var proto = Runtime_V1_NamespaceOption()
        proto.network = self.network.proto
        proto.pid = self.pid.proto
        proto.ipc = self.ipc.proto
        proto.targetID = self.targetID
        return proto
    }
}

extension SecurityProfile {
    package init(_ proto: Runtime_V1_SecurityProfile) {
        switch proto.profileType {
        case .unconfined: self = .unconfined
        case .localhost: self = .localhost(proto.localhostRef)
        default: self = .runtimeDefault
        }
    }

    package var proto: Runtime_V1_SecurityProfile {
        var proto = Runtime_V1_SecurityProfile()
        switch self {
        case .runtimeDefault:
            proto.profileType = .runtimeDefault
        case .unconfined:
            proto.profileType = .unconfined
        case .localhost(let ref):
            proto.profileType = .localhost
            proto.localhostRef = ref
        }
        return proto
    }
}

extension Runtime_V1_Int64Value {
    package init(_ value: Int64) {
        self.init()
        self.value = value
    }
}

extension Runtime_V1_UInt64Value {
    package init(_ value: UInt64) {
        self.init()
        self.value = value
    }
}

extension Runtime_V1_KeyValue {
    package init(_ env: EnvVar) {
        self.init()
        self.key = env.name
        self.value = env.value
    }
}

extension ImageSpec {
    package init(_ proto: Runtime_V1_ImageSpec) {
        self.init(
            proto.image,
            annotations: proto.annotations,
            userSpecifiedImage: proto.userSpecifiedImage,
            runtimeHandler: proto.runtimeHandler
        )
    }

    package var proto: Runtime_V1_ImageSpec {
        var proto = Runtime_V1_ImageSpec()
        proto.image = self.image
        proto.annotations = self.annotations
        proto.userSpecifiedImage = self.userSpecifiedImage
        proto.runtimeHandler = self.runtimeHandler
        return proto
    }
}

extension LinuxContainerResources {
    package init(_ proto: Runtime_V1_LinuxContainerResources) {
        self.init(
            cpuPeriod: proto.cpuPeriod,
            cpuQuota: proto.cpuQuota,
            cpuShares: proto.cpuShares,
            memoryLimitInBytes: proto.memoryLimitInBytes,
            oomScoreAdj: proto.oomScoreAdj,
            cpusetCpus: proto.cpusetCpus,
            cpusetMems: proto.cpusetMems,
            hugepageLimits: proto.hugepageLimits.map { HugepageLimit(pageSize: $0.pageSize, limit: $0.limit) },
            unified: proto.unified,
            memorySwapLimitInBytes: proto.memorySwapLimitInBytes
        )
    }

    package var proto: Runtime_V1_LinuxContainerResources {
        var proto = Runtime_V1_LinuxContainerResources()
        proto.cpuPeriod = self.cpuPeriod
        proto.cpuQuota = self.cpuQuota
        proto.cpuShares = self.cpuShares
        proto.memoryLimitInBytes = self.memoryLimitInBytes
        proto.oomScoreAdj = self.oomScoreAdj
        proto.cpusetCpus = self.cpusetCpus
        proto.cpusetMems = self.cpusetMems
        proto.hugepageLimits = self.hugepageLimits.map {
            var limit = Runtime_V1_HugepageLimit()
            limit.pageSize = $0.pageSize
            limit.limit = $0.limit
            return limit
        }
        proto.unified = self.unified
        proto.memorySwapLimitInBytes = self.memorySwapLimitInBytes
        return proto
    }
}

extension FilesystemUsage {
    package init(_ proto: Runtime_V1_FilesystemUsage) {
        self.init(
            timestamp: proto.timestamp,
            mountpoint: proto.fsID.mountpoint,
            usedBytes: proto.hasUsedBytes ? proto.usedBytes.value : nil,
            inodesUsed: proto.hasInodesUsed ? proto.inodesUsed.value : nil
        )
    }

    package var proto: Runtime_V1_FilesystemUsage {
        var proto = Runtime_V1_FilesystemUsage()
        proto.timestamp = self.timestamp
        proto.fsID.mountpoint = self.mountpoint
        if let used = self.usedBytes { proto.usedBytes = Runtime_V1_UInt64Value(used) }
        if let inodes = self.inodesUsed { proto.inodesUsed = Runtime_V1_UInt64Value(inodes) }
        return proto
    }
}
