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
    }
}
