/// A Pod (`v1 Pod`): metadata, desired state and observed status.
public struct Pod: Codable, Hashable, Sendable {
    /// `v1` for pods.
    public var apiVersion: String?
    /// `Pod`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta
    /// The desired behaviour of the pod.
    public var spec: PodSpec
    /// The observed state, written by the node agent.
    public var status: PodStatus?

    /// Creates a `Pod`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        spec: PodSpec = PodSpec(),
        status: PodStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.spec = try container.value(.spec, default: PodSpec())
        self.status = try container.value(.status)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.spec, forKey: .spec)
        try container.encodeIfPresent(self.status, forKey: .status)
    }
}

/// A list of pods (`v1 PodList`), as the URL source and the `/pods` endpoint carry.
public struct PodList: Codable, Hashable, Sendable {
    /// `v1`.
    public var apiVersion: String?
    /// `PodList`.
    public var kind: String?
    /// The pods.
    public var items: [Pod]

    /// Creates a `PodList`; every parameter defaults to unset.
    public init(apiVersion: String? = nil, kind: String? = nil, items: [Pod] = []) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, items
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.items = try container.value(.items, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.items, forKey: .items)
    }
}

/// The desired state of a pod (`v1 PodSpec` subset).
public struct PodSpec: Codable, Hashable, Sendable {
    /// Volumes the containers can mount.
    public var volumes: [Volume]
    /// Containers run in order before the app containers; with `restartPolicy: Always` they are sidecars.
    public var initContainers: [Container]
    /// The app containers; at least one.
    public var containers: [Container]
    /// Always (default), OnFailure or Never.
    public var restartPolicy: RestartPolicy?
    /// Seconds between the termination signal and the kill; default 30.
    public var terminationGracePeriodSeconds: Int64?
    /// Seconds the pod may be active before it is failed.
    public var activeDeadlineSeconds: Int64?
    /// ClusterFirst (default), ClusterFirstWithHostNet, Default or None.
    public var dnsPolicy: DNSPolicy?
    /// Labels a node must have.
    public var nodeSelector: [String: String]
    /// Service account the pod runs as.
    public var serviceAccountName: String?
    /// The node the pod is bound to.
    public var nodeName: String?
    /// Use the host's network namespace.
    public var hostNetwork: Bool?
    /// Use the host's PID namespace.
    public var hostPID: Bool?
    /// Use the host's IPC namespace.
    public var hostIPC: Bool?
    /// One PID namespace for all containers of the pod.
    public var shareProcessNamespace: Bool?
    /// Pod-level security attributes.
    public var securityContext: PodSecurityContext?
    /// Hostname of the pod; default the pod name.
    public var hostname: String?
    /// Subdomain: the FQDN becomes `<hostname>.<subdomain>.<ns>.svc.<domain>`.
    public var subdomain: String?
    /// Taints the pod tolerates.
    public var tolerations: [Toleration]
    /// Extra `/etc/hosts` entries.
    public var hostAliases: [HostAlias]
    /// Priority value.
    public var priority: Int32?
    /// Priority class name.
    public var priorityClassName: String?
    /// DNS parameters merged with (or, for dnsPolicy None, replacing) the generated ones.
    public var dnsConfig: PodDNSConfig?
    /// Extra conditions that must be True for the pod to be Ready.
    public var readinessGates: [PodReadinessGate]
    /// CRI runtime handler to run the pod with.
    public var runtimeClassName: String?
    /// Inject service environment variables; default true.
    public var enableServiceLinks: Bool?
    /// The operating system the pod needs.
    public var os: PodOS?
    /// Scheduler that places the pod.
    public var schedulerName: String?

    /// Creates a `PodSpec`; every parameter defaults to unset.
    public init(
        volumes: [Volume] = [],
        initContainers: [Container] = [],
        containers: [Container] = [],
        restartPolicy: RestartPolicy? = nil,
        terminationGracePeriodSeconds: Int64? = nil,
        activeDeadlineSeconds: Int64? = nil,
        dnsPolicy: DNSPolicy? = nil,
        nodeSelector: [String: String] = [:],
        serviceAccountName: String? = nil,
        nodeName: String? = nil,
        hostNetwork: Bool? = nil,
        hostPID: Bool? = nil,
        hostIPC: Bool? = nil,
        shareProcessNamespace: Bool? = nil,
        securityContext: PodSecurityContext? = nil,
        hostname: String? = nil,
        subdomain: String? = nil,
        tolerations: [Toleration] = [],
        hostAliases: [HostAlias] = [],
        priority: Int32? = nil,
        priorityClassName: String? = nil,
        dnsConfig: PodDNSConfig? = nil,
        readinessGates: [PodReadinessGate] = [],
        runtimeClassName: String? = nil,
        enableServiceLinks: Bool? = nil,
        os: PodOS? = nil,
        schedulerName: String? = nil
    ) {
        self.volumes = volumes
        self.initContainers = initContainers
        self.containers = containers
        self.restartPolicy = restartPolicy
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.dnsPolicy = dnsPolicy
        self.nodeSelector = nodeSelector
        self.serviceAccountName = serviceAccountName
        self.nodeName = nodeName
        self.hostNetwork = hostNetwork
        self.hostPID = hostPID
        self.hostIPC = hostIPC
        self.shareProcessNamespace = shareProcessNamespace
        self.securityContext = securityContext
        self.hostname = hostname
        self.subdomain = subdomain
        self.tolerations = tolerations
        self.hostAliases = hostAliases
        self.priority = priority
        self.priorityClassName = priorityClassName
        self.dnsConfig = dnsConfig
        self.readinessGates = readinessGates
        self.runtimeClassName = runtimeClassName
        self.enableServiceLinks = enableServiceLinks
        self.os = os
        self.schedulerName = schedulerName
    }

