/// A Lease (`coordination.k8s.io/v1 Lease`): the node heartbeat in `kube-node-lease`, named after the node.
public struct Lease: KubeResource, Hashable {
    /// `coordination.k8s.io/v1`.
    public var apiVersion: String?
    /// `Lease`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta
    /// The lease's holder and timing.
    public var spec: LeaseSpec

    /// `leases` in coordination.k8s.io/v1, namespaced.
    public static let resource = APIResource(
        group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true
    )

    /// Creates a `Lease`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        spec: LeaseSpec = LeaseSpec()
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.spec = try container.value(.spec, default: LeaseSpec())
    }

    /// Encodes the object, leaving out unset fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.spec, forKey: .spec)
    }
}

/// The state of a lease (`coordination.k8s.io/v1 LeaseSpec`).
public struct LeaseSpec: Codable, Hashable, Sendable {
    /// Identity of the current holder (the node name for node leases).
    public var holderIdentity: String?
    /// Seconds candidates wait after `renewTime` before taking the lease over (node leases: 40).
    public var leaseDurationSeconds: Int32?
    /// When the current holder acquired the lease.
    public var acquireTime: MicroTime?
    /// When the current holder last renewed the lease.
    public var renewTime: MicroTime?
    /// How many times the lease changed holder.
    public var leaseTransitions: Int32?
    /// Coordinated leader election strategy.
    public var strategy: String?
    /// The holder that should take the lease over.
    public var preferredHolder: String?

    /// Creates a `LeaseSpec`; every parameter defaults to unset.
    public init(
        holderIdentity: String? = nil,
        leaseDurationSeconds: Int32? = nil,
        acquireTime: MicroTime? = nil,
        renewTime: MicroTime? = nil,
        leaseTransitions: Int32? = nil,
        strategy: String? = nil,
        preferredHolder: String? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.strategy = strategy
        self.preferredHolder = preferredHolder
    }
}
