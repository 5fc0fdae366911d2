/// A reference to an object (`v1 ObjectReference`), e.g. an Event's `involvedObject`; `fieldPath` points into it
/// (`spec.containers{web}`).
public struct ObjectReference: Codable, Hashable, Sendable {
    /// Kind of the referent, e.g. `Pod`.
    public var kind: String?
    /// Namespace of the referent.
    public var namespace: String?
    /// Name of the referent.
    public var name: String?
    /// UID of the referent.
    public var uid: String?
    /// API version of the referent, e.g. `v1`.
    public var apiVersion: String?
    /// The referent's resourceVersion the reference was made from.
    public var resourceVersion: String?
    /// A part of the object, e.g. `spec.containers{web}` for a container of a pod.
    public var fieldPath: String?

    /// Creates an `ObjectReference`; every parameter defaults to unset.
    public init(
        kind: String? = nil,
        namespace: String? = nil,
        name: String? = nil,
        uid: String? = nil,
        apiVersion: String? = nil,
        resourceVersion: String? = nil,
        fieldPath: String? = nil
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object` (kind and apiVersion from its resource, namespace, name, uid, resourceVersion).
    /// - Parameters:
    ///   - object: the referent.
    ///   - fieldPath: a part of it, e.g. `spec.containers{web}`.
    public init<Object: KubeResource>(to object: Object, fieldPath: String? = nil) {
        let meta = object.metadata
        self.init(
            kind: Object.resource.kind,
            namespace: meta.namespace.isEmpty ? nil : meta.namespace,
            name: meta.name,
            uid: meta.uid.isEmpty ? nil : meta.uid,
            apiVersion: Object.resource.apiVersion,
            resourceVersion: meta.resourceVersion,
            fieldPath: fieldPath
        )
    }
}
