public import Foundation

/// Standard object metadata (the `metav1.ObjectMeta` subset the agent reads and writes).
public struct ObjectMeta: Codable, Hashable, Sendable {
    /// Name, unique within the namespace; a DNS-1123 subdomain.
    public var name: String
    /// Prefix the API server uses to generate a name when `name` is empty.
    public var generateName: String?
    /// Namespace of the object; empty means `default` for pods.
    public var namespace: String
    /// Unique identifier in time and space; for static pods a hash of the manifest.
    public var uid: String
    /// Opaque version the API server uses for optimistic concurrency.
    public var resourceVersion: String?
    /// Sequence number of the desired state.
    public var generation: Int64?
    /// When the object was created.
    public var creationTimestamp: Date?
    /// When the object will be deleted (set by a graceful delete).
    public var deletionTimestamp: Date?
    /// Grace period the deletion was requested with.
    public var deletionGracePeriodSeconds: Int64?
    /// Labels (`metadata.labels`).
    public var labels: [String: String]
    /// Annotations (`metadata.annotations`).
    public var annotations: [String: String]
    /// The objects this one depends on.
    public var ownerReferences: [OwnerReference]

    /// Creates a `ObjectMeta`; every parameter defaults to unset.
    public init(
        name: String = "",
        generateName: String? = nil,
        namespace: String = "",
        uid: String = "",
        resourceVersion: String? = nil,
        generation: Int64? = nil,
        creationTimestamp: Date? = nil,
        deletionTimestamp: Date? = nil,
        deletionGracePeriodSeconds: Int64? = nil,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        ownerReferences: [OwnerReference] = []
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.deletionGracePeriodSeconds = deletionGracePeriodSeconds
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
    }

    private enum CodingKeys: String, CodingKey {
        case name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp
        case deletionGracePeriodSeconds, labels, annotations, ownerReferences
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.generateName = try container.value(.generateName)
        self.namespace = try container.value(.namespace, default: "")
        self.uid = try container.value(.uid, default: "")
        self.resourceVersion = try container.value(.resourceVersion)
        self.generation = try container.value(.generation)
        self.creationTimestamp = try container.value(.creationTimestamp)
        self.deletionTimestamp = try container.value(.deletionTimestamp)
        self.deletionGracePeriodSeconds = try container.value(.deletionGracePeriodSeconds)
        self.labels = try container.value(.labels, default: [:])
        self.annotations = try container.value(.annotations, default: [:])
        self.ownerReferences = try container.value(.ownerReferences, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.name, forKey: .name)
        try container.encodeIfPresent(self.generateName, forKey: .generateName)
        try container.encode(nonEmpty: self.namespace, forKey: .namespace)
        try container.encode(nonEmpty: self.uid, forKey: .uid)
        try container.encodeIfPresent(self.resourceVersion, forKey: .resourceVersion)
        try container.encodeIfPresent(self.generation, forKey: .generation)
        try container.encodeIfPresent(self.creationTimestamp, forKey: .creationTimestamp)
        try container.encodeIfPresent(self.deletionTimestamp, forKey: .deletionTimestamp)
        try container.encodeIfPresent(self.deletionGracePeriodSeconds, forKey: .deletionGracePeriodSeconds)
        try container.encode(nonEmpty: self.labels, forKey: .labels)
        try container.encode(nonEmpty: self.annotations, forKey: .annotations)
        try container.encode(nonEmpty: self.ownerReferences, forKey: .ownerReferences)
    }
}

/// A reference to an owning object (minimal `metav1.OwnerReference`).
public struct OwnerReference: Codable, Hashable, Sendable {
    /// API version of the owner.
    public var apiVersion: String
    /// Kind of the owner.
    public var kind: String
    /// Name of the owner.
    public var name: String
    /// UID of the owner.
    public var uid: String
    /// Whether the owner is the managing controller.
    public var controller: Bool?
    /// Whether the owner cannot be deleted before this object.
    public var blockOwnerDeletion: Bool?

    /// Creates a `OwnerReference`; every parameter defaults to unset.
    public init(
        apiVersion: String = "",
        kind: String = "",
        name: String = "",
        uid: String = "",
        controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, name, uid, controller, blockOwnerDeletion
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion, default: "")
        self.kind = try container.value(.kind, default: "")
        self.name = try container.value(.name, default: "")
        self.uid = try container.value(.uid, default: "")
        self.controller = try container.value(.controller)
        self.blockOwnerDeletion = try container.value(.blockOwnerDeletion)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.apiVersion, forKey: .apiVersion)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.uid, forKey: .uid)
        try container.encodeIfPresent(self.controller, forKey: .controller)
        try container.encodeIfPresent(self.blockOwnerDeletion, forKey: .blockOwnerDeletion)
    }
}
