public import Foundation

/// The observed state of a node (`v1 NodeStatus`).
public struct NodeStatus: Codable, Hashable, Sendable {
    /// Total resources of the node: `cpu`, `memory`, `ephemeral-storage`, `pods`, `hugepages-<size>`.
    public var capacity: [String: Quantity]
    /// Resources available to pods (capacity minus reservations).
    public var allocatable: [String: Quantity]
    /// Deprecated node phase; unset for nodes the kubelet registers.
    public var phase: String?
    /// Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.
    public var conditions: [NodeCondition]
    /// Hostname, InternalIP, ExternalIP addresses.
    public var addresses: [NodeAddress]
    /// Ports of the daemons on the node.
    public var daemonEndpoints: NodeDaemonEndpoints?
    /// Versions and identifiers of the machine and its software.
    public var nodeInfo: NodeSystemInfo?
    /// Images present on the node (at most 50 reported).
    public var images: [ContainerImage]
    /// Volumes in use (mounted) by the node.
    public var volumesInUse: [String]
    /// Volumes attached to the node.
    public var volumesAttached: [AttachedVolume]
    /// Runtime handlers (runtime classes) the node offers.
    public var runtimeHandlers: [NodeRuntimeHandler]

    /// Creates a `NodeStatus`; every parameter defaults to unset.
    public init(
        capacity: [String: Quantity] = [:],
        allocatable: [String: Quantity] = [:],
        phase: String? = nil,
        conditions: [NodeCondition] = [],
        addresses: [NodeAddress] = [],
        daemonEndpoints: NodeDaemonEndpoints? = nil,
        nodeInfo: NodeSystemInfo? = nil,
        images: [ContainerImage] = [],
        volumesInUse: [String] = [],
        volumesAttached: [AttachedVolume] = [],
        runtimeHandlers: [NodeRuntimeHandler] = []
    ) {
        self.capacity = capacity
        self.allocatable = allocatable
        self.phase = phase
        self.conditions = conditions
        self.addresses = addresses
        self.daemonEndpoints = daemonEndpoints
        self.nodeInfo = nodeInfo
        self.images = images
        self.volumesInUse = volumesInUse
        self.volumesAttached = volumesAttached
        self.runtimeHandlers = runtimeHandlers
    }

    private enum CodingKeys: String, CodingKey {
        case capacity, allocatable, phase, conditions, addresses, daemonEndpoints, nodeInfo, images, volumesInUse
        case volumesAttached, runtimeHandlers
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.capacity = try container.value(.capacity, default: [:])
        self.allocatable = try container.value(.allocatable, default: [:])
        self.phase = try container.value(.phase)
        self.conditions = try container.value(.conditions, default: [])
        self.addresses = try container.value(.addresses, default: [])
        self.daemonEndpoints = try container.value(.daemonEndpoints)
        self.nodeInfo = try container.value(.nodeInfo)
        self.images = try container.value(.images, default: [])
        self.volumesInUse = try container.value(.volumesInUse, default: [])
        self.volumesAttached = try container.value(.volumesAttached, default: [])
        self.runtimeHandlers = try container.value(.runtimeHandlers, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.capacity, forKey: .capacity)
        try container.encode(nonEmpty: self.allocatable, forKey: .allocatable)
        try container.encodeIfPresent(self.phase, forKey: .phase)
        try container.encode(nonEmpty: self.conditions, forKey: .conditions)
        try container.encode(nonEmpty: self.addresses, forKey: .addresses)
        try container.encodeIfPresent(self.daemonEndpoints, forKey: .daemonEndpoints)
        try container.encodeIfPresent(self.nodeInfo, forKey: .nodeInfo)
        try container.encode(nonEmpty: self.images, forKey: .images)
        try container.encode(nonEmpty: self.volumesInUse, forKey: .volumesInUse)
        try container.encode(nonEmpty: self.volumesAttached, forKey: .volumesAttached)
        try container.encode(nonEmpty: self.runtimeHandlers, forKey: .runtimeHandlers)
    }

    /// The condition of the given type, if reported.
    public func condition(_ type: NodeConditionType) -> NodeCondition? {
        self.conditions.first { $0.type == type }
    }
}

/// Type of a node condition (`v1 NodeConditionType`).
public struct NodeConditionType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let ready: Self = "Ready"
    public static let memoryPressure: Self = "MemoryPressure"
    public static let diskPressure: Self = "DiskPressure"
    public static let pidPressure: Self = "PIDPressure"
    public static let networkUnavailable: Self = "NetworkUnavailable"
}

