public import Foundation

/// The observed state of a pod (`v1 PodStatus` subset).
public struct PodStatus: Codable, Hashable, Sendable {
    /// Pending, Running, Succeeded, Failed or Unknown.
    public var phase: PodPhase?
    /// Current conditions.
    public var conditions: [PodCondition]
    /// Human-readable reason for the state.
    public var message: String?
    /// Brief CamelCase reason (e.g. `Evicted`).
    public var reason: String?
    /// Primary IP of the node.
    public var hostIP: String?
    /// IPs of the node.
    public var hostIPs: [HostIP]
    /// Primary IP of the pod.
    public var podIP: String?
    /// IPs of the pod; the first equals podIP.
    public var podIPs: [PodIP]
    /// When the node agent first acknowledged the pod.
    public var startTime: Date?
    /// Status of the init containers, in spec order.
    public var initContainerStatuses: [ContainerStatus]
    /// Status of the app containers, in spec order.
    public var containerStatuses: [ContainerStatus]
    /// Guaranteed, Burstable or BestEffort.
    public var qosClass: PodQOSClass?

    /// Creates a `PodStatus`; every parameter defaults to unset.
    public init(
        phase: PodPhase? = nil,
        conditions: [PodCondition] = [],
        message: String? = nil,
        reason: String? = nil,
        hostIP: String? = nil,
        hostIPs: [HostIP] = [],
        podIP: String? = nil,
        podIPs: [PodIP] = [],
        startTime: Date? = nil,
        initContainerStatuses: [ContainerStatus] = [],
        containerStatuses: [ContainerStatus] = [],
        qosClass: PodQOSClass? = nil
    ) {
        self.phase = phase
        self.conditions = conditions
        self.message = message
        self.reason = reason
        self.hostIP = hostIP
        self.hostIPs = hostIPs
        self.podIP = podIP
        self.podIPs = podIPs
        self.startTime = startTime
        self.initContainerStatuses = initContainerStatuses
        self.containerStatuses = containerStatuses
        self.qosClass = qosClass
    }

    private enum CodingKeys: String, CodingKey {
        case phase, conditions, message, reason, hostIP, hostIPs, podIP, podIPs, startTime, initContainerStatuses
        case containerStatuses, qosClass
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.phase = try container.value(.phase)
        self.conditions = try container.value(.conditions, default: [])
        self.message = try container.value(.message)
        self.reason = try container.value(.reason)
        self.hostIP = try container.value(.hostIP)
        self.hostIPs = try container.value(.hostIPs, default: [])
        self.podIP = try container.value(.podIP)
        self.podIPs = try container.value(.podIPs, default: [])
        self.startTime = try container.value(.startTime)
        self.initContainerStatuses = try container.value(.initContainerStatuses, default: [])
        self.containerStatuses = try container.value(.containerStatuses, default: [])
        self.qosClass = try container.value(.qosClass)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.phase, forKey: .phase)
        try container.encode(nonEmpty: self.conditions, forKey: .conditions)
        try container.encodeIfPresent(self.message, forKey: .message)
        try container.encodeIfPresent(self.reason, forKey: .reason)
        try container.encodeIfPresent(self.hostIP, forKey: .hostIP)
        try container.encode(nonEmpty: self.hostIPs, forKey: .hostIPs)
        try container.encodeIfPresent(self.podIP, forKey: .podIP)
        try container.encode(nonEmpty: self.podIPs, forKey: .podIPs)
        try container.encodeIfPresent(self.startTime, forKey: .startTime)
        try container.encode(nonEmpty: self.initContainerStatuses, forKey: .initContainerStatuses)
        try container.encode(nonEmpty: self.containerStatuses, forKey: .containerStatuses)
        try container.encodeIfPresent(self.qosClass, forKey: .qosClass)
    }
}

/// A condition of a pod (`v1 PodCondition`).
public struct PodCondition: Codable, Hashable, Sendable {
    /// Condition type (Ready, ContainersReady, ...).
    public var type: PodConditionType
    /// True, False or Unknown.
    public var status: ConditionStatus
    /// Last time the condition was probed.
    public var lastProbeTime: Date?
    /// Last time the status changed.
    public var lastTransitionTime: Date?
    /// Brief CamelCase reason.
    public var reason: String?
    /// Human-readable details.
    public var message: String?

    /// Creates a `PodCondition`; every parameter defaults to unset.
    public init(
        type: PodConditionType = "",
        status: ConditionStatus = "",
        lastProbeTime: Date? = nil,
        lastTransitionTime: Date? = nil,
        reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    private enum CodingKeys: String, CodingKey {
        case type, status, lastProbeTime, lastTransitionTime, reason, message
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.value(.type, default: "")
        self.status = try container.value(.status, default: "")
        self.lastProbeTime = try container.value(.lastProbeTime)
        self.lastTransitionTime = try container.value(.lastTransitionTime)
        self.reason = try container.value(.reason)
        self.message = try container.value(.message)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.type, forKey: .type)
        try container.encode(self.status, forKey: .status)
        try container.encodeIfPresent(self.lastProbeTime, forKey: .lastProbeTime)
        try container.encodeIfPresent(self.lastTransitionTime, forKey: .lastTransitionTime)
        try container.encodeIfPresent(self.reason, forKey: .reason)
        try container.encodeIfPresent(self.message, forKey: .message)
    }
}

/// One IP address of the node (`v1 HostIP`).
public struct HostIP: Codable, Hashable, Sendable {
    /// The address.
    public var ip: String

    /// Creates a `HostIP`; every parameter defaults to unset.
    public init(ip: String = "") {
        self.ip = ip
    }

    private enum CodingKeys: String, CodingKey {
        case ip
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ip = try container.value(.ip, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.ip, forKey: .ip)
    }
}

/// One IP address of the pod (`v1 PodIP`).
public struct PodIP: Codable, Hashable, Sendable {
    /// The address.
    public var ip: String

    /// Creates a `PodIP`; every parameter defaults to unset.
    public init(ip: String = "") {
        self.ip = ip
    }

    private enum CodingKeys: String, CodingKey {
        case ip
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ip = try container.value(.ip, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.ip, forKey: .ip)
    }
}
