/// Identity of a container inside its sandbox: (name, attempt) is unique per sandbox.
public struct ContainerMetadata: Hashable, Sendable {
    public var name: String
    /// How many times the container of this name was created before in the sandbox (the restart count).
    public var attempt: UInt32

    public init(name: String, attempt: UInt32 = 0) {
        self.name = name
        self.attempt = attempt
    }
}

/// An image reference as the CRI passes it around.
public struct ImageSpec: Hashable, Sendable {
    /// Image name, tag or digest reference, or image ID.
    public var image: String
    public var annotations: [String: String]
    /// The image as the user wrote it in the pod spec.
    public var userSpecifiedImage: String
    public var runtimeHandler: String

    public init(
        _ image: String,
        annotations: [String: String] = [:],
        userSpecifiedImage: String = "",
        runtimeHandler: String = ""
    ) {
        self.image = image
        self.annotations = annotations
        self.userSpecifiedImage = userSpecifiedImage
        self.runtimeHandler = runtimeHandler
    }
}

/// One environment variable.
public struct EnvVar: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Mount propagation of a bind mount.
public enum MountPropagation: Hashable, Sendable {
    case `private`
    case hostToContainer
    case bidirectional
}

/// A bind mount from the host into the container.
public struct Mount: Hashable, Sendable {
    public var containerPath: String
    public var hostPath: String
    public var readonly: Bool
    public var selinuxRelabel: Bool
    public var propagation: MountPropagation

    public init(
        containerPath: String,
        hostPath: String,
        readonly: Bool = false,
        selinuxRelabel: Bool = false,
        propagation: MountPropagation = .private
    ) {
        self.containerPath = containerPath
        self.hostPath = hostPath
        self.readonly = readonly
        self.selinuxRelabel = selinuxRelabel
        self.propagation = propagation
    }
}

/// A device node made available in the container.
public struct Device: Hashable, Sendable {
    public var containerPath: String
    public var hostPath: String
    /// cgroup permissions: any of `r`, `w`, `m`.
    public var permissions: String

    public init(containerPath: String, hostPath: String, permissions: String = "rwm") {
        self.containerPath = containerPath
        self.hostPath = hostPath
        self.permissions = permissions
    }
}

/// A hugepage limit: page size (e.g. `2MB`) and limit in bytes.
public struct HugepageLimit: Hashable, Sendable {
    public var pageSize: String
    public var limit: UInt64

    public init(pageSize: String, limit: UInt64) {
        self.pageSize = pageSize
        self.limit = limit
    }
}

/// cgroup resources of a container. Zero means "not set" for the numeric fields, as in the CRI.
public struct LinuxContainerResources: Hashable, Sendable {
    public var cpuPeriod: Int64
    public var cpuQuota: Int64
    public var cpuShares: Int64
    public var memoryLimitInBytes: Int64
    public var oomScoreAdj: Int64
    public var cpusetCpus: String
    public var cpusetMems: String
    public var hugepageLimits: [HugepageLimit]
    /// cgroup v2 settings by file name (e.g. `memory.high`).
    public var unified: [String: String]
    public var memorySwapLimitInBytes: Int64

    public init(
        cpuPeriod: Int64 = 0,
        cpuQuota: Int64 = 0,
        cpuShares: Int64 = 0,
        memoryLimitInBytes: Int64 = 0,
        oomScoreAdj: Int64 = 0,
        cpusetCpus: String = "",
        cpusetMems: String = "",
        hugepageLimits: [HugepageLimit] = [],
        unified: [String: String] = [:],
        memorySwapLimitInBytes: Int64 = 0
    ) {
        self.cpuPeriod = cpuPeriod
        self.cpuQuota = cpuQuota
        self.cpuShares = cpuShares
        self.memoryLimitInBytes = memoryLimitInBytes
        self.oomScoreAdj = oomScoreAdj
        self.cpusetCpus = cpusetCpus
        self.cpusetMems = cpusetMems
        self.hugepageLimits = hugepageLimits
        self.unified = unified
        self.memorySwapLimitInBytes = memorySwapLimitInBytes
    }
}

