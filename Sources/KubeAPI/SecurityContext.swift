/// Container-level security attributes (`v1 SecurityContext`).
public struct SecurityContext: Codable, Hashable, Sendable {
    /// Capabilities to add and drop.
    public var capabilities: Capabilities?
    /// Run privileged.
    public var privileged: Bool?
    /// SELinux context.
    public var seLinuxOptions: SELinuxOptions?
    /// UID of the process.
    public var runAsUser: Int64?
    /// GID of the process.
    public var runAsGroup: Int64?
    /// Refuse to start when the UID is 0.
    public var runAsNonRoot: Bool?
    /// Mount the root filesystem read-only.
    public var readOnlyRootFilesystem: Bool?
    /// Whether a process can gain more privileges (no_new_privs off).
    public var allowPrivilegeEscalation: Bool?
    /// Default or Unmasked.
    public var procMount: ProcMountType?
    /// Seccomp profile; overrides the pod's.
    public var seccompProfile: SeccompProfile?
    /// AppArmor profile; overrides the pod's.
    public var appArmorProfile: AppArmorProfile?

    /// Creates a `SecurityContext`; every parameter defaults to unset.
    public init(
        capabilities: Capabilities? = nil,
        privileged: Bool? = nil,
        seLinuxOptions: SELinuxOptions? = nil,
        runAsUser: Int64? = nil,
        runAsGroup: Int64? = nil,
        runAsNonRoot: Bool? = nil,
        readOnlyRootFilesystem: Bool? = nil,
        allowPrivilegeEscalation: Bool? = nil,
        procMount: ProcMountType? = nil,
        seccompProfile: SeccompProfile? = nil,
        appArmorProfile: AppArmorProfile? = nil
    ) {
        self.capabilities = capabilities
        self.privileged = privileged
        self.seLinuxOptions = seLinuxOptions
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.runAsNonRoot = runAsNonRoot
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.procMount = procMount
        self.seccompProfile = seccompProfile
        self.appArmorProfile = appArmorProfile
    }
}

/// Pod-level security attributes (`v1 PodSecurityContext`).
public struct PodSecurityContext: Codable, Hashable, Sendable {
    /// SELinux context for all containers.
    public var seLinuxOptions: SELinuxOptions?
    /// UID for all containers.
    public var runAsUser: Int64?
    /// GID for all containers.
    public var runAsGroup: Int64?
    /// Refuse to start containers running as UID 0.
    public var runAsNonRoot: Bool?
    /// Extra groups of the first process of each container.
    public var supplementalGroups: [Int64]
    /// Group owning the volumes.
    public var fsGroup: Int64?
    /// Namespaced sysctls to set.
    public var sysctls: [Sysctl]
    /// OnRootMismatch or Always.
    public var fsGroupChangePolicy: String?
    /// Seccomp profile for all containers.
    public var seccompProfile: SeccompProfile?
    /// AppArmor profile for all containers.
    public var appArmorProfile: AppArmorProfile?

    /// Creates a `PodSecurityContext`; every parameter defaults to unset.
    public init(
        seLinuxOptions: SELinuxOptions? = nil,
        runAsUser: Int64? = nil,
        runAsGroup: Int64? = nil,
        runAsNonRoot: Bool? = nil,
        supplementalGroups: [Int64] = [],
        fsGroup: Int64? = nil,
        sysctls: [Sysctl] = [],
        fsGroupChangePolicy: String? = nil,
        seccompProfile: SeccompProfile? = nil,
        appArmorProfile: AppArmorProfile? = nil
    ) {
        self.seLinuxOptions = seLinuxOptions
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.runAsNonRoot = runAsNonRoot
        self.supplementalGroups = supplementalGroups
        self.fsGroup = fsGroup
        self.sysctls = sysctls
        self.fsGroupChangePolicy = fsGroupChangePolicy
        self.seccompProfile = seccompProfile
        self.appArmorProfile = appArmorProfile
    }

