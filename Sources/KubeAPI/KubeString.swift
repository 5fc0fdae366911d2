/// A Kubernetes "string enum" (Go's `type RestartPolicy string`): any string decodes, so validation can report an
/// unsupported value by name instead of failing to decode; the known values are static constants.
public protocol KubeString: RawRepresentable<String>, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// Creates the value from its string.
    init(rawValue: String)
}

extension KubeString {
    /// Creates the value from a string literal.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    /// Decodes the value from a string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the value as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }

    /// The string.
    public var description: String { self.rawValue }
}

/// Restart policy of a pod's containers (`v1 RestartPolicy`).
public struct RestartPolicy: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let always: Self = "Always"
    public static let onFailure: Self = "OnFailure"
    public static let never: Self = "Never"
    /// The values the API accepts.
    public static let supported: [Self] = [.always, .onFailure, .never]
}

/// Restart policy of one init container (`v1 ContainerRestartPolicy`): only `Always` (a sidecar).
public struct ContainerRestartPolicy: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let always: Self = "Always"
}

/// DNS policy of a pod (`v1 DNSPolicy`).
public struct DNSPolicy: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let clusterFirst: Self = "ClusterFirst"
    public static let clusterFirstWithHostNet: Self = "ClusterFirstWithHostNet"
    /// The node's resolv.conf.
    public static let `default`: Self = "Default"
    /// Only `dnsConfig`.
    public static let none: Self = "None"
    /// The values the API accepts.
    public static let supported: [Self] = [.clusterFirst, .clusterFirstWithHostNet, .default, .none]
}

/// Image pull policy (`v1 PullPolicy`).
public struct PullPolicy: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let always: Self = "Always"
    public static let never: Self = "Never"
    public static let ifNotPresent: Self = "IfNotPresent"
    /// The values the API accepts.
    public static let supported: [Self] = [.always, .ifNotPresent, .never]
}

/// Network protocol of a port (`v1 Protocol`).
public struct NetworkProtocol: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let tcp: Self = "TCP"
    public static let udp: Self = "UDP"
    public static let sctp: Self = "SCTP"
    /// The values the API accepts.
    public static let supported: [Self] = [.sctp, .tcp, .udp]
}

/// How the termination message is gathered (`v1 TerminationMessagePolicy`).
public struct TerminationMessagePolicy: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let file: Self = "File"
    public static let fallbackToLogsOnError: Self = "FallbackToLogsOnError"
    /// The values the API accepts.
    public static let supported: [Self] = [.fallbackToLogsOnError, .file]
}

/// Mount propagation of a volume mount (`v1 MountPropagationMode`).
public struct MountPropagationMode: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let none: Self = "None"
    public static let hostToContainer: Self = "HostToContainer"
    public static let bidirectional: Self = "Bidirectional"
    /// The values the API accepts.
    public static let supported: [Self] = [.bidirectional, .hostToContainer, .none]
}

/// Check (or creation) of a hostPath volume (`v1 HostPathType`).
public struct HostPathType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// No check.
    public static let unset: Self = ""
    public static let directoryOrCreate: Self = "DirectoryOrCreate"
    public static let directory: Self = "Directory"
    public static let fileOrCreate: Self = "FileOrCreate"
    public static let file: Self = "File"
    public static let socket: Self = "Socket"
    public static let charDevice: Self = "CharDevice"
    public static let blockDevice: Self = "BlockDevice"
    /// The values the API accepts.
    public static let supported: [Self] = [
        .unset, .blockDevice, .charDevice, .directory, .directoryOrCreate, .file, .fileOrCreate, .socket,
    ]
}

/// Medium of an emptyDir volume (`v1 StorageMedium`).
public struct StorageMedium: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The node's disk.
    public static let `default`: Self = ""
    /// tmpfs.
    public static let memory: Self = "Memory"
    /// Huge pages.
    public static let hugePages: Self = "HugePages"
}

/// URI scheme of an HTTP probe (`v1 URIScheme`).
public struct URIScheme: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let http: Self = "HTTP"
    public static let https: Self = "HTTPS"
}

/// Kind of a seccomp profile (`v1 SeccompProfileType`).
public struct SeccompProfileType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let runtimeDefault: Self = "RuntimeDefault"
    public static let unconfined: Self = "Unconfined"
    public static let localhost: Self = "Localhost"
}

/// /proc mount type (`v1 ProcMountType`).
public struct ProcMountType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let `default`: Self = "Default"
    public static let unmasked: Self = "Unmasked"
}

/// Operator of a toleration (`v1 TolerationOperator`).
public struct TolerationOperator: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let exists: Self = "Exists"
    public static let equal: Self = "Equal"
}

/// Effect of a taint (`v1 TaintEffect`).
public struct TaintEffect: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let noSchedule: Self = "NoSchedule"
    public static let preferNoSchedule: Self = "PreferNoSchedule"
    public static let noExecute: Self = "NoExecute"
}

/// Phase of a pod (`v1 PodPhase`).
public struct PodPhase: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let pending: Self = "Pending"
    public static let running: Self = "Running"
    public static let succeeded: Self = "Succeeded"
    public static let failed: Self = "Failed"
    public static let unknown: Self = "Unknown"
}

/// Type of a pod condition (`v1 PodConditionType`).
public struct PodConditionType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let podScheduled: Self = "PodScheduled"
    public static let podReadyToStartContainers: Self = "PodReadyToStartContainers"
    public static let initialized: Self = "Initialized"
    public static let containersReady: Self = "ContainersReady"
    public static let ready: Self = "Ready"
    public static let disruptionTarget: Self = "DisruptionTarget"
}

/// Status of a condition (`v1 ConditionStatus`).
public struct ConditionStatus: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let `true`: Self = "True"
    public static let `false`: Self = "False"
    public static let unknown: Self = "Unknown"
}

/// Quality-of-service class of a pod (`v1 PodQOSClass`).
public struct PodQOSClass: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let guaranteed: Self = "Guaranteed"
    public static let burstable: Self = "Burstable"
    public static let bestEffort: Self = "BestEffort"
}
