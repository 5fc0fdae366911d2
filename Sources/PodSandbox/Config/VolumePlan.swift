public import CRIClient
public import KubeAPI

/// Where each of a pod's volumes lives on the host and what must be true or be created there before its
/// containers start. Pure: ``VolumeSetup`` carries the plan out.
///
/// - emptyDir: `<podsDirectory>/<uid>/volumes/kubernetes.io~empty-dir/<name>`, a directory; with
///   `medium: Memory` a tmpfs mounted there, sized to the smallest of `sizeLimit`, the pod's memory limit
///   and the node's allocatable memory (upstream's `calculateEmptyDirMemorySize`).
/// - hostPath: the path itself, with its `type` check (upstream `pkg/volume/hostpath`).
/// - configMap, secret, downwardAPI and projected: files the agent writes (``AtomicWriter``) under
///   `<podsDirectory>/<uid>/volumes/kubernetes.io~<plugin>/<name>` (plugins `configmap`, `secret`,
///   `downward-api`, `projected`); secret and projected volumes on a tmpfs, as upstream's plugins wrap a
///   memory-backed emptyDir. ConfigMaps, Secrets and tokens need the API server: without one (standalone mode,
///   and always for static pods, upstream's `PreventStaticPodAPIReferences`) planning fails with an error naming
///   the volume. downwardAPI volumes (and projected volumes of downwardAPI sources only) need no API server.
/// - persistentVolumeClaim is not supported.
public struct VolumePlan: Hashable, Sendable {
    /// What a hostPath volume requires of its path (`v1 HostPathType`).
    public enum HostPathCheck: String, Hashable, Sendable, CaseIterable {
        /// `""`: nothing is checked.
        case none = ""
        /// Created (mode 0755, parents included) when missing; must be a directory otherwise.
        case directoryOrCreate = "DirectoryOrCreate"
        /// Must be an existing directory.
        case directory = "Directory"
        /// Created empty (mode 0644) when missing, its parent must exist; must be a file otherwise.
        case fileOrCreate = "FileOrCreate"
        /// Must be an existing regular file.
        case file = "File"
        /// Must be an existing UNIX socket.
        case socket = "Socket"
        /// Must be an existing character device.
        case charDevice = "CharDevice"
        /// Must be an existing block device.
        case blockDevice = "BlockDevice"
    }

    /// One planned volume.
    public enum Kind: Hashable, Sendable {
        /// A directory under the pod's directory.
        case emptyDir
        /// A tmpfs mounted under the pod's directory; `sizeBytes` 0 means the kernel's default.
        case memory(sizeBytes: Int64)
        /// A path on the node and what it must be.
        case hostPath(HostPathCheck)
        /// A directory of files the agent writes from API objects or pod fields; on a tmpfs of `tmpfsBytes`
        /// (0: the kernel's default size) when non-nil.
        case data(DataSource, tmpfsBytes: Int64?)
    }

    /// Where the files of a ``Kind/data(_:tmpfsBytes:)`` volume come from.
    public enum DataSource: Hashable, Sendable {
        /// A ConfigMap's keys (`kubernetes.io~configmap`).
        case configMap(ConfigMapVolumeSource)
        /// A Secret's keys (`kubernetes.io~secret`, tmpfs).
        case secret(SecretVolumeSource)
        /// Pod fields (`kubernetes.io~downward-api`).
        case downwardAPI(DownwardAPIVolumeSource)
        /// Several sources in one directory (`kubernetes.io~projected`, tmpfs).
        case projected(ProjectedVolumeSource)

        /// The plugin directory name upstream uses: `kubernetes.io~configmap`, ...
        public var pluginDirectory: String {
            switch self {
            case .configMap: "kubernetes.io~configmap"
            case .secret: "kubernetes.io~secret"
            case .downwardAPI: "kubernetes.io~downward-api"
            case .projected: "kubernetes.io~projected"
            }
        }

        /// Whether the source reads API objects (ConfigMaps, Secrets, tokens), which need the API server.
        public var needsAPIServer: Bool {
            switch self {
            case .configMap, .secret: true
            case .downwardAPI: false
            case .projected(let source): source.sources.contains { $0.downwardAPI == nil }
            }
        }
    }

