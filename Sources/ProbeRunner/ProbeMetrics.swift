public import AgentCore
import KubeAPI

/// The prober's metrics with upstream's names and labels (k/k `pkg/kubelet/prober`): `prober_probe_total` and
/// `prober_probe_duration_seconds`. Upstream serves them on `/metrics/probes`; here they join the registry given.
public struct ProbeMetrics: Sendable {
    /// `prober_probe_total{probe_type,result,container,pod,namespace,pod_uid}`.
    public let probes: Counter
    /// `prober_probe_duration_seconds{probe_type,container,pod,namespace}`.
    public let duration: Histogram

    /// Registers both metrics in `registry`.
    public init(registry: MetricsRegistry) {
        self.probes = registry.counter(
            MetricDescriptor(
                name: "prober_probe_total",
                help: "Cumulative number of a liveness, readiness or startup probe for a container by result.",
                labelNames: ["probe_type", "result", "container", "pod", "namespace", "pod_uid"],
                stability: .alpha
            )
        )
        self.duration = registry.histogram(
            MetricDescriptor(
                name: "prober_probe_duration_seconds",
                help: "Duration in seconds for a probe response.",
                labelNames: ["probe_type", "container", "pod", "namespace"],
                stability: .alpha
            ),
            buckets: Histogram.defaultBuckets
        )
    }

    /// Counts one probe run and its duration.
    public func record(_ kind: ProbeKind, _ target: ProbeTarget, _ outcome: ProbeOutcome, seconds: Double) {
        let type = Self.probeType(kind)
        let name = target.container.name
        self.probes.increment(
            labels: [type, Self.result(outcome.result), name, target.podName, target.namespace, target.podUID]
        )
        self.duration.observe(seconds, labels: [type, name, target.podName, target.namespace])
    }

    /// The `probe_type` label: `Liveness`, `Readiness`, `Startup`.
    public static func probeType(_ kind: ProbeKind) -> String {
        switch kind {
        case .liveness: "Liveness"
        case .readiness: "Readiness"
        case .startup: "Startup"
        }
    }

    /// The `result` label: `successful`, `failed`, `unknown`.
    public static func result(_ result: ProbeResult) -> String {
        switch result {
        case .success: "successful"
        case .failure: "failed"
        case .unknown: "unknown"
        }
    }
}
