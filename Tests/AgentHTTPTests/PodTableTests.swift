import AgentHTTP
import Foundation
import Testing

@Suite("pods table")
struct PodTableTests {
    typealias V = PodListView
    /// 2024-05-01T10:00:00Z
    static let created = "2024-05-01T10:00:00Z"
    static let createdUnix: Int64 = 1_714_557_600
    static let now = createdUnix + 300

    static func pod(
        _ name: String,
        phase: String = "Running",
        initContainers: [V.Container] = [],
        containers: [String] = ["app"],
        initStatuses: [V.ContainerStatus]? = nil,
        statuses: [V.ContainerStatus]? = nil,
        conditions: [V.Condition]? = nil,
        deleting: Bool = false,
        reason: String? = nil
    ) -> V.Pod {
        V.Pod(
            metadata: V.Metadata(
                name: name,
                namespace: "default",
                creationTimestamp: Self.created,
                deletionTimestamp: deleting ? "2024-05-01T10:04:00Z" : nil
            ),
            spec: V.Spec(
                nodeName: "node1",
                initContainers: initContainers,
                containers: containers.map { V.Container(name: $0) }
            ),
            status: V.Status(
                phase: phase,
                reason: reason,
                podIP: "10.88.0.5",
                conditions: conditions,
                initContainerStatuses: initStatuses,
                containerStatuses: statuses
            )
        )
    }

    static let running = V.ContainerState.running(since: "2024-05-01T10:01:00Z")

    static let statusCases: [(String, V.Pod, String, String, Int)] = [
        (
            "running and ready",
            pod("a", statuses: [.init(name: "app", ready: true, restartCount: 0, state: running)]),
            "1/1", "Running", 0
        ),
        (
            "pending, no status yet",
            pod("b", phase: "Pending"),
            "0/1", "Pending", 0
        ),
        (
            "image being created",
            pod("c", phase: "Pending", statuses: [.init(name: "app", state: .waiting("ContainerCreating"))]),
            "0/1", "ContainerCreating", 0
        ),
        (
            "crash loop",
            pod(
                "d",
                statuses: [
                    .init(
                        name: "app", ready: false, restartCount: 4, state: .waiting("CrashLoopBackOff"),
                        lastState: .terminated(exitCode: 1, reason: "Error", finishedAt: "2024-05-01T10:04:00Z")
                    )
                ]
            ),
            "0/1", "CrashLoopBackOff", 4
        ),
        (
            "first init container running",
            pod(
                "e", phase: "Pending", initContainers: [V.Container(name: "setup")],
                initStatuses: [.init(name: "setup", state: running)],
                statuses: [.init(name: "app", state: .waiting("PodInitializing"))]
            ),
            "0/1", "Init:0/1", 0
        ),
        (
            "init container failed",
            pod(
                "f", phase: "Pending", initContainers: [V.Container(name: "setup")],
                initStatuses: [.init(name: "setup", restartCount: 2, state: .terminated(exitCode: 3, reason: "Error"))]
            ),
            "0/1", "Init:Error", 2
        ),
        (
            "init container crash looping",
            pod(
                "g", phase: "Pending", initContainers: [V.Container(name: "setup")],
                initStatuses: [.init(name: "setup", restartCount: 2, state: .waiting("CrashLoopBackOff"))]
            ),
            "0/1", "Init:CrashLoopBackOff", 2
        ),
        (
            "init done, app waiting",
            pod(
                "h", phase: "Pending", initContainers: [V.Container(name: "setup")],
                initStatuses: [.init(name: "setup", state: .terminated(exitCode: 0, reason: "Completed"))],
                statuses: [.init(name: "app", state: .waiting("PodInitializing"))],
                conditions: [V.Condition(type: "Initialized", status: "True")]
            ),
            "0/1", "PodInitializing", 0
        ),
        (
            "completed",
            pod(
                "i", phase: "Succeeded",
                statuses: [.init(name: "app", state: .terminated(exitCode: 0, reason: "Completed"))]
            ),
            "0/1", "Completed", 0
        ),
        (
            "failed with error",
            pod("j", phase: "Failed", statuses: [.init(name: "app", state: .terminated(exitCode: 2, reason: "Error"))]),
            "0/1", "Error", 0
        ),
        (
            "killed by a signal without reason",
            pod("k", phase: "Failed", statuses: [.init(name: "app", state: .terminated(exitCode: 137, signal: 9))]),
            "0/1", "Signal:9", 0
        ),
        (
            "terminating",
            pod("l", statuses: [.init(name: "app", ready: true, state: running)], deleting: true),
            "1/1", "Terminating", 0
        ),
        (
            "one of two completed, one still running and pod not ready",
            pod(
                "m", containers: ["a", "b"],
                statuses: [
                    .init(name: "a", ready: true, state: running),
                    .init(name: "b", state: .terminated(exitCode: 0, reason: "Completed")),
                ]
            ),
            "1/2", "NotReady", 0
        ),
        (
            "sidecar started counts as a container",
            pod(
                "n", initContainers: [V.Container(name: "proxy", restartPolicy: "Always")],
                initStatuses: [.init(name: "proxy", ready: true, started: true, restartCount: 1, state: running)],
                statuses: [.init(name: "app", ready: true, state: running)],
                conditions: [V.Condition(type: "Initialized", status: "True")]
            ),
            "2/2", "Running", 1
        ),
        (
            "evicted",
            pod("o", phase: "Failed", reason: "Evicted"),
            "0/1", "Evicted", 0
        ),
    ]

