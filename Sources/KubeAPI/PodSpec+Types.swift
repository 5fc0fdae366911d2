/// A toleration of taints (`v1 Toleration`).
public struct Toleration: Codable, Hashable, Sendable {
    /// Taint key; empty with operator Exists matches every key.
    public var key: String?
    /// Exists or Equal (default).
    public var `operator`: TolerationOperator?
    /// Taint value for operator Equal.
    public var value: String?
    /// NoSchedule, PreferNoSchedule or NoExecute; empty matches all.
    public var effect: TaintEffect?
    /// How long a NoExecute taint is tolerated.
    public var tolerationSeconds: Int64?

    /// Creates a `Toleration`; every parameter defaults to unset.
    public init(
        key: String? = nil,
        `operator`: TolerationOperator? = nil,
        value: String? = nil,
        effect: TaintEffect? = nil,
        tolerationSeconds: Int64? = nil
    ) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }
}

/// An `/etc/hosts` entry (`v1 HostAlias`).
public struct HostAlias: Codable, Hashable, Sendable {
    /// IP address.
    public var ip: String
    /// Hostnames for the address.
    public var hostnames: [String]

    /// Creates a `HostAlias`; every parameter defaults to unset.
    public init(ip: String = "", hostnames: [String] = []) {
        self.ip = ip
        self.hostnames = hostnames
    }

    private enum CodingKeys: String, CodingKey {
        case ip, hostnames
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ip = try container.value(.ip, default: "")
        self.hostnames = try container.value(.hostnames, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.ip, forKey: .ip)
        try container.encode(nonEmpty: self.hostnames, forKey: .hostnames)
    }
}

/// DNS parameters of a pod (`v1 PodDNSConfig`).
public struct PodDNSConfig: Codable, Hashable, Sendable {
    /// DNS servers.
    public var nameservers: [String]
    /// Search domains.
    public var searches: [String]
    /// resolver options.
    public var options: [PodDNSConfigOption]

    /// Creates a `PodDNSConfig`; every parameter defaults to unset.
    public init(nameservers: [String] = [], searches: [String] = [], options: [PodDNSConfigOption] = []) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }

    private enum CodingKeys: String, CodingKey {
        case nameservers, searches, options
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.nameservers = try container.value(.nameservers, default: [])
        self.searches = try container.value(.searches, default: [])
        self.options = try container.value(.options, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.nameservers, forKey: .nameservers)
        try container.encode(nonEmpty: self.searches, forKey: .searches)
        try container.encode(nonEmpty: self.options, forKey: .options)
    }
}

/// One resolver option (`ndots:5`, `edns0`).
public struct PodDNSConfigOption: Codable, Hashable, Sendable {
    /// Option name.
    public var name: String
    /// Option value.
    public var value: String?

    /// Creates a `PodDNSConfigOption`; every parameter defaults to unset.
    public init(name: String = "", value: String? = nil) {
        self.name = name
        self.value = value
    }

    private enum CodingKeys: String, CodingKey {
        case name, value
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.value = try container.value(.value)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encodeIfPresent(self.value, forKey: .value)
    }
}

/// A condition type that must be True for the pod to be Ready.
public struct PodReadinessGate: Codable, Hashable, Sendable {
    /// The condition's type.
    public var conditionType: PodConditionType

    /// Creates a `PodReadinessGate`; every parameter defaults to unset.
    public init(conditionType: PodConditionType = "") {
        self.conditionType = conditionType
    }

    private enum CodingKeys: String, CodingKey {
        case conditionType
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.conditionType = try container.value(.conditionType, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.conditionType, forKey: .conditionType)
    }
}

/// The operating system of a pod.
public struct PodOS: Codable, Hashable, Sendable {
    /// `linux` or `windows`.
    public var name: String

    /// Creates a `PodOS`; every parameter defaults to unset.
    public init(name: String = "") {
        self.name = name
    }

    private enum CodingKeys: String, CodingKey {
        case name
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
    }
}