/// One condition of a node (`v1 NodeCondition`).
public struct NodeCondition: Codable, Hashable, Sendable {
    /// Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.
    public var type: NodeConditionType
    /// True, False or Unknown.
    public var status: ConditionStatus
    /// When the condition was last reported by the agent.
    public var lastHeartbeatTime: Date?
    /// When the status last changed.
    public var lastTransitionTime: Date?
    /// CamelCase reason of the last transition, e.g. `KubeletReady`.
    public var reason: String?
    /// Human-readable message, e.g. `kubelet is posting ready status`.
    public var message: String?

    /// Creates a `NodeCondition`.
    public init(
        type: NodeConditionType,
        status: ConditionStatus,
        lastHeartbeatTime: Date? = nil,
        lastTransitionTime: Date? = nil,
        reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    private enum CodingKeys: String, CodingKey {
        case type, status, lastHeartbeatTime, lastTransitionTime, reason, message
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.value(.type, default: NodeConditionType(rawValue: ""))
        self.status = try container.value(.status, default: ConditionStatus(rawValue: ""))
        self.lastHeartbeatTime = try container.value(.lastHeartbeatTime)
        self.lastTransitionTime = try container.value(.lastTransitionTime)
        self.reason = try container.value(.reason)
        self.message = try container.value(.message)
    }
}

/// Type of a node address (`v1 NodeAddressType`).
public struct NodeAddressType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let hostname: Self = "Hostname"
    public static let internalIP: Self = "InternalIP"
    public static let externalIP: Self = "ExternalIP"
    public static let internalDNS: Self = "InternalDNS"
    public static let externalDNS: Self = "ExternalDNS"
}

/// An address of a node (`v1 NodeAddress`).
public struct NodeAddress: Codable, Hashable, Sendable {
    /// Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.
    public var type: NodeAddressType
    /// The address.
    public var address: String

    /// Creates a `NodeAddress`.
    public init(type: NodeAddressType, address: String) {
        self.type = type
        self.address = address
    }

    private enum CodingKeys: String, CodingKey {
        case type, address
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.value(.type, default: NodeAddressType(rawValue: ""))
        self.address = try container.value(.address, default: "")
    }
}

/// Ports of the daemons on a node (`v1 NodeDaemonEndpoints`).
public struct NodeDaemonEndpoints: Codable, Hashable, Sendable {
    /// The kubelet API endpoint (10250 by default).
    public var kubeletEndpoint: DaemonEndpoint?

    /// Creates a `NodeDaemonEndpoints`.
    public init(kubeletEndpoint: DaemonEndpoint? = nil) {
        self.kubeletEndpoint = kubeletEndpoint
    }
}

/// A daemon's port (`v1 DaemonEndpoint`); upstream's JSON name is `Port`, capitalised.
public struct DaemonEndpoint: Codable, Hashable, Sendable {
    /// The port number.
    public var port: Int32

    /// Creates a `DaemonEndpoint`.
    public init(port: Int32) {
        self.port = port
    }

    private enum CodingKeys: String, CodingKey {
        case port = "Port"
    }

    /// Decodes the object; a missing port is 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.port = try container.value(.port, default: 0)
    }
}

/// Versions and identifiers of a node's machine and software (`v1 NodeSystemInfo`); upstream always writes every
/// field, so they are plain strings.
public struct NodeSystemInfo: Codable, Hashable, Sendable {
    /// `/etc/machine-id`.
    public var machineID: String
    /// The SMBIOS product UUID.
    public var systemUUID: String
    /// `/proc/sys/kernel/random/boot_id`.
    public var bootID: String
    /// `uname -r`.
    public var kernelVersion: String
    /// `PRETTY_NAME` of `/etc/os-release`.
    public var osImage: String
    /// `<runtime>://<version>`, e.g. `containerd://1.6.20`.
    public var containerRuntimeVersion: String
    /// The kubelet version (``AgentVersion/kubernetesVersion`` for node-agent).
    public var kubeletVersion: String
    /// Deprecated; upstream leaves it empty since 1.31.
    public var kubeProxyVersion: String
    /// `linux`.
    public var operatingSystem: String
    /// `amd64`, `arm64`, ...
    public var architecture: String
    /// Swap of the node, when known.
    public var swap: NodeSwapStatus?