    @Test(arguments: statusCases)
    func statusAsKubectl(name: String, pod: V.Pod, ready: String, status: String, restarts: Int) {
        let summary = PodStatusSummary(pod)
        #expect(summary.ready == ready, "\(name)")
        #expect(summary.status == status, "\(name)")
        #expect(summary.restarts == restarts, "\(name)")
    }

    @Test func wideTableGolden() {
        let list = V(items: [
            Self.pod(
                "web-node1",
                statuses: [
                    .init(
                        name: "app", ready: true, restartCount: 2, containerID: "containerd://0123456789abcdef0123",
                        state: Self.running,
                        lastState: .terminated(exitCode: 1, reason: "Error", finishedAt: "2024-05-01T10:02:00Z")
                    )
                ]
            ),
            Self.pod(
                "init-demo-node1",
                phase: "Pending",
                initContainers: [V.Container(name: "prepare")],
                initStatuses: [.init(name: "prepare", state: .waiting("PodInitializing"))]
            ),
        ])
        let text = PodTable.render(list, now: Self.now, options: .init(wide: true, containers: true))
        let expected = """
            NAMESPACE   NAME              READY   STATUS     RESTARTS     AGE   IP          NODE
            default     init-demo-node1   0/1     Init:0/1   0            5m    10.88.0.5   node1
            default     web-node1         1/1     Running    2 (3m ago)   5m    10.88.0.5   node1

            POD                       CONTAINER        STATE     REASON            RESTARTS   STARTED   CONTAINER-ID
            default/init-demo-node1   prepare (init)   Waiting   PodInitializing   0          <none>    <none>
            default/init-demo-node1   app              Unknown   <none>            0          <none>    <none>
            default/web-node1         app              Running   <none>            2          4m ago    0123456789abc

            """
        #expect(text == expected)
    }

    @Test func narrowTableAndEmptyList() {
        let list = V(items: [Self.pod("a", statuses: [.init(name: "app", ready: true, state: Self.running)])])
        let expected = """
            NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE
            default     a      1/1     Running   0          5m

            """
        #expect(PodTable.render(list, now: Self.now) == expected)
        #expect(PodTable.render(V(items: []), now: 0) == "No resources found.\n")
    }

    @Test func decodesAPodListWithUnknownFields() throws {
        let json = """
            {"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"p",
            "namespace":"kube-system","uid":"u1","creationTimestamp":"2024-05-01T10:00:00Z","labels":{"a":"b"}},
            "spec":{"nodeName":"n",
            "containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Running","podIPs":[{"ip":"10.0.0.2"}],
            "containerStatuses":[{"name":"c","ready":true,"restartCount":0,"image":"busybox",
            "state":{"running":{"startedAt":"2024-05-01T10:00:01Z"}}}]}}]}
            """
        let list = try JSONDecoder().decode(PodListView.self, from: Data(json.utf8))
        #expect(list.items.count == 1)
        let row = PodTable.render(list, now: Self.createdUnix + 90, options: .init(wide: true))
        #expect(row.contains("kube-system   p      1/1     Running   0          90s   10.0.0.2   n\n"))
    }

    static let durationCases: [(Int64, String)] = [
        (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (330, "5m30s"), (600, "10m"),
        (10_799, "179m"), (10_800, "3h"), (11_100, "3h5m"), (28_800, "8h"), (172_800, "2d"), (180_000, "2d2h"),
        (691_200, "8d"), (63_072_000, "2y"), (63_158_400, "2y1d"), (252_288_000, "8y"),
    ]

    @Test(arguments: durationCases)
    func humanDuration(seconds: Int64, text: String) {
        #expect(PodTable.humanDuration(seconds: seconds) == text)
    }

    static let timestampCases: [(String, Int64?)] = [
        ("2024-05-01T10:00:00Z", 1_714_557_600),
        ("2024-05-01T10:00:00.123456Z", 1_714_557_600),
        ("2024-05-01T12:00:00+02:00", 1_714_557_600),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("2024-05-01 10:00:00", nil),
        ("", nil),
    ]

    @Test(arguments: timestampCases)
    func rfc3339(text: String, unix: Int64?) {
        #expect(PodTable.unixSeconds(rfc3339: text) == unix)
    }
}
