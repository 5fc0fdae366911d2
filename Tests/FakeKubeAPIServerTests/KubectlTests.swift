import FakeKubeAPIServer
import Foundation
import Testing

/// The real kubectl of the machine (`/usr/bin/kubectl`, v1.32) against the fake server: discovery, lists as JSON,
/// server-side Tables and `describe`. Skipped, saying so, only when kubectl is not installed.
@Suite struct FakeAPIKubectlTests {
    static let kubectl = "/usr/bin/kubectl"

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs kubectl with a private discovery cache, without blocking a thread of the test pool.
    static func run(_ arguments: [String], kubeconfig: String, directory: String) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.kubectl)
        process.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", directory + "/cache", "--request-timeout", "10s"] + arguments
        let stdoutPath = directory + "/stdout-\(UUID().uuidString)"
        let stderrPath = directory + "/stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume() }
        }
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        )
    }

    static func seed(_ server: FakeKubeAPIServer, now: Date) throws {
        let started = now.addingTimeInterval(-300).formatted(.iso8601)
        try server.create(.nodes, [
            "metadata": ["name": "node-1", "labels": ["kubernetes.io/hostname": "node-1", "node-role.kubernetes.io/worker": ""]],
            "status": [
                "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"]],
                "addresses": [["type": "InternalIP", "address": "10.0.0.1"], ["type": "Hostname", "address": "node-1"]],
                "nodeInfo": [
                    "kubeletVersion": "v1.32.0-node-agent", "osImage": "Debian GNU/Linux 12 (bookworm)",
                    "kernelVersion": "6.1.0", "containerRuntimeVersion": "containerd://1.6.20",
                ],
            ],
        ])
        try server.create(.namespaces, ["metadata": ["name": "apps"]])
        try server.create(.pods, pod("web", node: "node-1"))
        try server.modify(.pods, namespace: "default", name: "web", status: true) { pod in
            pod["status"] = [
                "phase": "Running", "podIP": "10.244.0.7", "hostIP": "10.0.0.1", "startTime": .string(started),
                "conditions": [["type": "Ready", "status": "True"]],
                "containerStatuses": [[
                    "name": "app", "ready": true, "restartCount": 2, "image": "busybox:1.36", "imageID": "",
                    "state": ["running": ["startedAt": .string(started)]],
                ]],
            ]
        }
        try server.create(.pods, pod("worker", namespace: "apps", node: "node-1"))
        try server.create(.events, [
            "metadata": ["name": "web.1", "namespace": "default"],
            "involvedObject": ["kind": "Pod", "name": "web", "namespace": "default", "apiVersion": "v1",
                               "uid": .string(try server.get(.pods, namespace: "default", name: "web").uid)],
            "reason": "Started", "message": "Started container app", "type": "Normal", "count": 1,
            "source": ["component": "kubelet", "host": "node-1"],
            "firstTimestamp": .string(started), "lastTimestamp": .string(started),
        ])
    }

    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-kubectl-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func kubectlWatchesWithTablesAndSpeaksMutualTLS() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.kubectl) else {
            print("SKIPPED FakeAPIKubectlTests: \(Self.kubectl) is not installed")
            return
        }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = FakeKubeAPIServer.Configuration()
        configuration.tls = try TLSMaterial.generate(in: directory + "/pki")
        try await FakeKubeAPIServer.withServer(configuration: configuration) { server in
            try Self.seed(server, now: Date())
            let kubeconfig = try server.kubeconfig(path: directory + "/kubeconfig")
            let nodes = try await Self.run(["get", "nodes", "-o", "json"], kubeconfig: kubeconfig, directory: directory)
            #expect(nodes.status == 0, "\(nodes.stderr)")
            #expect(try JSON(parsing: nodes.stdout)["items"][0].name == "node-1")

            // kubectl get pods -w: the initial Table, then a one-row Table per event.
            let watchOutput = directory + "/watch.out"
            _ = FileManager.default.createFile(atPath: watchOutput, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.kubectl)
            process.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", directory + "/cache", "get", "pods", "-w"]
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: watchOutput))
            process.standardError = process.standardOutput
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            try await server.waitForWatches(.pods)
            try server.delete(.pods, namespace: "default", name: "web")
            let printed = try await Self.poll("kubectl to print the terminating pod") { () -> String? in
                let text = (try? String(contentsOfFile: watchOutput, encoding: .utf8)) ?? ""
                return text.contains("Terminating") ? text : nil
            }
            let lines = printed.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.first == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
            #expect(lines.dropFirst().map { Array($0.prefix(3)) } == [["web", "1/1", "Running"], ["web", "1/1", "Terminating"]])
        }
    }

    /// Polls `probe` every 20 ms until it returns a value, for up to 10 s.
    static func poll<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw FakeKubeAPIServerTimeout(what: what, timeout: .seconds(10))
    }

    @Test func kubectlListsDescribesAndPrintsTables() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.kubectl) else {
            print("SKIPPED FakeAPIKubectlTests: \(Self.kubectl) is not installed")
            return
        }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, now: Date())
            let kubeconfig = try server.kubeconfig(path: directory + "/kubeconfig")
            if let hold = ProcessInfo.processInfo.environment["FAKE_APISERVER_HOLD"].flatMap(Int.init) {
                print("fake kube-apiserver at \(server.url); kubeconfig \(kubeconfig); holding \(hold) s")
                try await Task.sleep(for: .seconds(hold))
            }
            func kubectl(_ arguments: String...) async throws -> String {
                let output = try await Self.run(arguments, kubeconfig: kubeconfig, directory: directory)
                #expect(output.status == 0, "kubectl \(arguments.joined(separator: " ")): \(output.stderr)")
                return output.stdout
            }

            let nodes = try JSON(parsing: try await kubectl("get", "nodes", "-o", "json"))
            #expect(nodes["kind"] == "List")
            #expect(nodes["items"].array?.map(\.name) == ["node-1"])
            #expect(nodes["items"][0]["kind"] == "Node")

            let nodeTable = try await kubectl("get", "nodes")
            let nodeLines = nodeTable.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(nodeLines.first == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"])
            #expect(nodeLines.dropFirst().first == ["node-1", "Ready", "worker", nodeLines[1][3], "v1.32.0-node-agent"])

            let pods = try await kubectl("get", "pods", "-A")
            let podLines = pods.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(podLines.first == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"])
            #expect(podLines.dropFirst().map { Array($0.prefix(5)) } == [
                ["apps", "worker", "0/1", "Pending", "0"], ["default", "web", "1/1", "Running", "2"],
            ])

            let wide = try await kubectl("get", "pods", "-A", "-o", "wide")
            #expect(wide.split(separator: "\n").first?.contains("NOMINATED NODE") == true)
            #expect(wide.contains("10.244.0.7") && wide.contains("node-1"))

            let describe = try await kubectl("describe", "pod", "web", "-n", "default")
            #expect(describe.contains("Node:") && describe.contains("node-1/10.0.0.1"))
            #expect(describe.contains("Status:") && describe.contains("Running"))
            #expect(describe.contains("Started container app"), "describe shows the pod's events:\n\(describe)")

            let events = try await kubectl("get", "events", "-n", "default")
            #expect(events.contains("pod/web") && events.contains("Started"))

            let requests = server.requests.map(\.path)
            #expect(requests.contains("/api") && requests.contains("/api/v1"), "kubectl used legacy discovery")
        }
    }
}
