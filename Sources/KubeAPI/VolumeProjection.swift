/// One source of a projected volume (`v1 VolumeProjection`): exactly one field is set.
///
/// `clusterTrustBundle` and `podCertificate` are kept opaque: the agent does not support them and says so.
public struct VolumeProjection: Codable, Hashable, Sendable {
    /// A Secret's keys.
    public var secret: SecretProjection?
    /// A ConfigMap's keys.
    public var configMap: ConfigMapProjection?
    /// Pod fields.
    public var downwardAPI: DownwardAPIProjection?
    /// A service-account token from the TokenRequest API.
    public var serviceAccountToken: ServiceAccountTokenProjection?
    /// A ClusterTrustBundle (not supported), as written.
    public var clusterTrustBundle: JSONValue?
    /// A pod certificate (not supported), as written.
    public var podCertificate: JSONValue?

    /// Creates a `VolumeProjection`; every parameter defaults to unset.
    public init(
        secret: SecretProjection? = nil,
        configMap: ConfigMapProjection? = nil,
        downwardAPI: DownwardAPIProjection? = nil,
        serviceAccountToken: ServiceAccountTokenProjection? = nil,
        clusterTrustBundle: JSONValue? = nil,
        podCertificate: JSONValue? = nil
    ) {
        self.secret = secret
        self.configMap = configMap
        self.downwardAPI = downwardAPI
        self.serviceAccountToken = serviceAccountToken
        self.clusterTrustBundle = clusterTrustBundle
        self.podCertificate = podCertificate
    }

    /// The names of the fields that are set, in declaration order.
    public var setFields: [String] {
        [
            ("secret", self.secret != nil), ("configMap", self.configMap != nil),
            ("downwardAPI", self.downwardAPI != nil), ("serviceAccountToken", self.serviceAccountToken != nil),
            ("clusterTrustBundle", self.clusterTrustBundle != nil), ("podCertificate", self.podCertificate != nil),
        ].filter(\.1).map(\.0)
    }
}

/// A Secret projected into a volume (`v1 SecretProjection`).
public struct SecretProjection: Codable, Hashable, Sendable {
    /// Secret name.
    public var name: String
    /// Keys to project; all when empty.
    public var items: [KeyToPath]
    /// Whether the Secret or its keys may be missing.
    public var optional: Bool?

    /// Creates a `SecretProjection`; every parameter defaults to unset.
    public init(name: String = "", items: [KeyToPath] = [], optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case name, items, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.items = try container.value(.items, default: [])
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(nonEmpty: self.items, forKey: .items)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}

/// A ConfigMap projected into a volume (`v1 ConfigMapProjection`).
public struct ConfigMapProjection: Codable, Hashable, Sendable {
    /// ConfigMap name.
    public var name: String
    /// Keys to project; all when empty.
    public var items: [KeyToPath]
    /// Whether the ConfigMap or its keys may be missing.
    public var optional: Bool?

    /// Creates a `ConfigMapProjection`; every parameter defaults to unset.
    public init(name: String = "", items: [KeyToPath] = [], optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.optional = optional
    }

    private enum CodingKeys: String, CodingKey {
        case name, items, optional
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.items = try container.value(.items, default: [])
        self.optional = try container.value(.optional)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(nonEmpty: self.items, forKey: .items)
        try container.encodeIfPresent(self.optional, forKey: .optional)
    }
}

/// Pod fields projected into a volume (`v1 DownwardAPIProjection`).
public struct DownwardAPIProjection: Codable, Hashable, Sendable {
    /// The files.
    public var items: [DownwardAPIVolumeFile]

    /// Creates a `DownwardAPIProjection`.
    public init(items: [DownwardAPIVolumeFile] = []) {
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case items
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.items = try container.value(.items, default: [])
    }

    /// Encodes the object, leaving out empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.items, forKey: .items)
    }
}

/// A bound service-account token projected into a volume (`v1 ServiceAccountTokenProjection`).
public struct ServiceAccountTokenProjection: Codable, Hashable, Sendable {
    /// The API server's default expiration (`expirationSeconds` when unset).
    public static let defaultExpirationSeconds: Int64 = 3600
    /// The shortest expiration validation accepts (10 minutes).
    public static let minimumExpirationSeconds: Int64 = 600
    /// The longest expiration validation accepts (2^32 seconds).
    public static let maximumExpirationSeconds: Int64 = 1 << 32

    /// The intended audience; empty means the API server's own audiences.
    public var audience: String?
    /// Requested validity in seconds (3600 when unset; at least 600).
    public var expirationSeconds: Int64?
    /// Relative file path of the token.
    public var path: String

    /// Creates a `ServiceAccountTokenProjection`; every parameter defaults to unset.
    public init(audience: String? = nil, expirationSeconds: Int64? = nil, path: String = "") {
        self.audience = audience
        self.expirationSeconds = expirationSeconds
        self.path = path
    }

    /// `expirationSeconds`, or the default 3600 when unset.
    public var effectiveExpirationSeconds: Int64 { self.expirationSeconds ?? Self.defaultExpirationSeconds }

    private enum CodingKeys: String, CodingKey {
        case audience, expirationSeconds, path
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.audience = try container.value(.audience)
        self.expirationSeconds = try container.value(.expirationSeconds)
        self.path = try container.value(.path, default: "")
    }

    /// Encodes the object, leaving out unset fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.audience, forKey: .audience)
        try container.encodeIfPresent(self.expirationSeconds, forKey: .expirationSeconds)
        try container.encode(self.path, forKey: .path)
    }
}