/// Capabilities added to or dropped from the runtime's default set.
public struct Capabilities: Hashable, Sendable {
    public var add: [String]
    public var drop: [String]
    public var addAmbient: [String]

    public init(add: [String] = [], drop: [String] = [], addAmbient: [String] = []) {
        self.add = add
        self.drop = drop
        self.addAmbient = addAmbient
    }
}

/// Security settings of one container.
public struct LinuxContainerSecurityContext: Hashable, Sendable {
    public var capabilities: Capabilities?
    public var privileged: Bool
    public var namespaceOptions: NamespaceOptions
    public var runAsUser: Int64?
    public var runAsUsername: String
    public var runAsGroup: Int64?
    public var readonlyRootfs: Bool
    public var supplementalGroups: [Int64]
    public var noNewPrivs: Bool
    public var maskedPaths: [String]
    public var readonlyPaths: [String]
    public var seccomp: SecurityProfile?
    public var apparmor: SecurityProfile?

    public init(
        capabilities: Capabilities? = nil,
        privileged: Bool = false,
        namespaceOptions: NamespaceOptions = NamespaceOptions(),
        runAsUser: Int64? = nil,
        runAsUsername: String = "",
        runAsGroup: Int64? = nil,
        readonlyRootfs: Bool = false,
        supplementalGroups: [Int64] = [],
        noNewPrivs: Bool = false,
        maskedPaths: [String] = [],
        readonlyPaths: [String] = [],
        seccomp: SecurityProfile? = nil,
        apparmor: SecurityProfile? = nil
    ) {
        self.capabilities = capabilities
        self.privileged = privileged
        self.namespaceOptions = namespaceOptions
        self.runAsUser = runAsUser
        self.runAsUsername = runAsUsername
        self.runAsGroup = runAsGroup
        self.readonlyRootfs = readonlyRootfs
        self.supplementalGroups = supplementalGroups
        self.noNewPrivs = noNewPrivs
        self.maskedPaths = maskedPaths
        self.readonlyPaths = readonlyPaths
        self.seccomp = seccomp
        self.apparmor = apparmor
    }
}

/// Linux-specific container settings.
public struct LinuxContainerConfig: Hashable, Sendable {
    public var resources: LinuxContainerResources?
    public var securityContext: LinuxContainerSecurityContext

    public init(
        resources: LinuxContainerResources? = nil,
        securityContext: LinuxContainerSecurityContext = LinuxContainerSecurityContext()
    ) {
        self.resources = resources
        self.securityContext = securityContext
    }
}

/// Everything the runtime needs to create one container in a sandbox.
public struct ContainerConfig: Hashable, Sendable {
    public var metadata: ContainerMetadata
    public var image: ImageSpec
    /// Entrypoint; empty means the image's.
    public var command: [String]
    public var args: [String]
    public var workingDir: String
    public var envs: [EnvVar]
    public var mounts: [Mount]
    public var devices: [Device]
    public var labels: [String: String]
    public var annotations: [String: String]
    /// Log file path relative to the sandbox's log directory, e.g. `web/0.log`.
    public var logPath: String
    public var stdin: Bool
    public var stdinOnce: Bool
    public var tty: Bool
    public var linux: LinuxContainerConfig
    /// `lifecycle.stopSignal` as its name (`SIGUSR1`); `nil` leaves the image's STOPSIGNAL or SIGTERM
    /// (CRI `stop_signal`, field 18).
    public var stopSignal: String?

    public init(
        metadata: ContainerMetadata,
        image: ImageSpec,
        command: [String] = [],
        args: [String] = [],
        workingDir: String = "",
        envs: [EnvVar] = [],
        mounts: [Mount] = [],
        devices: [Device] = [],
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        logPath: String = "",
        stdin: Bool = false,
        stdinOnce: Bool = false,
        tty: Bool = false,
        linux: LinuxContainerConfig = LinuxContainerConfig(),
        stopSignal: String? = nil
    ) {
        self.stopSignal = stopSignal
        self.metadata = metadata
        self.image = image
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.envs = envs
        self.mounts = mounts
        self.devices = devices
        self.labels = labels
        self.annotations = annotations
        self.logPath = logPath
        self.stdin = stdin
        self.stdinOnce = stdinOnce
        self.tty = tty
        self.linux = linux
    }
}

