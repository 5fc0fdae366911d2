import AgentTestKit
import CRIClient
import Foundation
import KubeAPI
import Testing

/// A web pod: busybox httpd on 8080 serving a page that names its version.
func webManifest(name: String = "web", version: String, grace: Int = 5) -> String {
    """
    apiVersion: v1
    kind: Pod
    metadata:
      name: \(name)
      labels:
        app: \(name)
    spec:
      terminationGracePeriodSeconds: \(grace)
      containers:
      - name: httpd
        image: docker.io/library/busybox:1.36
        imagePullPolicy: IfNotPresent
        env:
        - name: VERSION
          value: "\(version)"
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        command: ["sh", "-c", "mkdir -p /www && echo \\"$POD_NAME $VERSION\\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports:
        - containerPort: 8080
    """
}

extension RealNodeTests {
    @Suite("node-agent standalone on the real containerd")
    struct StandaloneAgentTests {
        /// Runs `body` with a started agent; afterwards stops it and removes every pod it left.
        func withAgent(port: Int, _ body: (AgentProcess) async throws -> Void) async throws {
            try await AgentProcess.removeAllPods()
            let agent = try AgentProcess(healthzPort: port)
            try agent.start()
            do {
                try await body(agent)
            } catch {
                agent.stop()
                try? await AgentProcess.removeAllPods()
                Issue.record("agent log:\n\(agent.log.suffix(4000))")
                throw error
            }
            agent.stop()
            try await AgentProcess.removeAllPods()
        }

        @Test func manifestBecomesAPodServingOnItsIPThenEditAndDelete() async throws {
            try await self.withAgent(port: 10351) { agent in
                try agent.write("web.yaml", webManifest(version: "v1"))
                let first = try await agent.waitForPod("web") { $0.isRunningAndReady && $0.status?.podIP != nil }
                let ip = try #require(first.status?.podIP)
                let page = try await poll("the page on \(ip):8080") { await httpGet("http://\(ip):8080/") }
                #expect(page.contains("web-it-node v1"))
                #expect(first.status?.qosClass == "BestEffort")
                #expect(first.metadata.annotations["kubernetes.io/config.source"] == "file")
                // The running-pod gauge follows the relist (every second).
                _ = try await poll("kubelet_running_pods 1 on /metrics") { () -> Bool? in
                    let metrics = await httpGet("http://127.0.0.1:\(agent.healthzPort)/metrics") ?? ""
                    return metrics.contains("\nkubelet_running_pods 1\n") ? true : nil
                }
                #expect(await httpGet("http://127.0.0.1:\(agent.healthzPort)/healthz") == "ok")

                // Edited: a new pod (new UID) replaces the old one.
                try agent.write("web.yaml", webManifest(version: "v2"))
                let second = try await agent.waitForPod("web") {
                    $0.metadata.uid != first.metadata.uid && $0.isRunningAndReady && $0.status?.podIP != nil
                }
                let newIP = try #require(second.status?.podIP)
                let newPage = try await poll("the new page") { await httpGet("http://\(newIP):8080/") }
                #expect(newPage.contains("v2"))
                try await withCRIClient(try RealNode.configuration()) { runtime in
                    let old = try await runtime.listPodSandboxes(
                        PodSandboxFilter(labelSelector: ["io.kubernetes.pod.uid": first.metadata.uid])
                    )
                    #expect(old.isEmpty, "the old pod's sandbox is removed")
                }

                // Deleted: gone within its grace period (5 s) plus the loop's reaction time.
                let deleted = ContinuousClock.now
                try agent.remove("web.yaml")
                try await withCRIClient(try RealNode.configuration()) { runtime in
                    _ = try await poll("the pod's sandboxes removed", timeout: .seconds(30)) { () -> Bool? in
                        try await runtime.listPodSandboxes(nil).isEmpty ? true : nil
                    }
                }
                let took = ContinuousClock.now - deleted
                #expect(took < .seconds(5 + 4), "removal took \(took)")
            }
        }

        @Test func crashingContainerRestartsWithBackOff() async throws {
            try await self.withAgent(port: 10352) { agent in
                try agent.write(
                    "crash.yaml",
                    """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: crash}
                    spec:
                      containers:
                      - name: fails
                        image: docker.io/library/busybox:1.36
                        command: ["sh", "-c", "echo failing; exit 3"]
                    """
                )
                let pod = try await agent.waitForPod("crash", timeout: .seconds(90)) {
                    ($0.status?.containerStatuses.first?.restartCount ?? 0) >= 2
                }
                let status = try #require(pod.status?.containerStatuses.first)
                #expect(status.lastState?.terminated?.exitCode == 3)
                _ = try await agent.waitForPod("crash", timeout: .seconds(30)) {
                    $0.status?.containerStatuses.first?.state?.waiting?.reason == "CrashLoopBackOff"
                }
                // The restarts are spaced by the back-off, read from the runtime's own timestamps.
                try await withCRIClient(try RealNode.configuration()) { runtime in
                    var starts: [UInt32: Int64] = [:]
                    for summary in try await runtime.listContainers(
                        ContainerFilter(labelSelector: ["io.kubernetes.pod.uid": pod.metadata.uid])
                    ) {
                        let container = try await runtime.containerStatus(summary.id)
                        starts[container.metadata.attempt] = container.startedAt
                    }
                    let attempts = starts.keys.sorted()
                    if attempts.count >= 2, let last = attempts.last, let previous = attempts.dropLast().last,
                        let end = starts[last], let begin = starts[previous], last >= 2
                    {
                        #expect(end - begin >= 9_000_000_000, "restart \(last) came \(end - begin) ns after the previous")
                    } else {
                        Issue.record("expected at least three attempts in the runtime, saw \(attempts)")
                    }
                }
            }
        }

        @Test func aKilledAgentRestartsWithoutRestartingContainers() async throws {
            try await self.withAgent(port: 10353) { agent in
                try agent.write("web.yaml", webManifest(version: "v1"))
                let before = try await agent.waitForPod("web") { $0.isRunningAndReady }
                let ids = before.status?.containerStatuses.map(\.containerID)
                agent.kill9()
                try agent.start()
                let after = try await agent.waitForPod("web") { $0.isRunningAndReady }
                #expect(after.metadata.uid == before.metadata.uid)
                #expect(after.status?.containerStatuses.map(\.containerID) == ids)
                #expect(after.status?.containerStatuses.map(\.restartCount) == before.status?.containerStatuses.map(\.restartCount))
            }
        }

        @Test func aBrokenManifestBesideAGoodOneIsReportedByName() async throws {
            try await self.withAgent(port: 10354) { agent in
                try agent.write("good.yaml", webManifest(name: "good", version: "v1"))
                try agent.write(
                    "broken.yaml",
                    """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: broken}
                    spec:
                      containers:
                      - name: c
                        image: docker.io/library/busybox:1.36
                        ports:
                        - containerPort: "not-a-number"
                    """
                )
                _ = try await agent.waitForPod("good") { $0.isRunningAndReady }
                _ = try await poll("the error naming broken.yaml in the log") {
                    agent.log.contains("broken.yaml") ? true : nil
                }
                #expect(try await agent.pods().map(\.metadata.name) == ["good-it-node"])
            }
        }
    }
}
