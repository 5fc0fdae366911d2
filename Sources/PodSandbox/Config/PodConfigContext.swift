/// What the agent knows about its node and configuration that goes into every pod's sandbox and container
/// configuration: the pure builders take it instead of reading flags or files.
public struct PodConfigContext: Hashable, Sendable {
    /// The node's allocatable resources, used where upstream falls back to them (downward API limits, the
    /// size of memory-backed emptyDirs).
    public struct Allocatable: Hashable, Sendable {
        /// Allocatable CPU in milli-CPUs.
        public var milliCPU: Int64
        /// Allocatable memory in bytes.
        public var memoryBytes: Int64
        /// Allocatable ephemeral storage in bytes.
        public var ephemeralStorageBytes: Int64

        /// - Parameters:
        ///   - milliCPU: allocatable CPU in milli-CPUs.
        ///   - memoryBytes: allocatable memory in bytes.
        ///   - ephemeralStorageBytes: allocatable ephemeral storage in bytes.
        public init(milliCPU: Int64 = 0, memoryBytes: Int64 = 0, ephemeralStorageBytes: Int64 = 0) {
            self.milliCPU = milliCPU
            self.memoryBytes = memoryBytes
            self.ephemeralStorageBytes = ephemeralStorageBytes
        }
    }

    /// The kubelet's `podLogsRootDirectory`.
    public static let defaultPodLogsDirectory = "/var/log/pods"
    /// Where pod volumes live: `<podsDirectory>/<uid>/volumes/...`.
    public static let defaultPodsDirectory = "/var/lib/node-agent/pods"
    /// The kubelet's default `--seccomp-profile-root` (`<root-dir>/seccomp`).
    public static let defaultSeccompProfileRoot = "/var/lib/kubelet/seccomp"
    /// The kubelet's default `--resolv-conf`.
    public static let defaultResolvConfPath = "/etc/resolv.conf"

    /// The node's name (`spec.nodeName` of its pods).
    public var nodeName: String
    /// The node's IPs, primary first (`status.hostIP(s)`).
    public var nodeIPs: [String]
    /// `--cluster-dns`: the DNS servers of ClusterFirst pods. Empty makes ClusterFirst fall back to Default.
    public var clusterDNS: [String]
    /// `--cluster-domain`, e.g. `cluster.local`; may be empty.
    public var clusterDomain: String
    /// `--resolv-conf`: the host resolv.conf of Default pods; empty means none (localhost resolver).
    public var resolvConfPath: String
    /// Root of the pods' log directories.
    public var podLogsDirectory: String
    /// Root of the pods' volume directories.
    public var podsDirectory: String
    /// Root of Localhost seccomp profiles.
    public var seccompProfileRoot: String
    /// The runtime handler passed to RunPodSandbox (empty: the runtime's default).
    public var runtimeHandler: String
    /// The cgroup parent of the sandboxes (cgroupfs syntax); empty lets the runtime choose.
    public var cgroupParent: String
    /// `seccompDefault`: containers without a seccomp profile get RuntimeDefault instead of Unconfined.
    public var seccompDefault: Bool
    /// The node's memory capacity in bytes (Burstable OOM score).
    public var memoryCapacity: Int64
    /// The node's allocatable resources.
    public var allocatable: Allocatable

    /// - Parameters:
    ///   - nodeName: the node's name.
    ///   - nodeIPs: the node's IPs, primary first.
    ///   - clusterDNS: `--cluster-dns` servers.
    ///   - clusterDomain: `--cluster-domain`.
    ///   - resolvConfPath: `--resolv-conf`.
    ///   - podLogsDirectory: root of pod log directories.
    ///   - podsDirectory: root of pod volume directories.
    ///   - seccompProfileRoot: root of Localhost seccomp profiles.
    ///   - runtimeHandler: the runtime handler.
    ///   - cgroupParent: the sandboxes' cgroup parent.
    ///   - seccompDefault: use RuntimeDefault for containers without a profile.
    ///   - memoryCapacity: node memory capacity in bytes.
    ///   - allocatable: node allocatable resources.
    public init(
        nodeName: String,
        nodeIPs: [String] = [],
        clusterDNS: [String] = [],
        clusterDomain: String = "",
        resolvConfPath: String = PodConfigContext.defaultResolvConfPath,
        podLogsDirectory: String = PodConfigContext.defaultPodLogsDirectory,
        podsDirectory: String = PodConfigContext.defaultPodsDirectory,
        seccompProfileRoot: String = PodConfigContext.defaultSeccompProfileRoot,
        runtimeHandler: String = "",
        cgroupParent: String = "",
        seccompDefault: Bool = false,
        memoryCapacity: Int64 = 0,
        allocatable: Allocatable = Allocatable()
    ) {
        self.nodeName = nodeName
        self.nodeIPs = nodeIPs
        self.clusterDNS = clusterDNS
        self.clusterDomain = clusterDomain
        self.resolvConfPath = resolvConfPath
        self.podLogsDirectory = podLogsDirectory
        self.podsDirectory = podsDirectory
        self.seccompProfileRoot = seccompProfileRoot
        self.runtimeHandler = runtimeHandler
        self.cgroupParent = cgroupParent
        self.seccompDefault = seccompDefault
        self.memoryCapacity = memoryCapacity
        self.allocatable = allocatable
    }

    /// The pod's log directory: `<podLogsDirectory>/<namespace>_<name>_<uid>` (upstream's
    /// `BuildPodLogsDirectory`).
    ///
    /// - Parameters:
    ///   - namespace: the pod's namespace.
    ///   - name: the pod's name.
    ///   - uid: the pod's UID.
    /// - Returns: the absolute directory.
    public func podLogDirectory(namespace: String, name: String, uid: String) -> String {
        HostPath.join(self.podLogsDirectory, "\(namespace)_\(name)_\(uid)")
    }

    /// The directory of one pod's volumes and other files: `<podsDirectory>/<uid>`.
    ///
    /// - Parameter uid: the pod's UID.
    /// - Returns: the absolute directory.
    public func podDirectory(uid: String) -> String {
        HostPath.join(self.podsDirectory, uid)
    }
}
