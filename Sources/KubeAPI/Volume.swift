/// A named volume of a pod (`v1 Volume`): the name plus exactly one source.
public struct Volume: Codable, Hashable, Sendable {
    /// Volume name, a DNS-1123 label unique within the pod.
    public var name: String
    /// A file or directory of the host.
    public var hostPath: HostPathVolumeSource?
    /// A directory that lives as long as the pod.
    public var emptyDir: EmptyDirVolumeSource?
    /// A Secret's keys as files.
    public var secret: SecretVolumeSource?
    /// A ConfigMap's keys as files.
    public var configMap: ConfigMapVolumeSource?
    /// A PersistentVolumeClaim.
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
    /// Pod fields as files.
    public var downwardAPI: DownwardAPIVolumeSource?
    /// Several sources projected into one directory.
    public var projected: ProjectedVolumeSource?

    /// Creates a `Volume`; every parameter defaults to unset.
    public init(
        name: String = "",
        hostPath: HostPathVolumeSource? = nil,
        emptyDir: EmptyDirVolumeSource? = nil,
        secret: SecretVolumeSource? = nil,
        configMap: ConfigMapVolumeSource? = nil,
        persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil,
        downwardAPI: DownwardAPIVolumeSource? = nil,
        projected: ProjectedVolumeSource? = nil
    ) {
        self.name = name
        self.hostPath = hostPath
        self.emptyDir = emptyDir
        self.secret = secret
        self.configMap = configMap
        self.persistentVolumeClaim = persistentVolumeClaim
        self.downwardAPI = downwardAPI
        self.projected = projected
    }

    private enum CodingKeys: String, CodingKey {
        case name, hostPath, emptyDir, secret, configMap, persistentVolumeClaim, downwardAPI, projected
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.hostPath = try container.value(.hostPath)
        self.emptyDir = try container.value(.emptyDir)
        self.secret = try container.value(.secret)
        self.configMap = try container.value(.configMap)
        self.persistentVolumeClaim = try container.value(.persistentVolumeClaim)
        self.downwardAPI = try container.value(.downwardAPI)
        self.projected = try container.value(.projected)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encodeIfPresent(self.hostPath, forKey: .hostPath)
        try container.encodeIfPresent(self.emptyDir, forKey: .emptyDir)
        try container.encodeIfPresent(self.secret, forKey: .secret)
        try container.encodeIfPresent(self.configMap, forKey: .configMap)
        try container.encodeIfPresent(self.persistentVolumeClaim, forKey: .persistentVolumeClaim)
        try container.encodeIfPresent(self.downwardAPI, forKey: .downwardAPI)
        try container.encodeIfPresent(self.projected, forKey: .projected)
    }
}

/// A host path volume (`v1 HostPathVolumeSource`).
public struct HostPathVolumeSource: Codable, Hashable, Sendable {
    /// Absolute path on the host.
    public var path: String
    /// Check or create the path: "" (none), DirectoryOrCreate, Directory, FileOrCreate, File, ...
    ///   Socket, CharDevice or BlockDevice.
    public var type: HostPathType?

    /// Creates a `HostPathVolumeSource`; every parameter defaults to unset.
    public init(path: String = "", type: HostPathType? = nil) {
        self.path = path
        self.type = type
    }

    private enum CodingKeys: String, CodingKey {
        case path, type
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.path = try container.value(.path, default: "")
        self.type = try container.value(.type)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.path, forKey: .path)
        try container.encodeIfPresent(self.type, forKey: .type)
    }
}

/// An empty directory volume (`v1 EmptyDirVolumeSource`).
public struct EmptyDirVolumeSource: Codable, Hashable, Sendable {
    /// "" (node disk) or Memory (tmpfs).
    public var medium: StorageMedium?
    /// Maximum size.
    public var sizeLimit: Quantity?

    /// Creates a `EmptyDirVolumeSource`; every parameter defaults to unset.
    public init(medium: StorageMedium? = nil, sizeLimit: Quantity? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

/// Maps a key to a file path inside a volume (`v1 KeyToPath`).
public struct KeyToPath: Codable, Hashable, Sendable {
    /// The key.
    public var key: String
    /// Relative path of the file.
    public var path: String
    /// File mode bits.
    public var mode: Int32?

    /// Creates a `KeyToPath`; every parameter defaults to unset.
    public init(key: String = "", path: String = "", mode: Int32? = nil) {
        self.key = key
        self.path = path
        self.mode = mode
    }

    private enum CodingKeys: String, CodingKey {
        case key, path, mode
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.key = try container.value(.key, default: "")
        self.path = try container.value(.path, default: "")
        self.mode = try container.value(.mode)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.key, forKey: .key)
        try container.encode(self.path, forKey: .path)
        try container.encodeIfPresent(self.mode, forKey: .mode)
    }
}

/// A Secret volume (`v1 SecretVolumeSource`).
public struct SecretVolumeSource: Codable, Hashable, Sendable {
    /// Secret name.
    public var secretName: String?
    /// Keys to project; all when empty.
    public var items: [KeyToPath]
    /// Default file mode bits.
    public var defaultMode: Int32?
    /// Whether the Secret may be missing.
    public var optional: Bool?

