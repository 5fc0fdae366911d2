import AgentTestKit
import CRIClient
import Foundation
import KubeAPI
import Testing

extension RealNodeTests {
    @Suite("node-agent probes on the real containerd")
    struct ProbeAgentTests {
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

        /// An exec readiness probe flips the container's `ready` (and the pod's Ready condition) both ways; an exec
        /// liveness probe that starts failing gets the container killed and restarted.
        @Test func readinessFlipsBothWaysAndLivenessRestarts() async throws {
            try await self.withAgent(port: 10361) { agent in
                try agent.write(
                    "probed.yaml",
                    """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: probed}
                    spec:
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: app
                        image: docker.io/library/busybox:1.36
                        imagePullPolicy: IfNotPresent
                        command: ["sh", "-c", "sleep 2; touch /tmp/ready; sleep 4; rm /tmp/ready; sleep 3600"]
                        readinessProbe:
                          exec: {command: ["cat", "/tmp/ready"]}
                          periodSeconds: 1
                          failureThreshold: 1
                      - name: dies
                        image: docker.io/library/busybox:1.36
                        imagePullPolicy: IfNotPresent
                        command: ["sh", "-c", "sleep 3; touch /tmp/dead; sleep 3600"]
                        livenessProbe:
                          exec: {command: ["sh", "-c", "test ! -f /tmp/dead"]}
                          periodSeconds: 1
                          failureThreshold: 2
                    """
                )
                func app(_ pod: Pod) -> KubeAPI.ContainerStatus? {
                    pod.status?.containerStatuses.first { $0.name == "app" }
                }
                _ = try await agent.waitForPod("probed", timeout: .seconds(60)) { app($0)?.ready == true }
                let notReady = try await agent.waitForPod("probed", timeout: .seconds(30)) {
                    app($0)?.state?.running != nil && app($0)?.ready == false
                }
                #expect(notReady.status?.conditions.first { $0.type == "Ready" }?.status == "False")
                let restarted = try await agent.waitForPod("probed", timeout: .seconds(60)) {
                    ($0.status?.containerStatuses.first { $0.name == "dies" }?.restartCount ?? 0) >= 1
                }
                #expect(app(restarted)?.restartCount == 0)
                let metrics = await httpGet("http://127.0.0.1:\(agent.healthzPort)/metrics") ?? ""
                #expect(metrics.contains("prober_probe_total{container=\"dies\""))
            }
        }

        /// A startup probe holds the liveness probe off until it passes (the liveness probe here fails for the
        /// first 6 s, so without the hold the container would be killed at once); an exec liveness probe whose
        /// command hangs is cut at its 1 s timeout and counts as a failure (without the cut it would hang for 30 s
        /// and the container would not be restarted within the wait).
        @Test func startupHoldsLivenessAndHungExecProbesTimeOut() async throws {
            try await self.withAgent(port: 10363) { agent in
                try agent.write(
                    "gated.yaml",
                    """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: gated}
                    spec:
                      terminationGracePeriodSeconds: 30
                      containers:
                      - name: slow-start
                        image: docker.io/library/busybox:1.36
                        imagePullPolicy: IfNotPresent
                        command: ["sh", "-c", "sleep 6; touch /tmp/started; sleep 3600"]
                        startupProbe:
                          exec: {command: ["test", "-f", "/tmp/started"]}
                          periodSeconds: 1
                          failureThreshold: 30
                        livenessProbe:
                          exec: {command: ["test", "-f", "/tmp/started"]}
                          periodSeconds: 1
                          failureThreshold: 1
                      - name: hangs
                        image: docker.io/library/busybox:1.36
                        imagePullPolicy: IfNotPresent
                        command: ["sleep", "3600"]
                        livenessProbe:
                          exec: {command: ["sleep", "30"]}
                          timeoutSeconds: 1
                          periodSeconds: 1
                          failureThreshold: 1
                          terminationGracePeriodSeconds: 1
                    """
                )
                func status(_ pod: Pod, _ name: String) -> KubeAPI.ContainerStatus? {
                    pod.status?.containerStatuses.first { $0.name == name }
                }
                let hung = try await agent.waitForPod("gated", timeout: .seconds(25)) {
                    (status($0, "hangs")?.restartCount ?? 0) >= 1
                }
                #expect(status(hung, "hangs")?.lastState?.terminated?.exitCode == 137)
                #expect(agent.log.contains("timed out after 1"), "no exec timeout in the agent log")
                let started = try await agent.waitForPod("gated", timeout: .seconds(40)) {
                    status($0, "slow-start")?.started == true && status($0, "slow-start")?.ready == true
                }
                let slow = try #require(status(started, "slow-start"))
                #expect(slow.restartCount == 0)
                #expect(slow.lastState?.terminated == nil)
            }
        }

