/// Identity of a pod sandbox, as the kubelet sets it: the pod's name, UID and namespace, plus the attempt
/// number (incremented each time the sandbox of the same pod is re-created).
public struct PodSandboxMetadata: Hashable, Sendable {
    public var name: String
    public var uid: String
    public var namespace: String
    public var attempt: UInt32

    public init(name: String, uid: String, namespace: String, attempt: UInt32 = 0) {
        self.name = name
        self.uid = uid
        self.namespace = namespace
        self.attempt = attempt
    }
}

/// DNS settings written into the sandbox's `resolv.conf`.
public struct DNSConfig: Hashable, Sendable {
    public var servers: [String]
    public var searches: [String]
    public var options: [String]

    public init(servers: [String] = [], searches: [String] = [], options: [String] = []) {
        self.servers = servers
        self.searches = searches
        self.options = options
    }
}

/// A transport protocol of a port mapping.
public enum PortProtocol: String, Hashable, Sendable, CaseIterable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"
}

/// A hostPort mapping of the sandbox (carried out by the CNI portmap plugin).
public struct PortMapping: Hashable, Sendable {
    public var `protocol`: PortProtocol
    public var containerPort: Int32
    public var hostPort: Int32
    public var hostIP: String

    public init(protocol: PortProtocol = .tcp, containerPort: Int32, hostPort: Int32 = 0, hostIP: String = "") {
        self.protocol = `protocol`
        self.containerPort = containerPort
        self.hostPort = hostPort
        self.hostIP = hostIP
    }
}

/// Which namespace a sandbox or container gets: its own, the pod's, the node's, or another container's.
public enum NamespaceMode: Hashable, Sendable {
    /// Shared by all containers of the pod (the CRI's default).
    case pod
    /// The container's own namespace.
    case container
    /// The host's namespace (hostNetwork, hostPID, hostIPC).
    case node
    /// The namespace of the container given by ``NamespaceOptions/targetID``.
    case target
}

/// The network, PID and IPC namespace choices of a sandbox or container.
public struct NamespaceOptions: Hashable, Sendable {
    public var network: NamespaceMode
    public var pid: NamespaceMode
    public var ipc: NamespaceMode
    public var targetID: String

    public init(
        network: NamespaceMode = .pod,
        pid: NamespaceMode = .pod,
        ipc: NamespaceMode = .pod,
        targetID: String = ""
    ) {
        self.network = network
        self.pid = pid
        self.ipc = ipc
        self.targetID = targetID
    }
}

/// A seccomp or AppArmor profile choice.
public enum SecurityProfile: Hashable, Sendable {
    case runtimeDefault
    case unconfined
    /// A profile on the node; for seccomp the absolute path of its JSON file.
    case localhost(String)
}

/// Security settings of the sandbox as a whole.
public struct LinuxSandboxSecurityContext: Hashable, Sendable {
    public var namespaceOptions: NamespaceOptions
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var readonlyRootfs: Bool
    public var supplementalGroups: [Int64]
    public var privileged: Bool
    public var seccomp: SecurityProfile?

    public init(
        namespaceOptions: NamespaceOptions = NamespaceOptions(),
        runAsUser: Int64? = nil,
        runAsGroup: Int64? = nil,
        readonlyRootfs: Bool = false,
        supplementalGroups: [Int64] = [],
        privileged: Bool = false,
        seccomp: SecurityProfile? = nil
    ) {
        self.namespaceOptions = namespaceOptions
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.readonlyRootfs = readonlyRootfs
        self.supplementalGroups = supplementalGroups
        self.privileged = privileged
        self.seccomp = seccomp
    }
}

/// Linux-specific sandbox settings.
public struct LinuxPodSandboxConfig: Hashable, Sendable {
    /// Parent cgroup of the sandbox, in the syntax of the runtime's cgroup driver (cgroupfs: a path).
    public var cgroupParent: String
    public var securityContext: LinuxSandboxSecurityContext
    public var sysctls: [String: String]
    /// Pod-level resources (the sum of the containers' plus overhead), if set.
    public var resources: LinuxContainerResources?

