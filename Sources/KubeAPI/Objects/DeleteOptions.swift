/// Options of a delete (`metav1.DeleteOptions`), sent as the body of a DELETE.
public struct DeleteOptions: Codable, Hashable, Sendable {
    /// `v1`.
    public var apiVersion: String?
    /// `DeleteOptions`.
    public var kind: String?
    /// Seconds before the object is deleted; 0 deletes at once (the kubelet's final pod delete).
    public var gracePeriodSeconds: Int64?
    /// Conditions that must hold, else 409 Conflict.
    public var preconditions: Preconditions?
    /// Orphan, Background or Foreground.
    public var propagationPolicy: DeletionPropagation?
    /// `All` to validate without persisting.
    public var dryRun: [String]

    /// Creates delete options; `apiVersion` and `kind` are filled in.
    public init(
        gracePeriodSeconds: Int64? = nil,
        preconditions: Preconditions? = nil,
        propagationPolicy: DeletionPropagation? = nil,
        dryRun: [String] = []
    ) {
        self.apiVersion = "v1"
        self.kind = "DeleteOptions"
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditions = preconditions
        self.propagationPolicy = propagationPolicy
        self.dryRun = dryRun
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, gracePeriodSeconds, preconditions, propagationPolicy, dryRun
    }

    /// Decodes the options; missing fields are unset.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.gracePeriodSeconds = try container.value(.gracePeriodSeconds)
        self.preconditions = try container.value(.preconditions)
        self.propagationPolicy = try container.value(.propagationPolicy)
        self.dryRun = try container.value(.dryRun, default: [])
    }

    /// Encodes the options, leaving out unset and empty fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encodeIfPresent(self.gracePeriodSeconds, forKey: .gracePeriodSeconds)
        try container.encodeIfPresent(self.preconditions, forKey: .preconditions)
        try container.encodeIfPresent(self.propagationPolicy, forKey: .propagationPolicy)
        try container.encode(nonEmpty: self.dryRun, forKey: .dryRun)
    }
}

/// Preconditions of a delete (`metav1.Preconditions`).
public struct Preconditions: Codable, Hashable, Sendable {
    /// The object's UID must be this (the kubelet deletes a pod only if it is still the same pod).
    public var uid: String?
    /// The object's resourceVersion must be this.
    public var resourceVersion: String?

    /// Creates preconditions.
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

/// How dependents are deleted (`metav1.DeletionPropagation`).
public struct DeletionPropagation: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let orphan: Self = "Orphan"
    public static let background: Self = "Background"
    public static let foreground: Self = "Foreground"
}
