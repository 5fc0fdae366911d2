/// The kubelet's configuration file (`kubelet.config.k8s.io/v1beta1`, kind `KubeletConfiguration`), the
/// subset the agent uses, with upstream's field names. Unset fields take upstream's defaults through ``resolved``.
///
/// ```swift
/// let config = try KubeletConfiguration.load(contentsOf: "/var/lib/kubelet/config.yaml")
/// let every = config.resolved.fileCheckFrequency  // .seconds(20) unless set
/// ```
public struct KubeletConfiguration: Codable, Hashable, Sendable {
    /// `kubelet.config.k8s.io/v1beta1`.
    public var apiVersion: String?
    /// `KubeletConfiguration`.
    public var kind: String?
    /// Directory of static pod manifests (`--pod-manifest-path`).
    public var staticPodPath: String?
    /// URL serving static pods (`--manifest-url`).
    public var staticPodURL: String?
    /// How often the manifest directory is re-listed; default 20s.
    public var fileCheckFrequency: GoDurationValue?
    /// How often the manifest URL is polled; default 20s.
    public var httpCheckFrequency: GoDurationValue?
    /// Maximum period between pod syncs; default 1m.
    public var syncFrequency: GoDurationValue?
    /// DNS server IPs for ClusterFirst pods.
    public var clusterDNS: [String]?
    /// Cluster DNS domain (e.g. `cluster.local`).
    public var clusterDomain: String?
    /// Port of the healthz endpoint; default 10248, 0 disables.
    public var healthzPort: Int32?
    /// Address of the healthz endpoint; default 127.0.0.1.
    public var healthzBindAddress: String?
    /// CRI endpoint; default `unix:///run/containerd/containerd.sock`.
    public var containerRuntimeEndpoint: String?
    /// Deadline of runtime requests except long-running ones; default 2m.
    public var runtimeRequestTimeout: GoDurationValue?
    /// resolv.conf for DNS policy Default; default `/etc/resolv.conf`.
    public var resolvConf: String?
    /// Maximum number of pods; default 110.
    public var maxPods: Int32?
    /// Root of the pod log directories; default `/var/log/pods`.
    public var podLogsDir: String?
    /// Crash-loop back-off settings.
    public var crashLoopBackOff: CrashLoopBackOffConfig?
    /// How often node status is computed; default 10s.
    public var nodeStatusUpdateFrequency: GoDurationValue?
    /// Pull one image at a time; default true.
    public var serializeImagePulls: Bool?
    /// Refuse to start with swap on; default true.
    public var failSwapOn: Bool?
    /// `cgroupfs` (default) or `systemd`.
    public var cgroupDriver: String?
    /// Address of the kubelet API; default 0.0.0.0.
    public var address: String?
    /// Port of the kubelet API; default 10250.
    public var port: Int32?
    /// Read-only port; default 0 (disabled).
    public var readOnlyPort: Int32?
    /// Requests per second to the API server after the burst; default 50.
    public var kubeAPIQPS: Int32?
    /// Requests to the API server allowed at once; default 100.
    public var kubeAPIBurst: Int32?

    /// Creates a `KubeletConfiguration`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        staticPodPath: String? = nil,
        staticPodURL: String? = nil,
        fileCheckFrequency: GoDurationValue? = nil,
        httpCheckFrequency: GoDurationValue? = nil,
        syncFrequency: GoDurationValue? = nil,
        clusterDNS: [String]? = nil,
        clusterDomain: String? = nil,
        healthzPort: Int32? = nil,
        healthzBindAddress: String? = nil,
        containerRuntimeEndpoint: String? = nil,
        runtimeRequestTimeout: GoDurationValue? = nil,
        resolvConf: String? = nil,
        maxPods: Int32? = nil,
        podLogsDir: String? = nil,
        crashLoopBackOff: CrashLoopBackOffConfig? = nil,
        nodeStatusUpdateFrequency: GoDurationValue? = nil,
        serializeImagePulls: Bool? = nil,
        failSwapOn: Bool? = nil,
        cgroupDriver: String? = nil,
        address: String? = nil,
        port: Int32? = nil,
        readOnlyPort: Int32? = nil,
        kubeAPIQPS: Int32? = nil,
        kubeAPIBurst: Int32? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.staticPodPath = staticPodPath
        self.staticPodURL = staticPodURL
        self.fileCheckFrequency = fileCheckFrequency
        self.httpCheckFrequency = httpCheckFrequency
        self.syncFrequency = syncFrequency
        self.clusterDNS = clusterDNS
        self.clusterDomain = clusterDomain
        self.healthzPort = healthzPort
        self.healthzBindAddress = healthzBindAddress
        self.containerRuntimeEndpoint = containerRuntimeEndpoint
        self.runtimeRequestTimeout = runtimeRequestTimeout
        self.resolvConf = resolvConf
        self.maxPods = maxPods
        self.podLogsDir = podLogsDir
        self.crashLoopBackOff = crashLoopBackOff
        self.nodeStatusUpdateFrequency = nodeStatusUpdateFrequency
        self.serializeImagePulls = serializeImagePulls
        self.failSwapOn = failSwapOn
        self.cgroupDriver = cgroupDriver
        self.address = address
        self.port = port
        self.readOnlyPort = readOnlyPort
        self.kubeAPIQPS = kubeAPIQPS
        self.kubeAPIBurst = kubeAPIBurst
    }
}

/// Crash-loop back-off settings (`crashLoopBackOff`).
public struct CrashLoopBackOffConfig: Codable, Hashable, Sendable {
    /// Maximum back-off between restarts, 1s..300s; default 300s.
    public var maxContainerRestartPeriod: GoDurationValue?

    /// Creates a `CrashLoopBackOffConfig`; every parameter defaults to unset.
    public init(maxContainerRestartPeriod: GoDurationValue? = nil) {
        self.maxContainerRestartPeriod = maxContainerRestartPeriod
    }
}
