import CRIClient
import Foundation
import Testing

/// Every test that touches the real node, serialized under one parent: the agent's tests remove sandboxes no pod
/// source wants, one test restarts containerd, and the node is small.
@Suite(
    "Real node",
    .serialized,
    .enabled(if: RealNode.enabled, "set NODEAGENT_ROOT_TESTS=1 (as root, after deploy/setup-node.sh)")
)
enum RealNodeTests {}

/// The real node that `deploy/setup-node.sh` prepared: containerd's socket, the images, the CNI network, and a
/// way to run the deploy scripts' functions (to stop and restart containerd).
enum RealNode {
    /// Root tests run only when asked for (CI always asks). When asked, a missing runtime is a failure, not a skip.
    static let enabled = ProcessInfo.processInfo.environment["NODEAGENT_ROOT_TESTS"] == "1"

    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var endpoint: String {
        ProcessInfo.processInfo.environment["CRI_ENDPOINT"]
            ?? "unix:///run/node-agent/containerd/containerd.sock"
    }

    static let pauseImage = "registry.k8s.io/pause:3.9"
    static let busyboxImage = "docker.io/library/busybox:1.36"
    static let cniLeaseDirectory = "/var/lib/cni/networks/node-agent"

    static func configuration() throws -> CRIClientConfiguration {
        var configuration = try CRIClientConfiguration(endpoint: Self.endpoint)
        configuration.requestTimeout = .seconds(60)
        return configuration
    }

    /// Runs a function of `deploy/node-lib.sh` (with `deploy/node-env.sh` sourced) and returns its output.
    @discardableResult
    static func runDeployFunction(_ function: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let deploy = Self.repositoryRoot.appendingPathComponent("deploy").path
        process.arguments = ["-c", "set -euo pipefail; . '\(deploy)/node-env.sh'; . '\(deploy)/node-lib.sh'; \(function)"]
        // A file, not a pipe: containerd started by the function may inherit the descriptor and would hold a pipe
        // open forever, so reading to its end would never return.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: outputPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputPath) }
        let output = try FileHandle(forWritingTo: outputPath)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOf: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw ScriptError(function: function, status: process.terminationStatus, output: text)
        }
        return text
    }

    struct ScriptError: Error, CustomStringConvertible {
        var function: String
        var status: Int32
        var output: String
        var description: String { "deploy function '\(function)' exited \(status): \(output)" }
    }

    /// A sandbox config for a test pod with a unique UID, its log directory created as the kubelet does.
    static func sandboxConfig(name: String) throws -> PodSandboxConfig {
        let uid = UUID().uuidString.lowercased()
        let namespace = "nodeagent-test"
        let logDirectory = "/var/log/pods/\(namespace)_\(name)_\(uid)"
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        return PodSandboxConfig(
            metadata: PodSandboxMetadata(name: name, uid: uid, namespace: namespace),
            hostname: name,
            logDirectory: logDirectory,
            dnsConfig: DNSConfig(servers: ["10.96.0.10"], searches: ["\(namespace).svc.cluster.local"], options: ["ndots:5"]),
            labels: [
                "io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": namespace, "io.kubernetes.pod.uid": uid,
            ],
            linux: LinuxPodSandboxConfig(
                securityContext: LinuxSandboxSecurityContext(namespaceOptions: NamespaceOptions(pid: .container))
            )
        )
    }

    /// A busybox container config, its log directory created as the kubelet does.
    static func containerConfig(
        name: String,
        in sandbox: PodSandboxConfig,
        command: [String],
        attempt: UInt32 = 0
    ) throws -> ContainerConfig {
        let logPath = "\(name)/\(attempt).log"
        try FileManager.default.createDirectory(
            atPath: sandbox.logDirectory + "/" + name,
            withIntermediateDirectories: true
        )
        return ContainerConfig(
            metadata: ContainerMetadata(name: name, attempt: attempt),
            image: ImageSpec(Self.busyboxImage),
            command: command,
            envs: [EnvVar("GREETING", "hello from node-agent")],
            labels: ["io.kubernetes.container.name": name],
            logPath: logPath,
            linux: LinuxContainerConfig(
                securityContext: LinuxContainerSecurityContext(namespaceOptions: NamespaceOptions(pid: .container))
            )
        )
    }

    /// Stops and removes a sandbox, ignoring failures: cleanup after a test that may have failed half-way.
    static func cleanUp(_ runtime: any ContainerRuntime, sandboxID: String?, logDirectory: String) async {
        if let sandboxID {
            try? await runtime.stopPodSandbox(sandboxID)
            try? await runtime.removePodSandbox(sandboxID)
        }
        try? FileManager.default.removeItem(atPath: logDirectory)
    }
}
