public import AgentCore

/// kube-proxy's metrics with upstream's names, help texts, labels and buckets (k/k `pkg/proxy/metrics`), served on
/// `--proxy-metrics-bind-address` (127.0.0.1:10249). All are ALPHA upstream.
///
/// ```swift
/// let metrics = ProxyMetrics()
/// metrics.syncProxyRulesDuration.observe(.milliseconds(12))
/// let text = metrics.registry.render()
/// ```
public struct ProxyMetrics: Sendable {
    /// The registry every metric below is registered in.
    public let registry: MetricsRegistry

    /// `kubeproxy_sync_proxy_rules_duration_seconds`: one sync, full or partial.
    public let syncProxyRulesDuration: Histogram
    /// `kubeproxy_sync_full_proxy_rules_duration_seconds`.
    public let syncFullProxyRulesDuration: Histogram
    /// `kubeproxy_sync_partial_proxy_rules_duration_seconds`.
    public let syncPartialProxyRulesDuration: Histogram
    /// `kubeproxy_sync_proxy_rules_last_timestamp_seconds`: Unix time of the last successful sync.
    public let syncProxyRulesLastTimestamp: Gauge
    /// `kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds`: Unix time a sync was last queued.
    public let syncProxyRulesLastQueuedTimestamp: Gauge
    /// `kubeproxy_network_programming_duration_seconds`: from an object's change to its rules being applied.
    public let networkProgrammingDuration: Histogram
    /// `kubeproxy_sync_proxy_rules_endpoint_changes_pending`.
    public let endpointChangesPending: Gauge
    /// `kubeproxy_sync_proxy_rules_endpoint_changes_total`.
    public let endpointChangesTotal: Counter
    /// `kubeproxy_sync_proxy_rules_service_changes_pending`.
    public let serviceChangesPending: Gauge
    /// `kubeproxy_sync_proxy_rules_service_changes_total`.
    public let serviceChangesTotal: Counter
    /// `kubeproxy_sync_proxy_rules_iptables_restore_failures_total`.
    public let iptablesRestoreFailures: Counter
    /// `kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total`.
    public let iptablesPartialRestoreFailures: Counter
    /// `kubeproxy_sync_proxy_rules_iptables_total{table}`: rules the proxy owns per table.
    public let iptablesRulesTotal: Gauge
    /// `kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy}`: Local-policy services without local
    /// endpoints (`internal` or `external`).
    public let noLocalEndpoints: Gauge
    /// `kubeproxy_proxy_healthz_total{code}`.
    public let healthzTotal: Counter
    /// `kubeproxy_proxy_livez_total{code}`.
    public let livezTotal: Counter
    /// `kubernetes_build_info`: always 1.
    public let buildInfo: Gauge

    /// `network_programming_duration_seconds` buckets: 0, 0.25 s, 0.5 s, 1..59 s, 60..115 s by 5, 120..300 s by 30.
    public static let networkProgrammingBuckets: [Double] = {
        var buckets: [Double] = [0, 0.25, 0.5]
        buckets += (1...59).map(Double.init)
        buckets += (0..<12).map { 60 + 5 * Double($0) }
        buckets += (0..<7).map { 120 + 30 * Double($0) }
        return buckets
    }()

    /// Registers every proxy metric in `registry`.
    /// - Parameter registry: a registry holding none of these names yet (the proxy's own, not the kubelet's).
    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        func describe(_ name: String, _ help: String, _ labels: [String] = []) -> MetricDescriptor {
            MetricDescriptor(name: "kubeproxy_" + name, help: help, labelNames: labels, stability: .alpha)
        }
        let syncBuckets = Histogram.exponentialBuckets(start: 0.001, factor: 2, count: 15)
        self.syncProxyRulesDuration = registry.histogram(
            describe("sync_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds"), buckets: syncBuckets
        )
        self.syncFullProxyRulesDuration = registry.histogram(
            describe("sync_full_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for full resyncs"),
            buckets: syncBuckets
        )
        self.syncPartialProxyRulesDuration = registry.histogram(
            describe(
                "sync_partial_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for partial resyncs"
            ),
            buckets: syncBuckets
        )
        self.syncProxyRulesLastTimestamp = registry.gauge(
            describe("sync_proxy_rules_last_timestamp_seconds", "The last time proxy rules were successfully synced")
        )
        self.syncProxyRulesLastQueuedTimestamp = registry.gauge(
            describe("sync_proxy_rules_last_queued_timestamp_seconds", "The last time a sync of proxy rules was queued")
        )
        self.networkProgrammingDuration = registry.histogram(
            describe("network_programming_duration_seconds", "In Cluster Network Programming Latency in seconds"),
            buckets: Self.networkProgrammingBuckets
        )
        self.endpointChangesPending = registry.gauge(
            describe("sync_proxy_rules_endpoint_changes_pending", "Pending proxy rules Endpoint changes")
        )
        self.endpointChangesTotal = registry.counter(
            describe("sync_proxy_rules_endpoint_changes_total", "Cumulative proxy rules Endpoint changes")
        )
        self.serviceChangesPending = registry.gauge(
            describe("sync_proxy_rules_service_changes_pending", "Pending proxy rules Service changes")
        )
        self.serviceChangesTotal = registry.counter(
            describe("sync_proxy_rules_service_changes_total", "Cumulative proxy rules Service changes")
        )
        self.iptablesRestoreFailures = registry.counter(
            describe("sync_proxy_rules_iptables_restore_failures_total", "Cumulative proxy iptables restore failures")
        )
        self.iptablesPartialRestoreFailures = registry.counter(
            describe(
                "sync_proxy_rules_iptables_partial_restore_failures_total",
                "Cumulative proxy iptables partial restore failures"
            )
        )
        self.iptablesRulesTotal = registry.gauge(
            describe("sync_proxy_rules_iptables_total", "Total number of iptables rules owned by kube-proxy", ["table"])
        )
        self.noLocalEndpoints = registry.gauge(
            describe(
                "sync_proxy_rules_no_local_endpoints_total",
                "Number of services with a Local traffic policy and no endpoints",
                ["traffic_policy"]
            )
        )
        self.healthzTotal = registry.counter(
            describe("proxy_healthz_total", "Cumulative proxy healthz HTTP status", ["code"])
        )
        self.livezTotal = registry.counter(
            describe("proxy_livez_total", "Cumulative proxy livez HTTP status", ["code"])
        )
        self.buildInfo = registry.gauge(
            MetricDescriptor(
                name: "kubernetes_build_info",
                help: "A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree "
                    + "state, build date, Go version, and compiler from which Kubernetes was built, and platform on "
                    + "which it is running.",
                labelNames: BuildInfo.labelNames,
                stability: .alpha
            )
        )
        self.buildInfo.set(1, labels: BuildInfo.current.labelValues)
    }
}
