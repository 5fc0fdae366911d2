/// The kubelet's metrics, with upstream's names, help texts, labels and buckets (k/k `pkg/kubelet/metrics`), plus
/// component-base's `kubernetes_build_info`. All are ALPHA upstream, so their help starts with `[ALPHA] `.
///
/// ```swift
/// let metrics = KubeletMetrics()
/// metrics.setNodeName("node-1")
/// metrics.runningPods.set(2)
/// metrics.podWorkerDuration.observe(.milliseconds(40), labels: [KubeletMetrics.PodWorkerOperation.sync])
/// let text = metrics.registry.render()
/// ```
public struct KubeletMetrics: Sendable {
    /// The registry every metric below is registered in.
    public let registry: MetricsRegistry

    /// `kubelet_node_name{node}`: always 1.
    public let nodeName: Gauge
    /// `kubelet_running_pods`: pods with a running sandbox.
    public let runningPods: Gauge
    /// `kubelet_running_containers{container_state}`: containers per state (`created`, `running`, `exited`, ...).
    public let runningContainers: Gauge
    /// `kubelet_desired_pods{static}`: pods the agent is asked to run (`static` is `"true"` or `"false"`).
    public let desiredPods: Gauge
    /// `kubelet_pod_start_duration_seconds`: from first seeing a pod to it running.
    public let podStartDuration: Histogram
    /// `kubelet_pod_worker_duration_seconds{operation_type}`: one pod sync (`create`, `update`, `sync`, `kill`).
    public let podWorkerDuration: Histogram
    /// `kubelet_pod_status_sync_duration_seconds`.
    public let podStatusSyncDuration: Histogram
    /// `kubelet_pleg_relist_duration_seconds`.
    public let plegRelistDuration: Histogram
    /// `kubelet_pleg_relist_interval_seconds`.
    public let plegRelistInterval: Histogram
    /// `kubelet_pleg_last_seen_seconds`: Unix time the PLEG was last seen active.
    public let plegLastSeen: Gauge
    /// `kubelet_runtime_operations_total{operation_type}`.
    public let runtimeOperations: Counter
    /// `kubelet_runtime_operations_errors_total{operation_type}`.
    public let runtimeOperationsErrors: Counter
    /// `kubelet_runtime_operations_duration_seconds{operation_type}`.
    public let runtimeOperationsDuration: Histogram
    /// `kubelet_started_pods_total`.
    public let startedPods: Counter
    /// `kubelet_started_pods_errors_total`.
    public let startedPodsErrors: Counter
    /// `kubelet_started_containers_total{container_type}` (see ``ContainerType``).
    public let startedContainers: Counter
    /// `kubelet_started_containers_errors_total{container_type,code}`; `code` is the CRI error code name.
    public let startedContainersErrors: Counter
    /// `kubelet_restarted_pods_total{static}`: a pod deleted and recreated with the same UID.
    public let restartedPods: Counter
    /// `kubelet_run_podsandbox_duration_seconds{runtime_handler}`.
    public let runPodSandboxDuration: Histogram
    /// `kubelet_run_podsandbox_errors_total{runtime_handler}`.
    public let runPodSandboxErrors: Counter
    /// `kubelet_image_pull_duration_seconds{image_size_in_bytes}`; label from ``imageSizeBucket(bytes:)``.
    public let imagePullDuration: Histogram
    /// `kubernetes_build_info{major,minor,git_version,...}`: always 1.
    public let buildInfo: Gauge