    /// Creates a `SecretVolumeSource`; every parameter defaults to unset.
    public init(secretName: String? = nil, items: [KeyToPath] = [], defaultMode: Int32? = nil, optional: Bool? = nil) {
        self.secretName = secretName
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case secretName, items, defaultMode, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.secretName = try container.value(.secretName)
        self.items = try container.value(.items, default: [])
        self.defaultMode = try container.value(.defaultMode)
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.secretName, forKey: .secretName)
        try container.encode(nonEmpty: self.items, forKey: .items)
        try container.encodeIfPresent(self.defaultMode, forKey: .defaultMode)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}

/// A ConfigMap volume (`v1 ConfigMapVolumeSource`).
public struct ConfigMapVolumeSource: Codable, Hashable, Sendable {
    /// ConfigMap name.
    public var name: String?
    /// Keys to project; all when empty.
    public var items: [KeyToPath]
    /// Default file mode bits.
    public var defaultMode: Int32?
    /// Whether the ConfigMap may be missing.
    public var optional: Bool?

    /// Creates a `ConfigMapVolumeSource`; every parameter defaults to unset.
    public init(name: String? = nil, items: [KeyToPath] = [], defaultMode: Int32? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case name, items, defaultMode, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name)
        self.items = try container.value(.items, default: [])
        self.defaultMode = try container.value(.defaultMode)
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.name, forKey: .name)
        try container.encode(nonEmpty: self.items, forKey: .items)
        try container.encodeIfPresent(self.defaultMode, forKey: .defaultMode)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}

/// A PersistentVolumeClaim volume (`v1 PersistentVolumeClaimVolumeSource`).
public struct PersistentVolumeClaimVolumeSource: Codable, Hashable, Sendable {
    /// The claim's name.
    public var claimName: String
    /// Mount read-only.
    public var readOnly: Bool?

    /// Creates a `PersistentVolumeClaimVolumeSource`; every parameter defaults to unset.
    public init(claimName: String = "", readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }

    private enum CodingKeys: String, CodingKey {
        case claimName, readOnly
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.claimName = try container.value(.claimName, default: "")
        self.readOnly = try container.value(.readOnly)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.claimName, forKey: .claimName)
        try container.encodeIfPresent(self.readOnly, forKey: .readOnly)
    }
}

/// A file of a downward API volume (`v1 DownwardAPIVolumeFile`).
public struct DownwardAPIVolumeFile: Codable, Hashable, Sendable {
    /// Relative file path.
    public var path: String
    /// A pod field.
    public var fieldRef: ObjectFieldSelector?
    /// A container resource.
    public var resourceFieldRef: ResourceFieldSelector?
    /// File mode bits.
    public var mode: Int32?

    /// Creates a `DownwardAPIVolumeFile`; every parameter defaults to unset.
    public init(
        path: String = "",
        fieldRef: ObjectFieldSelector? = nil,
        resourceFieldRef: ResourceFieldSelector? = nil,
        mode: Int32? = nil
    ) {
        self.path = path
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
        self.mode = mode
    }

    private enum CodingKeys: String, CodingKey {
        case path, fieldRef, resourceFieldRef, mode
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.path = try container.value(.path, default: "")
        self.fieldRef = try container.value(.fieldRef)
        self.resourceFieldRef = try container.value(.resourceFieldRef)
        self.mode = try container.value(.mode)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.path, forKey: .path)
        try container.encodeIfPresent(self.fieldRef, forKey: .fieldRef)
        try container.encodeIfPresent(self.resourceFieldRef, forKey: .resourceFieldRef)
        try container.encodeIfPresent(self.mode, forKey: .mode)
    }
}

/// A downward API volume (`v1 DownwardAPIVolumeSource`).
public struct DownwardAPIVolumeSource: Codable, Hashable, Sendable {
    /// The files.
    public var items: [DownwardAPIVolumeFile]
    /// Default file mode bits.
    public var defaultMode: Int32?

    /// Creates a `DownwardAPIVolumeSource`; every parameter defaults to unset.
    public init(items: [DownwardAPIVolumeFile] = [], defaultMode: Int32? = nil) {
        self.items = items
        self.defaultMode = defaultMode
    }

    private enum CodingKeys: String, CodingKey {
        case items, defaultMode
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.items = try container.value(.items, default: [])
        self.defaultMode = try container.value(.defaultMode)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.items, forKey: .items)
        try container.encodeIfPresent(self.defaultMode, forKey: .defaultMode)
    }
}

/// A projected volume (`v1 ProjectedVolumeSource`): several sources written into one directory.
public struct ProjectedVolumeSource: Codable, Hashable, Sendable {
    /// The projections, in order; a later file of the same path wins.
    public var sources: [VolumeProjection]
    /// Default file mode bits (0644 when unset).
    public var defaultMode: Int32?

    /// Creates a `ProjectedVolumeSource`; every parameter defaults to unset.
    public init(sources: [VolumeProjection] = [], defaultMode: Int32? = nil) {
        self.sources = sources
        self.defaultMode = defaultMode
    }

    private enum CodingKeys: String, CodingKey {
        case sources, defaultMode
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.sources = try container.value(.sources, default: [])
        self.defaultMode = try container.value(.defaultMode)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.sources, forKey: .sources)
        try container.encodeIfPresent(self.defaultMode, forKey: .defaultMode)
    }
}
