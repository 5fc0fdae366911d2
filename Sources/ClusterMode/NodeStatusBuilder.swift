public import Foundation
public import KubeAPI

/// What the node is made of and how it is doing: the input of ``NodeStatusBuilder``, gathered by the caller.
public struct NodeFacts: Sendable, Hashable {
    public var name: String
    public var hostname: String
    public var addresses: [String]
    public var extraLabels: [String: String]
    public var taints: [Taint]
    public var milliCPU: Int64
    public var memoryBytes: Int64
    public var ephemeralStorageBytes: Int64
    public var maxPods: Int
    public var systemReservedMilliCPU: Int64 = 0
    public var systemReservedMemoryBytes: Int64 = 0
    /// `memory.available<100Mi`: the hard eviction threshold subtracted from allocatable memory.
    public var evictionHardMemoryBytes: Int64 = 100 * 1024 * 1024
    public var nodeInfo: NodeSystemInfo
    public var kubeletPort: Int32 = 10250
    public var architecture: String
    public var operatingSystem: String = "linux"

    public init(
        name: String,
        hostname: String,
        addresses: [String],
        extraLabels: [String: String] = [:],
        taints: [Taint] = [],
        milliCPU: Int64,
        memoryBytes: Int64,
        ephemeralStorageBytes: Int64,
        maxPods: Int = 110,
        nodeInfo: NodeSystemInfo,
        architecture: String
    ) {
        self.name = name
        self.hostname = hostname
        self.addresses = addresses
        self.extraLabels = extraLabels
        self.taints = taints
        self.milliCPU = milliCPU
        self.memoryBytes = memoryBytes
        self.ephemeralStorageBytes = ephemeralStorageBytes
        self.maxPods = maxPods
        self.nodeInfo = nodeInfo
        self.architecture = architecture
    }
}

/// The node's health as the conditions report it.
public struct NodeHealth: Sendable, Hashable {
    /// `nil` when ready; otherwise the message of the Ready=False condition (e.g. the runtime is down).
    public var notReadyMessage: String?
    public var memoryPressure = false
    public var diskPressure = false
    public var pidPressure = false

    public init(notReadyMessage: String? = nil, memoryPressure: Bool = false, diskPressure: Bool = false, pidPressure: Bool = false) {
        self.notReadyMessage = notReadyMessage
        self.memoryPressure = memoryPressure
        self.diskPressure = diskPressure
        self.pidPressure = pidPressure
    }
}

/// Builds the Node object the agent registers and the status it reports, as upstream's
/// `kubelet_node_status.go` (`initialNode`, `setNodeStatus` and the condition setters) does.
public enum NodeStatusBuilder {
    /// The Node to create at registration.
    public static func initialNode(_ facts: NodeFacts, health: NodeHealth, now: Date) -> Node {
        var labels = facts.extraLabels
        labels["kubernetes.io/hostname"] = facts.hostname
        labels["kubernetes.io/os"] = facts.operatingSystem
        labels["kubernetes.io/arch"] = facts.architecture
        labels["beta.kubernetes.io/os"] = facts.operatingSystem
        labels["beta.kubernetes.io/arch"] = facts.architecture
        let metadata = ObjectMeta(
            name: facts.name,
            labels: labels,
            annotations: ["volumes.kubernetes.io/controller-managed-attach-detach": "true"]
        )
        return Node(
            apiVersion: "v1",
            kind: "Node",
            metadata: metadata,
            spec: NodeSpec(taints: facts.taints),
            status: Self.status(facts, health: health, previous: nil, now: now)
        )
    }

    /// The labels the agent owns on an existing Node (reconciled at registration, as upstream's
    /// `reconcileDefaultLabels`).
    public static func defaultLabels(_ facts: NodeFacts) -> [String: String] {
        [
            "kubernetes.io/hostname": facts.hostname,
            "kubernetes.io/os": facts.operatingSystem,
            "kubernetes.io/arch": facts.architecture,
            "beta.kubernetes.io/os": facts.operatingSystem,
            "beta.kubernetes.io/arch": facts.architecture,
        ]
    }