    /// Registers every kubelet metric in `registry`.
    /// - Parameter registry: a registry holding no metric of these names yet.
    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        func describe(_ name: String, _ help: String, _ labels: [String] = []) -> MetricDescriptor {
            MetricDescriptor(name: name, help: help, labelNames: labels, stability: .alpha)
        }
        let defaults = Histogram.defaultBuckets
        self.nodeName = registry.gauge(
            describe("kubelet_node_name", "The node's name. The count is always 1.", ["node"])
        )
        self.runningPods = registry.gauge(
            describe("kubelet_running_pods", "Number of pods that have a running pod sandbox")
        )
        self.runningContainers = registry.gauge(
            describe("kubelet_running_containers", "Number of containers currently running", ["container_state"])
        )
        self.desiredPods = registry.gauge(
            describe(
                "kubelet_desired_pods",
                "The number of pods the kubelet is being instructed to run. static is true if the pod is not from the "
                    + "apiserver.",
                ["static"]
            )
        )
        self.podStartDuration = registry.histogram(
            describe(
                "kubelet_pod_start_duration_seconds",
                "Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run"
            ),
            buckets: Self.podStartupDurationBuckets
        )
        self.podWorkerDuration = registry.histogram(
            describe(
                "kubelet_pod_worker_duration_seconds",
                "Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync",
                ["operation_type"]
            ),
            buckets: defaults
        )
        self.podStatusSyncDuration = registry.histogram(
            describe(
                "kubelet_pod_status_sync_duration_seconds",
                "Duration in seconds to sync a pod status update. Measures time from detection of a change to pod "
                    + "status until the API is successfully updated for that pod, even if multiple intevening changes "
                    + "to pod status occur."
            ),
            buckets: [0.010, 0.050, 0.100, 0.500, 1, 5, 10, 20, 30, 45, 60]
        )
        self.plegRelistDuration = registry.histogram(
            describe("kubelet_pleg_relist_duration_seconds", "Duration in seconds for relisting pods in PLEG."),
            buckets: defaults
        )
        self.plegRelistInterval = registry.histogram(
            describe("kubelet_pleg_relist_interval_seconds", "Interval in seconds between relisting in PLEG."),
            buckets: defaults
        )
        self.plegLastSeen = registry.gauge(
            describe("kubelet_pleg_last_seen_seconds", "Timestamp in seconds when PLEG was last seen active.")
        )
        self.runtimeOperations = registry.counter(
            describe(
                "kubelet_runtime_operations_total",
                "Cumulative number of runtime operations by operation type.",
                ["operation_type"]
            )
        )
        self.runtimeOperationsErrors = registry.counter(
            describe(
                "kubelet_runtime_operations_errors_total",
                "Cumulative number of runtime operation errors by operation type.",
                ["operation_type"]
            )
        )
        self.runtimeOperationsDuration = registry.histogram(
            describe(
                "kubelet_runtime_operations_duration_seconds",
                "Duration in seconds of runtime operations. Broken down by operation type.",
                ["operation_type"]
            ),
            buckets: Histogram.exponentialBuckets(start: 0.005, factor: 2.5, count: 14)
        )
        self.startedPods = registry.counter(describe("kubelet_started_pods_total", "Cumulative number of pods started"))
        self.startedPodsErrors = registry.counter(
            describe("kubelet_started_pods_errors_total", "Cumulative number of errors when starting pods")
        )
        self.startedContainers = registry.counter(
            describe("kubelet_started_containers_total", "Cumulative number of containers started", ["container_type"])
        )
        self.startedContainersErrors = registry.counter(
            describe(
                "kubelet_started_containers_errors_total",
                "Cumulative number of errors when starting containers",
                ["container_type", "code"]
            )
        )
        self.restartedPods = registry.counter(
            describe(
                "kubelet_restarted_pods_total",
                "Number of pods that have been restarted because they were deleted and recreated with the same UID "
                    + "while the kubelet was watching them (common for static pods, extremely uncommon for API pods)",
                ["static"]
            )
        )
        self.runPodSandboxDuration = registry.histogram(
            describe(
                "kubelet_run_podsandbox_duration_seconds",
                "Duration in seconds of the run_podsandbox operations. Broken down by RuntimeClass.Handler.",
                ["runtime_handler"]
            ),
            buckets: defaults
        )
        self.runPodSandboxErrors = registry.counter(
            describe(
                "kubelet_run_podsandbox_errors_total",
                "Cumulative number of the run_podsandbox operation errors by RuntimeClass.Handler.",
                ["runtime_handler"]
            )
        )
        self.imagePullDuration = registry.histogram(
            describe(
                "kubelet_image_pull_duration_seconds",
                "Duration in seconds to pull an image.",
                ["image_size_in_bytes"]
            ),
            buckets: Self.imagePullDurationBuckets
        )
        self.buildInfo = registry.gauge(
            describe(
                "kubernetes_build_info",
                "A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, "
                    + "build date, Go version, and compiler from which Kubernetes was built, and platform on which it "
                    + "is running.",
                BuildInfo.labelNames
            )
        )
        self.buildInfo.set(1, labels: BuildInfo.current.labelValues)
    }

    /// Sets `kubelet_node_name{node=name}` to 1 (replacing an earlier name).
    public func setNodeName(_ name: String) {
        self.nodeName.removeAll()
        self.nodeName.set(1, labels: [name])
    }

    /// Upstream's pod start buckets, 0.5 s to 1 h.
    public static let podStartupDurationBuckets: [Double] = [
        0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600,
    ]
    /// Upstream's image pull buckets, 1 s to 1 h.
    public static let imagePullDurationBuckets: [Double] = [
        1, 5, 10, 20, 30, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600,
    ]

    /// The `image_size_in_bytes` label of an image of `bytes` bytes, as upstream's `GetImageSizeBucket`:
    /// `0-10MB`, `10MB-100MB`, ... `GT100GB`, and `N/A` for an unknown (zero) size.
    public static func imageSizeBucket(bytes: UInt64) -> String {
        guard bytes > 0 else { return "N/A" }
        let mb: UInt64 = 1024 * 1024
        let gb: UInt64 = 1024 * mb
        let buckets: [(lowerBound: UInt64, label: String)] = [
            (0, "0-10MB"), (10 * mb, "10MB-100MB"), (100 * mb, "100MB-500MB"), (500 * mb, "500MB-1GB"),
            (1 * gb, "1GB-5GB"), (5 * gb, "5GB-10GB"), (10 * gb, "10GB-20GB"), (20 * gb, "20GB-30GB"),
            (30 * gb, "30GB-40GB"), (40 * gb, "40GB-60GB"), (60 * gb, "60GB-100GB"), (100 * gb, "GT100GB"),
        ]
        return buckets.last { bytes > $0.lowerBound }?.label ?? "N/A"
    }

    /// Values of the `container_type` label.
    public enum ContainerType {
        public static let container = "container"
        public static let initContainer = "init_container"
        public static let ephemeralContainer = "ephemeral_container"
    }

    /// Values of `kubelet_pod_worker_duration_seconds{operation_type}` (upstream's `SyncPodType` names).
    public enum PodWorkerOperation {
        public static let sync = "sync"
        public static let update = "update"
        public static let create = "create"
        public static let kill = "kill"
    }
}

extension KubeletMetrics: RuntimeOperationRecorder {
    public func record(operation: RuntimeOperation, duration: Duration, error: (any Error)?) {
        let labels = [operation.rawValue]
        self.runtimeOperations.increment(labels: labels)
        self.runtimeOperationsDuration.observe(duration, labels: labels)
        if error != nil {
            self.runtimeOperationsErrors.increment(labels: labels)
        }
    }

    public func recordRunPodSandbox(runtimeHandler: String, duration: Duration, error: (any Error)?) {
        self.runPodSandboxDuration.observe(duration, labels: [runtimeHandler])
        // Upstream counts every sandbox creation as a pod start, and its failures as start errors.
        self.startedPods.increment()
        if error != nil {
            self.runPodSandboxErrors.increment(labels: [runtimeHandler])
            self.startedPodsErrors.increment()
        }
    }

    public func recordImagePull(duration: Duration, sizeBytes: UInt64) {
        self.imagePullDuration.observe(duration, labels: [Self.imageSizeBucket(bytes: sizeBytes)])
    }
}
