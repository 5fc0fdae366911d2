/// What `Version` reports about the runtime.
public struct RuntimeVersion: Hashable, Sendable {
    /// Version of the kubelet-facing API the runtime was asked with.
    public var version: String
    /// Name of the runtime, e.g. `containerd`.
    public var runtimeName: String
    /// Version of the runtime, e.g. `1.6.20`.
    public var runtimeVersion: String
    /// CRI version the runtime speaks, e.g. `v1`.
    public var runtimeAPIVersion: String

    public init(version: String, runtimeName: String, runtimeVersion: String, runtimeAPIVersion: String) {
        self.version = version
        self.runtimeName = runtimeName
        self.runtimeVersion = runtimeVersion
        self.runtimeAPIVersion = runtimeAPIVersion
    }
}

/// One runtime condition, e.g. `RuntimeReady` or `NetworkReady`.
public struct RuntimeCondition: Hashable, Sendable {
    /// The two conditions a node needs before it is Ready.
    public static let runtimeReady = "RuntimeReady"
    public static let networkReady = "NetworkReady"

    public var type: String
    public var status: Bool
    public var reason: String
    public var message: String

    public init(type: String, status: Bool, reason: String = "", message: String = "") {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
    }
}

/// What `Status` reports: the runtime's conditions and, when asked for verbosely, extra information.
public struct RuntimeStatus: Hashable, Sendable {
    public var conditions: [RuntimeCondition]
    public var info: [String: String]

    public init(conditions: [RuntimeCondition], info: [String: String] = [:]) {
        self.conditions = conditions
        self.info = info
    }

    /// The condition of the given type, if the runtime reported it.
    public func condition(_ type: String) -> RuntimeCondition? {
        self.conditions.first { $0.type == type }
    }

    /// True when both `RuntimeReady` and `NetworkReady` are reported and true.
    public var isReady: Bool {
        (self.condition(RuntimeCondition.runtimeReady)?.status ?? false)
            && (self.condition(RuntimeCondition.networkReady)?.status ?? false)
    }
}

/// Credentials for pulling an image.
public struct AuthConfig: Hashable, Sendable {
    public var username: String
    public var password: String
    public var auth: String
    public var serverAddress: String
    public var identityToken: String
    public var registryToken: String

    public init(
        username: String = "",
        password: String = "",
        auth: String = "",
        serverAddress: String = "",
        identityToken: String = "",
        registryToken: String = ""
    ) {
        self.username = username
        self.password = password
        self.auth = auth
        self.serverAddress = serverAddress
        self.identityToken = identityToken
        self.registryToken = registryToken
    }
}

/// An image the runtime holds.
public struct ImageInfo: Hashable, Sendable {
    public var id: String
    public var repoTags: [String]
    public var repoDigests: [String]
    public var size: UInt64
    /// The UID the image runs as, when it names a numeric user.
    public var uid: Int64?
    /// The user name the image runs as, when it names one.
    public var username: String
    public var pinned: Bool

    public init(
        id: String,
        repoTags: [String] = [],
        repoDigests: [String] = [],
        size: UInt64 = 0,
        uid: Int64? = nil,
        username: String = "",
        pinned: Bool = false
    ) {
        self.id = id
        self.repoTags = repoTags
        self.repoDigests = repoDigests
        self.size = size
        self.uid = uid
        self.username = username
        self.pinned = pinned
    }
}

/// Usage of a filesystem (the image store, or a container's writable layer).
public struct FilesystemUsage: Hashable, Sendable {
    /// Nanoseconds since the Unix epoch when the numbers were read.
    public var timestamp: Int64
    public var mountpoint: String
    public var usedBytes: UInt64?
    public var inodesUsed: UInt64?

    public init(timestamp: Int64, mountpoint: String, usedBytes: UInt64? = nil, inodesUsed: UInt64? = nil) {
        self.timestamp = timestamp
        self.mountpoint = mountpoint
        self.usedBytes = usedBytes
        self.inodesUsed = inodesUsed
    }
}

/// CPU usage of a container.
public struct CPUUsage: Hashable, Sendable {
    public var timestamp: Int64
    /// Cumulative CPU time consumed, in core-nanoseconds.
    public var usageCoreNanoSeconds: UInt64?
    /// Average rate over the last sample window, in nano-cores.
    public var usageNanoCores: UInt64?

    public init(timestamp: Int64, usageCoreNanoSeconds: UInt64? = nil, usageNanoCores: UInt64? = nil) {
        self.timestamp = timestamp
        self.usageCoreNanoSeconds = usageCoreNanoSeconds
        self.usageNanoCores = usageNanoCores
    }
}

/// Memory usage of a container.
public struct MemoryUsage: Hashable, Sendable {
    public var timestamp: Int64
    public var workingSetBytes: UInt64?
    public var availableBytes: UInt64?
    public var usageBytes: UInt64?
    public var rssBytes: UInt64?
    public var pageFaults: UInt64?
    public var majorPageFaults: UInt64?

    public init(
        timestamp: Int64,
        workingSetBytes: UInt64? = nil,
        availableBytes: UInt64? = nil,
        usageBytes: UInt64? = nil,
        rssBytes: UInt64? = nil,
        pageFaults: UInt64? = nil,
        majorPageFaults: UInt64? = nil
    ) {
        self.timestamp = timestamp
        self.workingSetBytes = workingSetBytes
        self.availableBytes = availableBytes
        self.usageBytes = usageBytes
        self.rssBytes = rssBytes
        self.pageFaults = pageFaults
        self.majorPageFaults = majorPageFaults
    }
}

/// Resource usage of one container.
public struct ContainerStats: Hashable, Sendable {
    public var id: String
    public var metadata: ContainerMetadata
    public var labels: [String: String]
    public var annotations: [String: String]
    public var cpu: CPUUsage?
    public var memory: MemoryUsage?
    public var writableLayer: FilesystemUsage?

    public init(
        id: String,
        metadata: ContainerMetadata,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        cpu: CPUUsage? = nil,
        memory: MemoryUsage? = nil,
        writableLayer: FilesystemUsage? = nil
    ) {
        self.id = id
        self.metadata = metadata
        self.labels = labels
        self.annotations = annotations
        self.cpu = cpu
        self.memory = memory
        self.writableLayer = writableLayer
    }
}

/// Narrows `ListContainerStats`; unset fields match everything.
public struct ContainerStatsFilter: Hashable, Sendable {
    public var id: String?
    public var podSandboxID: String?
    public var labelSelector: [String: String]

    public init(id: String? = nil, podSandboxID: String? = nil, labelSelector: [String: String] = [:]) {
        self.id = id
        self.podSandboxID = podSandboxID
        self.labelSelector = labelSelector
    }
}