    /// The node status; condition transition times are kept from `previous` while a condition's status holds.
    public static func status(_ facts: NodeFacts, health: NodeHealth, previous: NodeStatus?, now: Date) -> NodeStatus {
        var capacity: [String: Quantity] = [
            "cpu": Quantity(stringLiteral: Self.cpuText(facts.milliCPU)),
            "memory": Quantity(stringLiteral: Self.kibText(facts.memoryBytes)),
            "ephemeral-storage": Quantity(stringLiteral: Self.kibText(facts.ephemeralStorageBytes)),
            "pods": Quantity(stringLiteral: "\(facts.maxPods)"),
        ]
        capacity["hugepages-1Gi"] = Quantity(stringLiteral: "0")
        capacity["hugepages-2Mi"] = Quantity(stringLiteral: "0")
        var allocatable = capacity
        allocatable["cpu"] = Quantity(stringLiteral: Self.cpuText(max(0, facts.milliCPU - facts.systemReservedMilliCPU)))
        allocatable["memory"] = Quantity(
            stringLiteral: Self.kibText(max(0, facts.memoryBytes - facts.systemReservedMemoryBytes - facts.evictionHardMemoryBytes))
        )
        // Upstream's default nodefs.available<10% hard eviction threshold.
        allocatable["ephemeral-storage"] = Quantity(stringLiteral: "\(facts.ephemeralStorageBytes - facts.ephemeralStorageBytes / 10)")

        var addresses = facts.addresses.map { NodeAddress(type: .internalIP, address: $0) }
        addresses.append(NodeAddress(type: .hostname, address: facts.hostname))

        let ready = health.notReadyMessage == nil
        let conditions = [
            Self.condition(
                .memoryPressure, health.memoryPressure,
                trueReason: ("KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
                falseReason: ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                previous: previous, now: now
            ),
            Self.condition(
                .diskPressure, health.diskPressure,
                trueReason: ("KubeletHasDiskPressure", "kubelet has disk pressure"),
                falseReason: ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                previous: previous, now: now
            ),
            Self.condition(
                .pidPressure, health.pidPressure,
                trueReason: ("KubeletHasInsufficientPID", "kubelet has insufficient PID available"),
                falseReason: ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                previous: previous, now: now
            ),
            Self.condition(
                .ready, ready,
                trueReason: ("KubeletReady", "kubelet is posting ready status"),
                falseReason: ("KubeletNotReady", health.notReadyMessage ?? ""),
                previous: previous, now: now
            ),
        ]
        var info = facts.nodeInfo
        info.operatingSystem = facts.operatingSystem
        info.architecture = facts.architecture
        return NodeStatus(
            capacity: capacity,
            allocatable: allocatable,
            conditions: conditions,
            addresses: addresses,
            daemonEndpoints: NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: facts.kubeletPort)),
            nodeInfo: info
        )
    }

    /// Whether `new` differs from `old` in anything but heartbeat times: upstream posts at once on a change and
    /// otherwise only every `nodeStatusReportFrequency`.
    public static func changed(old: NodeStatus?, new: NodeStatus) -> Bool {
        guard let old else { return true }
        return Self.withoutHeartbeats(old) != Self.withoutHeartbeats(new)
    }

    private static func withoutHeartbeats(_ status: NodeStatus) -> NodeStatus {
        var status = status
        for index in status.conditions.indices { status.conditions[index].lastHeartbeatTime = nil }
        status.conditions.sort { $0.type.rawValue < $1.type.rawValue }
        status.images = []
        return status
    }

    private static func condition(
        _ type: NodeConditionType,
        _ isTrue: Bool,
        trueReason: (String, String),
        falseReason: (String, String),
        previous: NodeStatus?,
        now: Date
    ) -> NodeCondition {
        let status: ConditionStatus = isTrue ? "True" : "False"
        let old = previous?.conditions.first { $0.type == type }
        let transition = old?.status == status ? (old?.lastTransitionTime ?? now) : now
        let (reason, message) = isTrue ? trueReason : falseReason
        return NodeCondition(
            type: type,
            status: status,
            lastHeartbeatTime: now,
            lastTransitionTime: transition,
            reason: reason,
            message: message
        )
    }

    static func cpuText(_ milli: Int64) -> String {
        milli % 1000 == 0 ? "\(milli / 1000)" : "\(milli)m"
    }

    static func kibText(_ bytes: Int64) -> String {
        "\(bytes / 1024)Ki"
    }
}