    public init(
        cgroupParent: String = "",
        securityContext: LinuxSandboxSecurityContext = LinuxSandboxSecurityContext(),
        sysctls: [String: String] = [:],
        resources: LinuxContainerResources? = nil
    ) {
        self.cgroupParent = cgroupParent
        self.securityContext = securityContext
        self.sysctls = sysctls
        self.resources = resources
    }
}

/// Everything the runtime needs to create a pod sandbox: it is also passed again with every container.
public struct PodSandboxConfig: Hashable, Sendable {
    public var metadata: PodSandboxMetadata
    /// The sandbox hostname; must be empty when the network namespace is the node's.
    public var hostname: String
    /// Directory holding the containers' log files, `/var/log/pods/<ns>_<name>_<uid>`.
    public var logDirectory: String
    public var dnsConfig: DNSConfig?
    public var portMappings: [PortMapping]
    public var labels: [String: String]
    public var annotations: [String: String]
    public var linux: LinuxPodSandboxConfig

    public init(
        metadata: PodSandboxMetadata,
        hostname: String = "",
        logDirectory: String = "",
        dnsConfig: DNSConfig? = nil,
        portMappings: [PortMapping] = [],
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        linux: LinuxPodSandboxConfig = LinuxPodSandboxConfig()
    ) {
        self.metadata = metadata
        self.hostname = hostname
        self.logDirectory = logDirectory
        self.dnsConfig = dnsConfig
        self.portMappings = portMappings
        self.labels = labels
        self.annotations = annotations
        self.linux = linux
    }
}

/// Whether a sandbox's namespaces are up.
public enum PodSandboxState: Hashable, Sendable {
    case ready
    case notReady
}

/// A sandbox as `ListPodSandbox` reports it.
public struct PodSandboxSummary: Hashable, Sendable {
    public var id: String
    public var metadata: PodSandboxMetadata
    public var state: PodSandboxState
    /// Creation time in nanoseconds since the Unix epoch.
    public var createdAt: Int64
    public var labels: [String: String]
    public var annotations: [String: String]
    public var runtimeHandler: String

    public init(
        id: String,
        metadata: PodSandboxMetadata,
        state: PodSandboxState,
        createdAt: Int64 = 0,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        runtimeHandler: String = ""
    ) {
        self.id = id
        self.metadata = metadata
        self.state = state
        self.createdAt = createdAt
        self.labels = labels
        self.annotations = annotations
        self.runtimeHandler = runtimeHandler
    }
}

/// A sandbox as `PodSandboxStatus` reports it, with its network.
public struct PodSandboxStatus: Hashable, Sendable {
    public var id: String
    public var metadata: PodSandboxMetadata
    public var state: PodSandboxState
    /// Creation time in nanoseconds since the Unix epoch.
    public var createdAt: Int64
    /// The pod's primary IP (empty for a sandbox in the node's network namespace).
    public var ip: String
    public var additionalIPs: [String]
    /// The namespace options the sandbox was created with, if the runtime reports them.
    public var namespaceOptions: NamespaceOptions?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var runtimeHandler: String

    public init(
        id: String,
        metadata: PodSandboxMetadata,
        state: PodSandboxState,
        createdAt: Int64 = 0,
        ip: String = "",
        additionalIPs: [String] = [],
        namespaceOptions: NamespaceOptions? = nil,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        runtimeHandler: String = ""
    ) {
        self.id = id
        self.metadata = metadata
        self.state = state
        self.createdAt = createdAt
        self.ip = ip
        self.additionalIPs = additionalIPs
        self.namespaceOptions = namespaceOptions
        self.labels = labels
        self.annotations = annotations
        self.runtimeHandler = runtimeHandler
    }
}

/// Narrows `ListPodSandbox`; unset fields match everything.
public struct PodSandboxFilter: Hashable, Sendable {
    public var id: String?
    public var state: PodSandboxState?
    public var labelSelector: [String: String]

    public init(id: String? = nil, state: PodSandboxState? = nil, labelSelector: [String: String] = [:]) {
        self.id = id
        self.state = state
        self.labelSelector = labelSelector
    }
}
