import AgentTestKit
import CRIClient
import Foundation
import Logging
import Testing

/// The CRI client against the real containerd that `deploy/setup-node.sh` starts. Serialized: one test restarts
/// containerd, and the node is small.
extension RealNodeTests {
    @Suite("CRI client against the real containerd")
    struct ContainerdIntegrationTests {
        @Test func runtimeReportsVersionAndReadiness() async throws {
            try await withCRIClient(try RealNode.configuration()) { runtime in
                let version = try await runtime.version()
                #expect(version.runtimeName == "containerd")
                #expect(version.runtimeAPIVersion == "v1")
                let status = try await runtime.status(verbose: false)
                #expect(status.condition(RuntimeCondition.runtimeReady)?.status == true)
                #expect(status.condition(RuntimeCondition.networkReady)?.status == true, "CNI config: \(status)")
                #expect(try await runtime.imageStatus(ImageSpec(RealNode.pauseImage)) != nil)
                #expect(try await runtime.imageStatus(ImageSpec(RealNode.busyboxImage)) != nil)
                #expect(!(try await runtime.imageFsInfo()).isEmpty)
            }
        }

        @Test func sandboxGetsAPodIPAndContainerRunsExecsAndLogs() async throws {
            let sandbox = try RealNode.sandboxConfig(name: "lifecycle")
            try await withCRIClient(try RealNode.configuration()) { runtime in
                var sandboxID: String?
                do {
                    let id = try await runtime.runPodSandbox(sandbox, runtimeHandler: "")
                    sandboxID = id
                    let sandboxStatus = try await runtime.podSandboxStatus(id)
                    #expect(sandboxStatus.state == .ready)
                    #expect(sandboxStatus.metadata == sandbox.metadata)
                    #expect(sandboxStatus.ip.hasPrefix("10."), "pod IP from the CNI bridge: \(sandboxStatus.ip)")
                    #expect(sandboxStatus.labels["io.kubernetes.pod.uid"] == sandbox.metadata.uid)
                    // host-local recorded the lease of this IP.
                    #expect(FileManager.default.fileExists(atPath: RealNode.cniLeaseDirectory + "/" + sandboxStatus.ip))

                    let config = try RealNode.containerConfig(
                        name: "app",
                        in: sandbox,
                        command: ["sh", "-c", "echo \"$GREETING\"; echo to-stderr >&2; exec sleep 3600"]
                    )
                    let containerID = try await runtime.createContainer(inSandbox: id, config, sandboxConfig: sandbox)
                    try await runtime.startContainer(containerID)
                    let status = try await runtime.containerStatus(containerID)
                    #expect(status.state == .running)
                    #expect(status.startedAt > 0)
                    #expect(status.metadata == config.metadata)
                    #expect(status.labels["io.kubernetes.container.name"] == "app")
                    #expect(status.logPath == sandbox.logDirectory + "/app/0.log")

                    let exec = try await runtime.execSync(
                        containerID,
                        command: ["sh", "-c", "echo out; echo err >&2; hostname; exit 3"],
                        timeout: .seconds(10)
                    )
                    #expect(exec.exitCode == 3)
                    #expect(exec.stdoutText == "out\nlifecycle\n")
                    #expect(exec.stderrText == "err\n")

                    // The CRI log file holds the container's output, in CRI format.
                    let lines = try await poll("both lines in \(status.logPath)", timeout: .seconds(10)) { () -> [String]? in
                        let text = (try? String(contentsOfFile: status.logPath, encoding: .utf8)) ?? ""
                        let lines = text.split(separator: "\n").map(String.init)
                        return lines.count >= 2 ? lines : nil
                    }
                    #expect(lines.contains { $0.hasSuffix(" stdout F hello from node-agent") }, "\(lines)")
                    #expect(lines.contains { $0.hasSuffix(" stderr F to-stderr") }, "\(lines)")

                    let listed = try await runtime.listContainers(ContainerFilter(podSandboxID: id))
                    #expect(listed.map(\.id) == [containerID])
                    let stats = try await runtime.containerStats(containerID)
                    #expect(stats.id == containerID)

                    // Stop (sleep ignores SIGTERM as PID 1, so a short grace) and remove leave nothing behind.
                    try await runtime.stopContainer(containerID, timeout: .seconds(1))
                    #expect(try await runtime.containerStatus(containerID).state == .exited)
                    try await runtime.removeContainer(containerID)
                    let gone = await #expect(throws: CRIError.self) { try await runtime.containerStatus(containerID) }
                    #expect(gone?.code == .notFound)
                    try await runtime.stopPodSandbox(id)
                    try await runtime.removePodSandbox(id)
                    sandboxID = nil
                    #expect(try await runtime.listPodSandboxes(PodSandboxFilter(id: id)).isEmpty)
                    #expect(try await runtime.listContainers(ContainerFilter(podSandboxID: id)).isEmpty)
                    #expect(!FileManager.default.fileExists(atPath: RealNode.cniLeaseDirectory + "/" + sandboxStatus.ip))
                    // Removing again is not an error (the CRI's removal is idempotent).
                    try await runtime.removePodSandbox(id)
                } catch {
                    await RealNode.cleanUp(runtime, sandboxID: sandboxID, logDirectory: sandbox.logDirectory)
                    throw error
                }
                await RealNode.cleanUp(runtime, sandboxID: sandboxID, logDirectory: sandbox.logDirectory)
            }
        }