    /// A volume and its host path.
    public struct Volume: Hashable, Sendable {
        /// The volume's name in the pod spec.
        public var name: String
        /// Its absolute path on the node.
        public var hostPath: String
        /// What it is.
        public var kind: Kind

        /// - Parameters:
        ///   - name: the volume's name in the pod spec.
        ///   - hostPath: its absolute path on the node.
        ///   - kind: what it is.
        public init(name: String, hostPath: String, kind: Kind) {
            self.name = name
            self.hostPath = hostPath
            self.kind = kind
        }
    }

    /// One volume mount of one container.
    public struct PlannedMount: Hashable, Sendable {
        /// The volume mounted.
        public var volume: Volume
        /// `subPath` (or expanded `subPathExpr`), relative and free of `..`; empty when none.
        public var subPath: String
        /// The CRI mount: `hostPath` is the volume path joined with `subPath`.
        public var mount: Mount

        /// - Parameters:
        ///   - volume: the volume mounted.
        ///   - subPath: the sub-path inside it, empty when none.
        ///   - mount: the CRI mount.
        public init(volume: Volume, subPath: String, mount: Mount) {
            self.volume = volume
            self.subPath = subPath
            self.mount = mount
        }
    }

    /// The pod's UID.
    public var podUID: String
    /// `<podsDirectory>/<uid>`: removed when the pod is torn down.
    public var podDirectory: String
    /// The volumes in spec order.
    public var volumes: [Volume]

    /// - Parameters:
    ///   - podUID: the pod's UID.
    ///   - podDirectory: the pod's own directory.
    ///   - volumes: the planned volumes.
    public init(podUID: String, podDirectory: String, volumes: [Volume]) {
        self.podUID = podUID
        self.podDirectory = podDirectory
        self.volumes = volumes
    }

    /// The emptyDir directory of a volume: `<podDirectory>/volumes/kubernetes.io~empty-dir/<name>`.
    public static func emptyDirPath(podDirectory: String, name: String) -> String {
        HostPath.join(podDirectory, "volumes", "kubernetes.io~empty-dir", name)
    }

    /// The directory of a volume of a plugin: `<podDirectory>/volumes/<plugin>/<name>`.
    public static func pluginPath(podDirectory: String, plugin: String, name: String) -> String {
        HostPath.join(podDirectory, "volumes", plugin, name)
    }

    /// Plans the volumes of `pod`.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - context: where pod directories live and the node's allocatable memory.
    ///   - allowAPIObjects: whether ConfigMap, Secret and token sources can be read (an API server is there and
    ///     the pod is not a static pod).
    /// - Returns: the plan.
    /// - Throws: ``ContainerConfigError`` naming the volume for an unsupported type, a relative hostPath or an
    ///   unknown hostPath type.
    public static func make(pod: Pod, context: PodConfigContext, allowAPIObjects: Bool = false)
        throws(ContainerConfigError) -> VolumePlan
    {
        let podDirectory = context.podDirectory(uid: pod.metadata.uid)
        var volumes: [Volume] = []
        for (index, volume) in pod.spec.volumes.enumerated() {
            let field = "spec.volumes[\(index)] (\(volume.name))"
            if let emptyDir = volume.emptyDir {
                let path = Self.emptyDirPath(podDirectory: podDirectory, name: volume.name)
                if emptyDir.medium?.rawValue == "Memory" {
                    let size = Self.memoryVolumeSize(pod: pod, sizeLimit: emptyDir.sizeLimit, context: context)
                    volumes.append(Volume(name: volume.name, hostPath: path, kind: .memory(sizeBytes: size)))
                } else if let medium = emptyDir.medium?.rawValue, !medium.isEmpty {
                    throw ContainerConfigError(
                        "\(field): emptyDir medium \"\(medium)\" is not supported (\"\" or Memory)")
                } else {
                    volumes.append(Volume(name: volume.name, hostPath: path, kind: .emptyDir))
                }
            } else if let hostPath = volume.hostPath {
                guard hostPath.path.hasPrefix("/") else {
                    throw ContainerConfigError("\(field): hostPath.path \"\(hostPath.path)\" must be absolute")
                }
                let typeName = hostPath.type?.rawValue ?? ""
                guard let check = HostPathCheck(rawValue: typeName) else {
                    let known = HostPathCheck.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                    throw ContainerConfigError("\(field): hostPath.type \"\(typeName)\" is not one of \(known)")
                }
                let path = HostPath.clean(hostPath.path)
                volumes.append(Volume(name: volume.name, hostPath: path, kind: .hostPath(check)))
            } else if let source = Self.dataSource(volume), allowAPIObjects || !source.needsAPIServer {
                if case .projected(let projected) = source,
                    let unsupported = projected.sources.lazy.compactMap(Self.unsupportedProjection).first
                {
                    throw ContainerConfigError("\(field): projected source \(unsupported) is not supported")
                }
                let path = Self.pluginPath(podDirectory: podDirectory, plugin: source.pluginDirectory, name: volume.name)
                var tmpfs: Int64?
                switch source {
                case .secret, .projected: tmpfs = Self.memoryVolumeSize(pod: pod, sizeLimit: nil, context: context)
                case .configMap, .downwardAPI: tmpfs = nil
                }
                volumes.append(Volume(name: volume.name, hostPath: path, kind: .data(source, tmpfsBytes: tmpfs)))
            } else {
                throw ContainerConfigError("\(field): \(Self.unsupportedType(volume))")
            }
        }
        return VolumePlan(podUID: pod.metadata.uid, podDirectory: podDirectory, volumes: volumes)
    }

