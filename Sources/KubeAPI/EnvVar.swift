/// An environment variable (`v1 EnvVar`).
public struct EnvVar: Codable, Hashable, Sendable {
    /// Variable name.
    public var name: String
    /// Value, with `$(VAR)` references expanded.
    public var value: String?
    /// Source of the value when `value` is unset.
    public var valueFrom: EnvVarSource?

    /// Creates a `EnvVar`; every parameter defaults to unset.
    public init(name: String = "", value: String? = nil, valueFrom: EnvVarSource? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }

    private enum CodingKeys: String, CodingKey {
        case name, value, valueFrom
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.value = try container.value(.value)
        self.valueFrom = try container.value(.valueFrom)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encodeIfPresent(self.value, forKey: .value)
        try container.encodeIfPresent(self.valueFrom, forKey: .valueFrom)
    }
}

/// Where an environment variable's value comes from (`v1 EnvVarSource`).
public struct EnvVarSource: Codable, Hashable, Sendable {
    /// A field of the pod (`metadata.name`, `status.podIP`, ...).
    public var fieldRef: ObjectFieldSelector?
    /// A resource limit or request of a container.
    public var resourceFieldRef: ResourceFieldSelector?
    /// A key of a ConfigMap.
    public var configMapKeyRef: ConfigMapKeySelector?
    /// A key of a Secret.
    public var secretKeyRef: SecretKeySelector?

    /// Creates a `EnvVarSource`; every parameter defaults to unset.
    public init(
        fieldRef: ObjectFieldSelector? = nil,
        resourceFieldRef: ResourceFieldSelector? = nil,
        configMapKeyRef: ConfigMapKeySelector? = nil,
        secretKeyRef: SecretKeySelector? = nil
    ) {
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
        self.configMapKeyRef = configMapKeyRef
        self.secretKeyRef = secretKeyRef
    }
}

/// Selects a field of the pod (`v1 ObjectFieldSelector`).
public struct ObjectFieldSelector: Codable, Hashable, Sendable {
    /// Schema version of the path; `v1` by default.
    public var apiVersion: String?
    /// Path of the field, e.g. `metadata.labels['app']`.
    public var fieldPath: String

    /// Creates a `ObjectFieldSelector`; every parameter defaults to unset.
    public init(apiVersion: String? = nil, fieldPath: String = "") {
        self.apiVersion = apiVersion
        self.fieldPath = fieldPath
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, fieldPath
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.fieldPath = try container.value(.fieldPath, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encode(self.fieldPath, forKey: .fieldPath)
    }
}

/// Selects a container resource (`v1 ResourceFieldSelector`).
public struct ResourceFieldSelector: Codable, Hashable, Sendable {
    /// Container name; required for volumes, optional for env.
    public var containerName: String?
    /// `limits.cpu`, `requests.memory`, ...
    public var resource: String
    /// Output unit; default 1.
    public var divisor: Quantity?

    /// Creates a `ResourceFieldSelector`; every parameter defaults to unset.
    public init(containerName: String? = nil, resource: String = "", divisor: Quantity? = nil) {
        self.containerName = containerName
        self.resource = resource
        self.divisor = divisor
    }

    private enum CodingKeys: String, CodingKey {
        case containerName, resource, divisor
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.containerName = try container.value(.containerName)
        self.resource = try container.value(.resource, default: "")
        self.divisor = try container.value(.divisor)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.containerName, forKey: .containerName)
        try container.encode(self.resource, forKey: .resource)
        try container.encodeIfPresent(self.divisor, forKey: .divisor)
    }
}

/// Selects a key of a ConfigMap (`v1 ConfigMapKeySelector`).
public struct ConfigMapKeySelector: Codable, Hashable, Sendable {
    /// ConfigMap name.
    public var name: String
    /// The key.
    public var key: String
    /// Whether the ConfigMap or key may be missing.
    public var optional: Bool?

    /// Creates a `ConfigMapKeySelector`; every parameter defaults to unset.
    public init(name: String = "", key: String = "", optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case name, key, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.key = try container.value(.key, default: "")
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.key, forKey: .key)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}

/// Selects a key of a Secret (`v1 SecretKeySelector`).
public struct SecretKeySelector: Codable, Hashable, Sendable {
    /// Secret name.
    public var name: String
    /// The key.
    public var key: String
    /// Whether the Secret or key may be missing.
    public var optional: Bool?

    /// Creates a `SecretKeySelector`; every parameter defaults to unset.
    public init(name: String = "", key: String = "", optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case name, key, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.key = try container.value(.key, default: "")
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.key, forKey: .key)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}

/// A source of a set of environment variables (`v1 EnvFromSource`).
public struct EnvFromSource: Codable, Hashable, Sendable {
    /// Prefix prepended to each key.
    public var prefix: String?
    /// A ConfigMap.
    public var configMapRef: LocalObjectReferenceOptional?
    /// A Secret.
    public var secretRef: LocalObjectReferenceOptional?

    /// Creates a `EnvFromSource`; every parameter defaults to unset.
    public init(
        prefix: String? = nil,
        configMapRef: LocalObjectReferenceOptional? = nil,
        secretRef: LocalObjectReferenceOptional? = nil
    ) {
        self.prefix = prefix
        self.configMapRef = configMapRef
        self.secretRef = secretRef
    }
}

/// A named object in the pod's namespace that may be optional (`ConfigMapEnvSource`, `SecretEnvSource`).
public struct LocalObjectReferenceOptional: Codable, Hashable, Sendable {
    /// Object name.
    public var name: String
    /// Whether the object may be missing.
    public var optional: Bool?

    /// Creates a `LocalObjectReferenceOptional`; every parameter defaults to unset.
    public init(name: String = "", optional: Bool? = nil) {
        self.name = name
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case name, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}
