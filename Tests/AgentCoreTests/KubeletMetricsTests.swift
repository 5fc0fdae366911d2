import AgentCore
import Testing

@Suite("Kubelet metrics")
struct KubeletMetricsTests {
    struct Failure: Error {}

    @Test func exposesUpstreamNamesHelpAndTypes() {
        let metrics = KubeletMetrics()
        let text = metrics.registry.render()
        let expectedLines = [
            "# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox",
            "# TYPE kubelet_running_pods gauge",
            "kubelet_running_pods 0",
            "# TYPE kubelet_pod_start_duration_seconds histogram",
            "kubelet_pod_start_duration_seconds_bucket{le=\"0.5\"} 0",
            "kubelet_pod_start_duration_seconds_bucket{le=\"3600\"} 0",
            "# HELP kubelet_pleg_relist_duration_seconds [ALPHA] Duration in seconds for relisting pods in PLEG.",
            "kubelet_pleg_relist_interval_seconds_bucket{le=\"0.005\"} 0",
            "kubelet_pod_status_sync_duration_seconds_bucket{le=\"0.01\"} 0",
            "# HELP kubelet_started_pods_total [ALPHA] Cumulative number of pods started",
            "kubelet_started_pods_errors_total 0",
            "kubelet_pleg_last_seen_seconds 0",
        ]
        for line in expectedLines {
            #expect(text.contains(line + "\n"), "missing: \(line)")
        }
        #expect(text.contains("kubernetes_build_info{build_date=\"1970-01-01T00:00:00Z\",compiler=\"swiftc\""))
        #expect(text.contains("git_version=\"\(AgentVersion.kubernetesVersion)\""))
        let info = BuildInfo.current
        #expect(info.major == "1" && !info.minor.isEmpty && Int(info.minor) != nil)
        #expect(text.contains("major=\"1\",minor=\"\(info.minor)\",platform=\"\(info.platform)\"} 1\n"))
    }

    @Test func recordsRuntimeOperations() throws {
        let metrics = KubeletMetrics()
        metrics.record(operation: .runPodSandbox, duration: .milliseconds(300), error: nil)
        metrics.record(operation: .runPodSandbox, duration: .seconds(2), error: Failure())
        metrics.recordRunPodSandbox(runtimeHandler: "", duration: .milliseconds(300), error: nil)
        metrics.recordRunPodSandbox(runtimeHandler: "", duration: .seconds(2), error: Failure())
        #expect(metrics.runtimeOperations.value(labels: ["run_podsandbox"]) == 2)
        #expect(metrics.runtimeOperationsErrors.value(labels: ["run_podsandbox"]) == 1)
        let durations = try #require(metrics.runtimeOperationsDuration.value(labels: ["run_podsandbox"]))
        #expect(durations.count == 2)
        #expect(metrics.runPodSandboxErrors.value(labels: [""]) == 1)
        let text = metrics.registry.render()
        #expect(text.contains("kubelet_runtime_operations_total{operation_type=\"run_podsandbox\"} 2\n"))
        #expect(text.contains("kubelet_runtime_operations_errors_total{operation_type=\"run_podsandbox\"} 1\n"))
        #expect(text.contains("kubelet_run_podsandbox_errors_total{runtime_handler=\"\"} 1\n"))
        let name = "kubelet_runtime_operations_duration_seconds"
        #expect(text.contains("\(name)_bucket{operation_type=\"run_podsandbox\",le=\"0.48828125\"} 1\n"))
        #expect(text.contains("\(name)_sum{operation_type=\"run_podsandbox\"} 2.3\n"))
    }

    @Test func labelsOrderedByNameAsUpstream() {
        let metrics = KubeletMetrics()
        metrics.startedContainersErrors.increment(labels: [KubeletMetrics.ContainerType.initContainer, "Unknown"])
        #expect(
            metrics.registry.render().contains(
                "kubelet_started_containers_errors_total{code=\"Unknown\",container_type=\"init_container\"} 1\n"
            )
        )
    }

    @Test func nodeNameReplacesEarlierName() {
        let metrics = KubeletMetrics()
        metrics.setNodeName("a")
        metrics.setNodeName("b")
        let text = metrics.registry.render()
        #expect(text.contains("kubelet_node_name{node=\"b\"} 1\n"))
        #expect(!text.contains("node=\"a\""))
    }

    static let mebibyte: UInt64 = 1024 * 1024
    static let sizeCases: [(UInt64, String)] = [
        (0, "N/A"), (1, "0-10MB"), (10 * mebibyte, "0-10MB"), (10 * mebibyte + 1, "10MB-100MB"),
        (600 * mebibyte, "500MB-1GB"), (2048 * mebibyte, "1GB-5GB"), (200 * 1024 * mebibyte, "GT100GB"),
    ]

    @Test(arguments: sizeCases)
    func imageSizeBuckets(bytes: UInt64, label: String) {
        #expect(KubeletMetrics.imageSizeBucket(bytes: bytes) == label)
    }
}