    private enum CodingKeys: String, CodingKey {
        case volumes, initContainers, containers, restartPolicy, terminationGracePeriodSeconds, activeDeadlineSeconds
        case dnsPolicy, nodeSelector, serviceAccountName, nodeName, hostNetwork, hostPID, hostIPC
        case shareProcessNamespace, securityContext, hostname, subdomain, tolerations, hostAliases, priority
        case priorityClassName, dnsConfig, readinessGates, runtimeClassName, enableServiceLinks, os, schedulerName
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.volumes = try container.value(.volumes, default: [])
        self.initContainers = try container.value(.initContainers, default: [])
        self.containers = try container.value(.containers, default: [])
        self.restartPolicy = try container.value(.restartPolicy)
        self.terminationGracePeriodSeconds = try container.value(.terminationGracePeriodSeconds)
        self.activeDeadlineSeconds = try container.value(.activeDeadlineSeconds)
        self.dnsPolicy = try container.value(.dnsPolicy)
        self.nodeSelector = try container.value(.nodeSelector, default: [:])
        self.serviceAccountName = try container.value(.serviceAccountName)
        self.nodeName = try container.value(.nodeName)
        self.hostNetwork = try container.value(.hostNetwork)
        self.hostPID = try container.value(.hostPID)
        self.hostIPC = try container.value(.hostIPC)
        self.shareProcessNamespace = try container.value(.shareProcessNamespace)
        self.securityContext = try container.value(.securityContext)
        self.hostname = try container.value(.hostname)
        self.subdomain = try container.value(.subdomain)
        self.tolerations = try container.value(.tolerations, default: [])
        self.hostAliases = try container.value(.hostAliases, default: [])
        self.priority = try container.value(.priority)
        self.priorityClassName = try container.value(.priorityClassName)
        self.dnsConfig = try container.value(.dnsConfig)
        self.readinessGates = try container.value(.readinessGates, default: [])
        self.runtimeClassName = try container.value(.runtimeClassName)
        self.enableServiceLinks = try container.value(.enableServiceLinks)
        self.os = try container.value(.os)
        self.schedulerName = try container.value(.schedulerName)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.volumes, forKey: .volumes)
        try container.encode(nonEmpty: self.initContainers, forKey: .initContainers)
        try container.encode(nonEmpty: self.containers, forKey: .containers)
        try container.encodeIfPresent(self.restartPolicy, forKey: .restartPolicy)
        try container.encodeIfPresent(self.terminationGracePeriodSeconds, forKey: .terminationGracePeriodSeconds)
        try container.encodeIfPresent(self.activeDeadlineSeconds, forKey: .activeDeadlineSeconds)
        try container.encodeIfPresent(self.dnsPolicy, forKey: .dnsPolicy)
        try container.encode(nonEmpty: self.nodeSelector, forKey: .nodeSelector)
        try container.encodeIfPresent(self.serviceAccountName, forKey: .serviceAccountName)
        try container.encodeIfPresent(self.nodeName, forKey: .nodeName)
        try container.encodeIfPresent(self.hostNetwork, forKey: .hostNetwork)
        try container.encodeIfPresent(self.hostPID, forKey: .hostPID)
        try container.encodeIfPresent(self.hostIPC, forKey: .hostIPC)
        try container.encodeIfPresent(self.shareProcessNamespace, forKey: .shareProcessNamespace)
        try container.encodeIfPresent(self.securityContext, forKey: .securityContext)
        try container.encodeIfPresent(self.hostname, forKey: .hostname)
        try container.encodeIfPresent(self.subdomain, forKey: .subdomain)
        try container.encode(nonEmpty: self.tolerations, forKey: .tolerations)
        try container.encode(nonEmpty: self.hostAliases, forKey: .hostAliases)
        try container.encodeIfPresent(self.priority, forKey: .priority)
        try container.encodeIfPresent(self.priorityClassName, forKey: .priorityClassName)
        try container.encodeIfPresent(self.dnsConfig, forKey: .dnsConfig)
        try container.encode(nonEmpty: self.readinessGates, forKey: .readinessGates)
        try container.encodeIfPresent(self.runtimeClassName, forKey: .runtimeClassName)
        try container.encodeIfPresent(self.enableServiceLinks, forKey: .enableServiceLinks)
        try container.encodeIfPresent(self.os, forKey: .os)
        try container.encodeIfPresent(self.schedulerName, forKey: .schedulerName)
    }
}
