public import CRIClient
public import KubeAPI

/// Where each of a pod's volumes lives on the host and what must be true or be created there before its
/// containers start. Pure: ``VolumeSetup`` carries the plan out.
///
/// - emptyDir: `<podsDirectory>/<uid>/volumes/kubernetes.io~empty-dir/<name>`, a directory; with
///   `medium: Memory` a tmpfs mounted there, sized to the smallest of `sizeLimit`, the pod's memory limit
///   and the node's allocatable memory (upstream's `calculateEmptyDirMemorySize`).
/// - hostPath: the path itself, with its `type` check (upstream `pkg/volume/hostpath`).
/// - Other volume types need an API server (ConfigMap, Secret, PVC, projected tokens) or are not supported
///   yet (downwardAPI): planning fails with an error naming the volume.
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

    /// Plans the volumes of `pod`.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - context: where pod directories live and the node's allocatable memory.
    /// - Returns: the plan.
    /// - Throws: ``ContainerConfigError`` naming the volume for an unsupported type, a relative hostPath or an
    ///   unknown hostPath type.
    public static func make(pod: Pod, context: PodConfigContext) throws(ContainerConfigError) -> VolumePlan {
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
            } else {
                throw ContainerConfigError("\(field): \(Self.unsupportedType(volume))")
            }
        }
        return VolumePlan(podUID: pod.metadata.uid, podDirectory: podDirectory, volumes: volumes)
    }

    private static func unsupportedType(_ volume: KubeAPI.Volume) -> String {
        let apiObject = "needs the API server, which static pods do not have; use emptyDir or hostPath"
        if volume.configMap != nil { return "configMap volumes \(apiObject)" }
        if volume.secret != nil { return "secret volumes \(apiObject)" }
        if volume.persistentVolumeClaim != nil { return "persistentVolumeClaim volumes \(apiObject)" }
        if volume.projected != nil { return "projected volumes \(apiObject)" }
        if volume.downwardAPI != nil { return "downwardAPI volumes are not supported yet; use env fieldRef" }
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