        /// A container whose liveness probe always fails is killed and restarted again and again, with growing
        /// gaps that stop growing at the node's cap. The cap is `crashLoopBackOff.maxContainerRestartPeriod: 15s`
        /// in a --config KubeletConfiguration, to keep the test short (about a minute): the back-off starts at
        /// 10 s, so a cap of 15 s still shows the growth (10 s, then 15 s, 15 s) where the default 300 s would take
        /// minutes, and a cap below 10 s would make every gap equal. The
        /// probe's own `terminationGracePeriodSeconds: 1` makes each kill take the 2 s minimum instead of the pod's
        /// 30 s (busybox `sleep` as PID 1 ignores SIGTERM and waits out the grace).
        @Test func failingLivenessRestartsWithGrowingGapsUpToTheCap() async throws {
            try await AgentProcess.removeAllPods()
            let agent = try AgentProcess(healthzPort: 10362)
            let config = (agent.manifestDirectory as NSString).deletingLastPathComponent + "/kubelet.yaml"
            try """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                crashLoopBackOff:
                  maxContainerRestartPeriod: 15s
                """.write(toFile: config, atomically: true, encoding: .utf8)
            try agent.start(extraArguments: ["--config", config])
            do {
                try await self.restartsWithGrowingGaps(agent)
            } catch {
                agent.stop()
                try? await AgentProcess.removeAllPods()
                Issue.record("agent log:\n\(agent.log.suffix(4000))")
                throw error
            }
            agent.stop()
            try await AgentProcess.removeAllPods()
        }

        private func restartsWithGrowingGaps(_ agent: AgentProcess) async throws {
            try agent.write(
                "unhealthy.yaml",
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: unhealthy}
                spec:
                  terminationGracePeriodSeconds: 30
                  containers:
                  - name: app
                    image: docker.io/library/busybox:1.36
                    imagePullPolicy: IfNotPresent
                    command: ["sleep", "3600"]
                    livenessProbe:
                      exec: {command: ["false"]}
                      periodSeconds: 1
                      failureThreshold: 1
                      terminationGracePeriodSeconds: 1
                """
            )
            // Restart n's gap: from the end of instance n-1 to the start of instance n, both as the status shows
            // them while instance n runs (whole seconds).
            var gaps: [Int: Double] = [:]
            var restartCounts: [Int] = []
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(150)
            while gaps.count < 6 {
                guard clock.now < deadline else {
                    Issue.record("only saw restarts \(gaps) (restart counts \(restartCounts)) in 150 s")
                    return
                }
                // Not up yet, or busy: try again.
                let pod = (try? await agent.pods())?.first { $0.metadata.name == "unhealthy-it-node" }
                if let status = pod?.status?.containerStatuses.first(where: { $0.name == "app" }) {
                    let count = Int(status.restartCount)
                    if restartCounts.last != count { restartCounts.append(count) }
                    if count >= 1, gaps[count] == nil, let started = status.state?.running?.startedAt,
                        let finished = status.lastState?.terminated?.finishedAt
                    {
                        gaps[count] = started.timeIntervalSince(finished)
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(restartCounts == restartCounts.sorted(), "restart counts went back: \(restartCounts)")
            // As upstream's doBackOff, which measures the back-off from the newest *exited* instance, and checks it
            // already in the sync that kills for the liveness failure: the first two restarts come at once (no
            // earlier exit, then no back-off entry yet); later ones are held back 10 s, then 15 s (the cap, not
            // 20 s), then 15 s again (not 30 s). Once the gap is at the cap, the exit before the killed instance is
            // older than the cap when the kill comes, so every other restart comes at once again (0, 0, 10, 15, 0,
            // 15, ...). Lower bounds are what the back-off guarantees; upper bounds only tell the cap from a doubling.
            let ordered = (1...6).map { gaps[$0] ?? -1 }
            #expect(ordered[0] < 5 && ordered[1] < 5, "gaps \(gaps)")
            let heldBack = ordered.filter { $0 >= 5 }
            #expect(heldBack.count >= 3, "gaps \(gaps)")
            #expect((9..<14).contains(heldBack.first ?? 0), "gaps \(gaps)")
            #expect(heldBack.dropFirst().allSatisfy { (14..<19).contains($0) }, "gaps \(gaps)")
            let pod = try await agent.waitForPod("unhealthy") { _ in true }
            let status = try #require(pod.status?.containerStatuses.first)
            #expect(status.restartCount >= 6)
            #expect(status.lastState?.terminated?.exitCode == 137, "\(String(describing: status.lastState))")
        }
    }
}