    private enum CodingKeys: String, CodingKey {
        case seLinuxOptions, runAsUser, runAsGroup, runAsNonRoot, supplementalGroups, fsGroup, sysctls
        case fsGroupChangePolicy, seccompProfile, appArmorProfile
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.seLinuxOptions = try container.value(.seLinuxOptions)
        self.runAsUser = try container.value(.runAsUser)
        self.runAsGroup = try container.value(.runAsGroup)
        self.runAsNonRoot = try container.value(.runAsNonRoot)
        self.supplementalGroups = try container.value(.supplementalGroups, default: [])
        self.fsGroup = try container.value(.fsGroup)
        self.sysctls = try container.value(.sysctls, default: [])
        self.fsGroupChangePolicy = try container.value(.fsGroupChangePolicy)
        self.seccompProfile = try container.value(.seccompProfile)
        self.appArmorProfile = try container.value(.appArmorProfile)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.seLinuxOptions, forKey: .seLinuxOptions)
        try container.encodeIfPresent(self.runAsUser, forKey: .runAsUser)
        try container.encodeIfPresent(self.runAsGroup, forKey: .runAsGroup)
        try container.encodeIfPresent(self.runAsNonRoot, forKey: .runAsNonRoot)
        try container.encode(nonEmpty: self.supplementalGroups, forKey: .supplementalGroups)
        try container.encodeIfPresent(self.fsGroup, forKey: .fsGroup)
        try container.encode(nonEmpty: self.sysctls, forKey: .sysctls)
        try container.encodeIfPresent(self.fsGroupChangePolicy, forKey: .fsGroupChangePolicy)
        try container.encodeIfPresent(self.seccompProfile, forKey: .seccompProfile)
        try container.encodeIfPresent(self.appArmorProfile, forKey: .appArmorProfile)
    }
}

/// Linux capabilities to add and drop (`v1 Capabilities`), e.g. `NET_ADMIN`.
public struct Capabilities: Codable, Hashable, Sendable {
    /// Capabilities to add.
    public var add: [String]
    /// Capabilities to drop (`ALL` drops all).
    public var drop: [String]

    /// Creates a `Capabilities`; every parameter defaults to unset.
    public init(add: [String] = [], drop: [String] = []) {
        self.add = add
        self.drop = drop
    }

    private enum CodingKeys: String, CodingKey {
        case add, drop
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.add = try container.value(.add, default: [])
        self.drop = try container.value(.drop, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.add, forKey: .add)
        try container.encode(nonEmpty: self.drop, forKey: .drop)
    }
}

/// An SELinux context (`v1 SELinuxOptions`).
public struct SELinuxOptions: Codable, Hashable, Sendable {
    /// SELinux user.
    public var user: String?
    /// SELinux role.
    public var role: String?
    /// SELinux type.
    public var type: String?
    /// SELinux level.
    public var level: String?

    /// Creates a `SELinuxOptions`; every parameter defaults to unset.
    public init(user: String? = nil, role: String? = nil, type: String? = nil, level: String? = nil) {
        self.user = user
        self.role = role
        self.type = type
        self.level = level
    }
}

/// A seccomp profile (`v1 SeccompProfile`).
public struct SeccompProfile: Codable, Hashable, Sendable {
    /// RuntimeDefault, Unconfined or Localhost.
    public var type: SeccompProfileType
    /// For Localhost: the profile's path relative to `<kubelet-root>/seccomp`.
    public var localhostProfile: String?

    /// Creates a `SeccompProfile`; every parameter defaults to unset.
    public init(type: SeccompProfileType = "", localhostProfile: String? = nil) {
        self.type = type
        self.localhostProfile = localhostProfile
    }

    private enum CodingKeys: String, CodingKey {
        case type, localhostProfile
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.value(.type, default: "")
        self.localhostProfile = try container.value(.localhostProfile)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.type, forKey: .type)
        try container.encodeIfPresent(self.localhostProfile, forKey: .localhostProfile)
    }
}

/// An AppArmor profile (`v1 AppArmorProfile`).
public struct AppArmorProfile: Codable, Hashable, Sendable {
    /// RuntimeDefault, Unconfined or Localhost.
    public var type: String
    /// For Localhost: the profile name loaded on the node.
    public var localhostProfile: String?

    /// Creates a `AppArmorProfile`; every parameter defaults to unset.
    public init(type: String = "", localhostProfile: String? = nil) {
        self.type = type
        self.localhostProfile = localhostProfile
    }

    private enum CodingKeys: String, CodingKey {
        case type, localhostProfile
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.value(.type, default: "")
        self.localhostProfile = try container.value(.localhostProfile)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.type, forKey: .type)
        try container.encodeIfPresent(self.localhostProfile, forKey: .localhostProfile)
    }
}

/// A kernel parameter (`v1 Sysctl`).
public struct Sysctl: Codable, Hashable, Sendable {
    /// Parameter name (e.g. `net.ipv4.ip_forward`).
    public var name: String
    /// Value.
    public var value: String

    /// Creates a `Sysctl`; every parameter defaults to unset.
    public init(name: String = "", value: String = "") {
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
        self.value = try container.value(.value, default: "")
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.value, forKey: .value)
    }
}
