public import Foundation

/// A Node (`v1 Node`): the agent registers its own and keeps its status current.
public struct Node: KubeResource, Hashable {
    /// `v1`.
    public var apiVersion: String?
    /// `Node`.
    public var kind: String?
    /// Object metadata (cluster-scoped: no namespace).
    public var metadata: ObjectMeta
    /// Desired state: pod CIDRs, provider ID, taints, unschedulable.
    public var spec: NodeSpec
    /// Observed state, written by the node agent.
    public var status: NodeStatus?

    /// `nodes` in core/v1, cluster-scoped.
    public static let resource = APIResource(kind: "Node", plural: "nodes", namespaced: false)

    /// Creates a `Node`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        spec: NodeSpec = NodeSpec(),
        status: NodeStatus? = nil
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
        self.spec = try container.value(.spec, default: NodeSpec())
        self.status = try container.value(.status)
    }

    /// Encodes the object, leaving out unset fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.spec, forKey: .spec)
        try container.encodeIfPresent(self.status, forKey: .status)
    }
}

/// The desired state of a node (`v1 NodeSpec`).
public struct NodeSpec: Codable, Hashable, Sendable {
    /// The pod IP range of the node (first of `podCIDRs`).
    public var podCIDR: String?
    /// The pod IP ranges of the node, at most one per IP family.
    public var podCIDRs: [String]
    /// Cloud provider's ID of the node: `<ProviderName>://<ProviderSpecificNodeID>`.
    public var providerID: String?
    /// Whether new pods may be scheduled here (`kubectl cordon` sets it).
    public var unschedulable: Bool?
    /// Taints repelling pods that do not tolerate them.
    public var taints: [Taint]

    /// Creates a `NodeSpec`; every parameter defaults to unset.
    public init(
        podCIDR: String? = nil,
        podCIDRs: [String] = [],
        providerID: String? = nil,
        unschedulable: Bool? = nil,
        taints: [Taint] = []
    ) {
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDRs
        self.providerID = providerID
        self.unschedulable = unschedulable
        self.taints = taints
    }

    private enum CodingKeys: String, CodingKey {
        case podCIDR, podCIDRs, providerID, unschedulable, taints
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.podCIDR = try container.value(.podCIDR)
        self.podCIDRs = try container.value(.podCIDRs, default: [])
        self.providerID = try container.value(.providerID)
        self.unschedulable = try container.value(.unschedulable)
        self.taints = try container.value(.taints, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.podCIDR, forKey: .podCIDR)
        try container.encode(nonEmpty: self.podCIDRs, forKey: .podCIDRs)
        try container.encodeIfPresent(self.providerID, forKey: .providerID)
        try container.encodeIfPresent(self.unschedulable, forKey: .unschedulable)
        try container.encode(nonEmpty: self.taints, forKey: .taints)
    }
}

/// A taint on a node (`v1 Taint`): pods that do not tolerate it are not scheduled (or are evicted, `NoExecute`).
public struct Taint: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Taint key, e.g. `node.kubernetes.io/not-ready`.
    public var key: String
    /// Taint value; may be empty.
    public var value: String?
    /// NoSchedule, PreferNoSchedule or NoExecute.
    public var effect: TaintEffect
    /// When a NoExecute taint was added.
    public var timeAdded: Date?

    /// Creates a `Taint`.
    public init(key: String, value: String? = nil, effect: TaintEffect, timeAdded: Date? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    private enum CodingKeys: String, CodingKey {
        case key, value, effect, timeAdded
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.key = try container.value(.key, default: "")
        self.value = try container.value(.value)
        self.effect = try container.value(.effect, default: TaintEffect(rawValue: ""))
        self.timeAdded = try container.value(.timeAdded)
    }

    /// `key=value:Effect`, as kubectl prints taints.
    public var description: String {
        "\(self.key)\(self.value.map { $0.isEmpty ? "" : "=\($0)" } ?? ""):\(self.effect)"
    }
}