    private static func dataSource(_ volume: KubeAPI.Volume) -> DataSource? {
        if let source = volume.configMap { return .configMap(source) }
        if let source = volume.secret { return .secret(source) }
        if let source = volume.downwardAPI { return .downwardAPI(source) }
        if let source = volume.projected { return .projected(source) }
        return nil
    }

    private static func unsupportedProjection(_ projection: VolumeProjection) -> String? {
        if projection.clusterTrustBundle != nil { return "clusterTrustBundle" }
        if projection.podCertificate != nil { return "podCertificate" }
        if projection.setFields.isEmpty { return "with no type" }
        return nil
    }

    private static func unsupportedType(_ volume: KubeAPI.Volume) -> String {
        let apiObject = "needs the API server, which static pods do not have; use emptyDir or hostPath"
        if volume.configMap != nil { return "configMap volumes \(apiObject)" }
        if volume.secret != nil { return "secret volumes \(apiObject)" }
        if volume.persistentVolumeClaim != nil { return "persistentVolumeClaim volumes are not supported" }
        if volume.projected != nil { return "projected volumes with secret, configMap or token sources \(apiObject)" }
        return "the volume has no supported source (emptyDir or hostPath)"
    }

    /// The size of a memory-backed emptyDir: node allocatable memory, lowered to the pod's memory limit (when
    /// every container has one) and to `sizeLimit`, each only when positive and smaller.
    static func memoryVolumeSize(pod: Pod, sizeLimit: Quantity?, context: PodConfigContext) -> Int64 {
        var size = context.allocatable.memoryBytes
        func lower(to candidate: Int64) {
            if candidate > 0, size <= 0 || candidate <= size { size = candidate }
        }
        if let podLimit = Self.podMemoryLimit(pod) { lower(to: podLimit) }
        if let sizeLimit { lower(to: sizeLimit.value) }
        return max(size, 0)
    }

    /// The pod's memory limit as its cgroup gets it: the sum over app containers, at least the largest init
    /// container's; `nil` when a container has no memory limit.
    static func podMemoryLimit(_ pod: Pod) -> Int64? {
        var sum: Int64 = 0
        for container in pod.spec.containers {
            guard let limit = container.resources?.limits["memory"] else { return nil }
            sum += limit.value
        }
        var largestInit: Int64 = 0
        for container in pod.spec.initContainers {
            guard let limit = container.resources?.limits["memory"] else { return nil }
            largestInit = max(largestInit, limit.value)
        }
        return max(sum, largestInit)
    }
}