    /// Creates a `NodeSystemInfo`; every parameter defaults to empty.
    public init(
        machineID: String = "",
        systemUUID: String = "",
        bootID: String = "",
        kernelVersion: String = "",
        osImage: String = "",
        containerRuntimeVersion: String = "",
        kubeletVersion: String = "",
        kubeProxyVersion: String = "",
        operatingSystem: String = "",
        architecture: String = "",
        swap: NodeSwapStatus? = nil
    ) {
        self.machineID = machineID
        self.systemUUID = systemUUID
        self.bootID = bootID
        self.kernelVersion = kernelVersion
        self.osImage = osImage
        self.containerRuntimeVersion = containerRuntimeVersion
        self.kubeletVersion = kubeletVersion
        self.kubeProxyVersion = kubeProxyVersion
        self.operatingSystem = operatingSystem
        self.architecture = architecture
        self.swap = swap
    }

    private enum CodingKeys: String, CodingKey {
        case machineID, systemUUID, bootID, kernelVersion, osImage, containerRuntimeVersion, kubeletVersion
        case kubeProxyVersion, operatingSystem, architecture, swap
    }

    /// Decodes the object; a missing field is empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.machineID = try container.value(.machineID, default: "")
        self.systemUUID = try container.value(.systemUUID, default: "")
        self.bootID = try container.value(.bootID, default: "")
        self.kernelVersion = try container.value(.kernelVersion, default: "")
        self.osImage = try container.value(.osImage, default: "")
        self.containerRuntimeVersion = try container.value(.containerRuntimeVersion, default: "")
        self.kubeletVersion = try container.value(.kubeletVersion, default: "")
        self.kubeProxyVersion = try container.value(.kubeProxyVersion, default: "")
        self.operatingSystem = try container.value(.operatingSystem, default: "")
        self.architecture = try container.value(.architecture, default: "")
        self.swap = try container.value(.swap)
    }
}

/// Swap of a node (`v1 NodeSwapStatus`).
public struct NodeSwapStatus: Codable, Hashable, Sendable {
    /// Total swap in bytes.
    public var capacity: Int64?

    /// Creates a `NodeSwapStatus`.
    public init(capacity: Int64? = nil) {
        self.capacity = capacity
    }
}

/// An image on a node (`v1 ContainerImage`).
public struct ContainerImage: Codable, Hashable, Sendable {
    /// Names (tags and digests) of the image.
    public var names: [String]
    /// Size in bytes.
    public var sizeBytes: Int64?

    /// Creates a `ContainerImage`.
    public init(names: [String] = [], sizeBytes: Int64? = nil) {
        self.names = names
        self.sizeBytes = sizeBytes
    }

    private enum CodingKeys: String, CodingKey {
        case names, sizeBytes
    }

    /// Decodes the object; missing names are empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.names = try container.value(.names, default: [])
        self.sizeBytes = try container.value(.sizeBytes)
    }
}

/// A volume attached to a node (`v1 AttachedVolume`).
public struct AttachedVolume: Codable, Hashable, Sendable {
    /// Name of the attached volume.
    public var name: String
    /// Device path where the volume is available.
    public var devicePath: String

    /// Creates an `AttachedVolume`.
    public init(name: String, devicePath: String) {
        self.name = name
        self.devicePath = devicePath
    }
}

/// A runtime handler of a node (`v1 NodeRuntimeHandler`).
public struct NodeRuntimeHandler: Codable, Hashable, Sendable {
    /// Handler name; empty for the default handler.
    public var name: String?
    /// Features the handler supports.
    public var features: NodeRuntimeHandlerFeatures?

    /// Creates a `NodeRuntimeHandler`.
    public init(name: String? = nil, features: NodeRuntimeHandlerFeatures? = nil) {
        self.name = name
        self.features = features
    }
}

/// Features of a runtime handler (`v1 NodeRuntimeHandlerFeatures`).
public struct NodeRuntimeHandlerFeatures: Codable, Hashable, Sendable {
    /// Recursive read-only mounts.
    public var recursiveReadOnlyMounts: Bool?
    /// User namespaces.
    public var userNamespaces: Bool?

    /// Creates a `NodeRuntimeHandlerFeatures`.
    public init(recursiveReadOnlyMounts: Bool? = nil, userNamespaces: Bool? = nil) {
        self.recursiveReadOnlyMounts = recursiveReadOnlyMounts
        self.userNamespaces = userNamespaces
    }
}
