import AgentTestKit
import FakeKubeAPIServer
import Foundation
import KubeAPI
import Synchronization
import Testing

extension RealNodeTests {
    /// `kubectl logs` through the fake API server, which proxies to the agent's kubelet API (`--port 10450`).
    @Suite("kubectl logs against the agent's kubelet API, on the real containerd")
    struct KubeletLogsTests {
        /// Runs the real kubectl against the fake API server; returns its exit status and output.
        func kubectl(_ kubeconfig: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
            process.arguments = ["--kubeconfig", kubeconfig, "--request-timeout", "20s"] + arguments
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let text = output.fileHandleForReading.readDataToEndOfFile()
            let errorText = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: text + errorText, as: UTF8.self))
        }

        @Test func kubectlLogsShowsCurrentPreviousAndTail() async throws {
            try await AgentProcess.removeAllPods()
            try await FakeKubeAPIServer.withServer { server in
                let agent = try AgentProcess(healthzPort: 10364)
                let root = (agent.manifestDirectory as NSString).deletingLastPathComponent
                let kubeconfig = try server.kubeconfig(path: root + "/kubeconfig")
                try agent.start(extraArguments: [
                    "--kubeconfig", kubeconfig, "--sync-frequency", "2s", "--port", "10450", "--cert-dir",
                    root + "/pki",
                ])
                do {
                    let node = try await server.waitFor(.nodes, name: "it-node", timeout: .seconds(30)) {
                        $0["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"].int == 10450
                    }
                    #expect(node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"].int == 10450)
                    #expect(FileManager.default.fileExists(atPath: root + "/pki/kubelet.crt"))
                    // Each instance counts itself in an emptyDir; the first exits after a while, the second stays.
                    let script = """
                        n=$(cat /data/n 2>/dev/null || echo 0); echo $((n+1)) > /data/n; \
                        echo run-$n line-a; echo run-$n line-b; \
                        if [ $n = 0 ]; then sleep 3; exit 1; fi; exec sleep 3600
                        """
                    let pod = apiPodJSON(
                        name: "logs-web", grace: 1,
                        container: { container in
                            container["name"] = "printer"
                            container["command"] = ["sh", "-c", .string(script)]
                            container["readinessProbe"] = nil
                            container["volumeMounts"] = [["name": "data", "mountPath": "/data"]]
                        },
                        volumes: [["name": "data", "emptyDir": [:]]]
                    )
                    _ = try server.create(.pods, pod, namespace: "default")
                    _ = try await server.waitFor(.pods, namespace: "default", name: "logs-web", timeout: .seconds(90)) {
                        let status = $0["status"]["containerStatuses"][0]
                        return status["restartCount"].int == 1 && status["state"]["running"] != .null
                    }
                    let current = try await poll("kubectl logs showing the second instance", timeout: .seconds(20)) {
                        () -> String? in
                        let result = try await self.kubectl(kubeconfig, ["logs", "logs-web"])
                        return result.status == 0 && result.output.contains("run-1 line-b") ? result.output : nil
                    }
                    #expect(current == "run-1 line-a\nrun-1 line-b\n")
                    let previous = try await self.kubectl(kubeconfig, ["logs", "logs-web", "--previous"])
                    #expect(previous.status == 0)
                    #expect(previous.output == "run-0 line-a\nrun-0 line-b\n")
                    let tail = try await self.kubectl(kubeconfig, ["logs", "logs-web", "--tail=1"])
                    #expect(tail.output == "run-1 line-b\n")
                    let stamped = try await self.kubectl(
                        kubeconfig, ["logs", "logs-web", "--timestamps", "-c", "printer"])
                    #expect(
                        stamped.output.split(separator: "\n").allSatisfy {
                            $0.range(
                                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z run-1 line-[ab]$"#,
                                options: .regularExpression) != nil
                        })
                    let missing = try await self.kubectl(kubeconfig, ["logs", "logs-web", "-c", "nope"])
                    #expect(missing.status != 0)
                    #expect(missing.output.contains("container nope is not valid for pod logs-web"))

                    // `kubectl logs -f` streams, and ends when the container stops (the pod is deleted).
                    let follower = Process()
                    follower.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
                    follower.arguments = ["--kubeconfig", kubeconfig, "logs", "-f", "logs-web"]
                    let pipe = Pipe()
                    follower.standardOutput = pipe
                    let streamed = Mutex("")
                    pipe.fileHandleForReading.readabilityHandler = { handle in
                        let data = handle.availableData
                        streamed.withLock { $0 += String(decoding: data, as: UTF8.self) }
                    }
                    try follower.run()
                    defer { if follower.isRunning { follower.terminate() } }
                    _ = try await poll("kubectl logs -f streaming") {
                        streamed.withLock { $0 }.contains("run-1 line-b") ? true : nil
                    }
                    #expect(follower.isRunning)
                    try server.delete(.pods, namespace: "default", name: "logs-web")
                    _ = try await poll("kubectl logs -f ending with the container", timeout: .seconds(30)) {
                        follower.isRunning ? nil : true
                    }
                    #expect(follower.terminationStatus == 0)
                    #expect(streamed.withLock { $0 } == "run-1 line-a\nrun-1 line-b\n")
                } catch {
                    agent.stop()
                    try? await AgentProcess.removeAllPods()
                    Issue.record("agent log:\n\(agent.log.suffix(6000))")
                    throw error
                }
                agent.stop()
                try await AgentProcess.removeAllPods()
            }
        }
    }
}