/// The state of a container as the runtime reports it.
public enum ContainerState: Hashable, Sendable {
    case created
    case running
    case exited
    case unknown
}

/// A container as `ListContainers` reports it.
public struct ContainerSummary: Hashable, Sendable {
    public var id: String
    public var podSandboxID: String
    public var metadata: ContainerMetadata
    public var image: ImageSpec
    /// The image ID the container runs (digest), as resolved by the runtime.
    public var imageRef: String
    public var state: ContainerState
    /// Creation time in nanoseconds since the Unix epoch.
    public var createdAt: Int64
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(
        id: String,
        podSandboxID: String,
        metadata: ContainerMetadata,
        image: ImageSpec,
        imageRef: String = "",
        state: ContainerState,
        createdAt: Int64 = 0,
        labels: [String: String] = [:],
        annotations: [String: String] = [:]
    ) {
        self.id = id
        self.podSandboxID = podSandboxID
        self.metadata = metadata
        self.image = image
        self.imageRef = imageRef
        self.state = state
        self.createdAt = createdAt
        self.labels = labels
        self.annotations = annotations
    }
}

/// A container as `ContainerStatus` reports it, with times and exit information.
public struct ContainerStatus: Hashable, Sendable {
    public var id: String
    public var metadata: ContainerMetadata
    public var state: ContainerState
    /// Times in nanoseconds since the Unix epoch; 0 when not reached.
    public var createdAt: Int64
    public var startedAt: Int64
    public var finishedAt: Int64
    public var exitCode: Int32
    public var image: ImageSpec
    public var imageRef: String
    public var imageID: String
    /// Brief reason for the state, e.g. `Completed`, `Error`, `OOMKilled`.
    public var reason: String
    public var message: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var mounts: [Mount]
    /// Absolute path of the container's log file.
    public var logPath: String
    public var resources: LinuxContainerResources?

    public init(
        id: String,
        metadata: ContainerMetadata,
        state: ContainerState,
        createdAt: Int64 = 0,
        startedAt: Int64 = 0,
        finishedAt: Int64 = 0,
        exitCode: Int32 = 0,
        image: ImageSpec = ImageSpec(""),
        imageRef: String = "",
        imageID: String = "",
        reason: String = "",
        message: String = "",
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        mounts: [Mount] = [],
        logPath: String = "",
        resources: LinuxContainerResources? = nil
    ) {
        self.id = id
        self.metadata = metadata
        self.state = state
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.image = image
        self.imageRef = imageRef
        self.imageID = imageID
        self.reason = reason
        self.message = message
        self.labels = labels
        self.annotations = annotations
        self.mounts = mounts
        self.logPath = logPath
        self.resources = resources
    }
}

/// Narrows `ListContainers`; unset fields match everything.
public struct ContainerFilter: Hashable, Sendable {
    public var id: String?
    public var state: ContainerState?
    public var podSandboxID: String?
    public var labelSelector: [String: String]

    public init(
        id: String? = nil,
        state: ContainerState? = nil,
        podSandboxID: String? = nil,
        labelSelector: [String: String] = [:]
    ) {
        self.id = id
        self.state = state
        self.podSandboxID = podSandboxID
        self.labelSelector = labelSelector
    }
}

/// What a command run by `ExecSync` printed and how it exited.
public struct ExecResult: Hashable, Sendable {
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var exitCode: Int32

    public init(stdout: [UInt8] = [], stderr: [UInt8] = [], exitCode: Int32 = 0) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }

    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var stdoutText: String { String(decoding: self.stdout, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var stderrText: String { String(decoding: self.stderr, as: UTF8.self) }
}