        @Test func containerExitingNonZeroReportsExitCodeAndReason() async throws {
            let sandbox = try RealNode.sandboxConfig(name: "exits")
            try await withCRIClient(try RealNode.configuration()) { runtime in
                var sandboxID: String?
                do {
                    let id = try await runtime.runPodSandbox(sandbox, runtimeHandler: "")
                    sandboxID = id
                    let failing = try RealNode.containerConfig(name: "fails", in: sandbox, command: ["sh", "-c", "exit 7"])
                    let failingID = try await runtime.createContainer(inSandbox: id, failing, sandboxConfig: sandbox)
                    try await runtime.startContainer(failingID)
                    let exited = try await poll("container 'fails' to exit") {
                        let status = try await runtime.containerStatus(failingID)
                        return status.state == .exited ? status : nil
                    }
                    #expect(exited.exitCode == 7)
                    #expect(exited.reason == "Error")
                    #expect(exited.finishedAt > 0)

                    let succeeding = try RealNode.containerConfig(name: "done", in: sandbox, command: ["true"])
                    let succeedingID = try await runtime.createContainer(inSandbox: id, succeeding, sandboxConfig: sandbox)
                    try await runtime.startContainer(succeedingID)
                    let completed = try await poll("container 'done' to exit") {
                        let status = try await runtime.containerStatus(succeedingID)
                        return status.state == .exited ? status : nil
                    }
                    #expect(completed.exitCode == 0)
                    #expect(completed.reason == "Completed")

                    // A second container of the same name and attempt is refused; the next attempt is accepted.
                    let clash = await #expect(throws: CRIError.self) {
                        _ = try await runtime.createContainer(inSandbox: id, failing, sandboxConfig: sandbox)
                    }
                    #expect(clash != nil)
                    let retry = try RealNode.containerConfig(name: "fails", in: sandbox, command: ["sh", "-c", "exit 7"], attempt: 1)
                    _ = try await runtime.createContainer(inSandbox: id, retry, sandboxConfig: sandbox)
                } catch {
                    await RealNode.cleanUp(runtime, sandboxID: sandboxID, logDirectory: sandbox.logDirectory)
                    throw error
                }
                await RealNode.cleanUp(runtime, sandboxID: sandboxID, logDirectory: sandbox.logDirectory)
            }
        }

        @Test func nonexistentImageGivesAClearError() async throws {
            let image = "docker.io/library/no-such-image:0.0.1"
            let sandbox = try RealNode.sandboxConfig(name: "noimage")
            try await withCRIClient(try RealNode.configuration()) { runtime in
                #expect(try await runtime.imageStatus(ImageSpec(image)) == nil)
                // Offline, a pull fails; the error names the image.
                var configuration = try RealNode.configuration()
                configuration.pullTimeout = .seconds(30)
                let pull = await #expect(throws: CRIError.self) {
                    _ = try await runtime.pullImage(ImageSpec(image), auth: nil, sandboxConfig: nil)
                }
                #expect(pull?.method == "PullImage")
                #expect(pull?.message.contains(image) == true, "\(String(describing: pull))")

                var sandboxID: String?
                do {
                    let id = try await runtime.runPodSandbox(sandbox, runtimeHandler: "")
                    sandboxID = id
                    var config = try RealNode.containerConfig(name: "app", in: sandbox, command: ["true"])
                    config.image = ImageSpec(image)
                    let create = await #expect(throws: CRIError.self) {
                        _ = try await runtime.createContainer(inSandbox: id, config, sandboxConfig: sandbox)
                    }
                    #expect(create?.code == .notFound, "\(String(describing: create))")
                    #expect(create?.message.contains(image) == true, "\(String(describing: create))")
                } catch {
                    await RealNode.cleanUp(runtime, sandboxID: sandboxID, logDirectory: sandbox.logDirectory)
                    throw error
                }
                await RealNode.cleanUp(runtime, sandboxID: sandboxID, logDirectory: sandbox.logDirectory)
            }
        }

        /// containerd goes away mid-run (its socket disappears) and comes back: calls fail with `unavailable` while it
        /// is gone, and the same client works again once it is back, without being re-created.
        @Test func clientSurvivesAContainerdRestart() async throws {
            let configuration = try RealNode.configuration()
            try await withCRIClient(configuration) { runtime in
                _ = try await runtime.version()
                try RealNode.runDeployFunction("stop_containerd \"$(containerd_pid)\"")
                #expect(!FileManager.default.fileExists(atPath: configuration.socketPath), "socket left behind")
                let error = await #expect(throws: CRIError.self) { _ = try await runtime.version() }
                #expect(error?.code == .unavailable, "\(String(describing: error))")
                #expect(error?.message.contains(configuration.socketPath) == true, "\(String(describing: error))")
                try RealNode.runDeployFunction("launch_containerd")
                let version = try await poll("the client to reconnect", timeout: .seconds(30), interval: .milliseconds(100)) {
                    try await runtime.version()
                }
                #expect(version.runtimeName == "containerd")
                #expect(try await runtime.status(verbose: false).isReady)
            }
        }
    }
}

extension RealNodeTests.ContainerdIntegrationTests {
    /// containerd answers unary calls with an RST_STREAM, and the transport closes a connection after 200 of those
    /// in 10 s: a burst must be spread over the connection's pool instead of failing half-way.
    @Test func aBurstOfCallsDoesNotLoseTheConnection() async throws {
        let connection = try CRIConnection(configuration: try RealNode.configuration(), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            _ = try await poll("the runtime to answer") { try await connection.runtime.version() }
            var failures: [String] = []
            for _ in 0..<500 {
                do {
                    _ = try await connection.runtime.listPodSandboxes(nil)
                } catch {
                    failures.append("\(error)")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of 500 calls failed, first: \(failures.first ?? "")")
            group.cancelAll()
        }
    }
}
