import CRIClient
import Foundation

/// containerd's own time for N pods: RunPodSandbox + CreateContainer + StartContainer straight over the CRI, all
/// pods in parallel, the same pod shape as the agent's manifests (pause sandbox, one busybox `sleep 3600`).
struct FloorRun {
    var runtime: any ContainerRuntime
    var count: Int

    static let busyboxImage = "docker.io/library/busybox:1.36"
    static let namespace = "default"

    /// The time from the first RunPodSandbox to the last StartContainer returned.
    func measure() async throws -> Duration {
        let configs = try (0..<self.count).map { try Self.sandboxConfig(name: "floor-\($0)") }
        let runtime = self.runtime
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for config in configs {
                group.addTask {
                    let sandboxID = try await runtime.runPodSandbox(config, runtimeHandler: "")
                    let containerID = try await runtime.createContainer(
                        inSandbox: sandboxID,
                        Self.containerConfig(),
                        sandboxConfig: config
                    )
                    try await runtime.startContainer(containerID)
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        for config in configs {
            try? FileManager.default.removeItem(atPath: config.logDirectory)
        }
        return elapsed
    }

    /// A sandbox shaped as the agent makes one for a plain static pod: metadata, hostname, log directory, the
    /// node's DNS, the `io.kubernetes.pod.*` labels.
    static func sandboxConfig(name: String) throws -> PodSandboxConfig {
        let uid = UUID().uuidString.lowercased()
        let logDirectory = "/var/log/pods/\(Self.namespace)_\(name)_\(uid)"
        try FileManager.default.createDirectory(atPath: logDirectory + "/sleep", withIntermediateDirectories: true)
        return PodSandboxConfig(
            metadata: PodSandboxMetadata(name: name, uid: uid, namespace: Self.namespace),
            hostname: name,
            logDirectory: logDirectory,
            dnsConfig: DNSConfig(servers: ["10.96.0.10"], searches: ["default.svc.cluster.local"], options: ["ndots:5"]),
            labels: [
                "io.kubernetes.pod.name": name,
                "io.kubernetes.pod.namespace": Self.namespace,
                "io.kubernetes.pod.uid": uid,
            ]
        )
    }

    static func containerConfig() -> ContainerConfig {
        ContainerConfig(
            metadata: ContainerMetadata(name: "sleep", attempt: 0),
            image: ImageSpec(Self.busyboxImage),
            command: ["sleep", "3600"],
            labels: ["io.kubernetes.container.name": "sleep"],
            logPath: "sleep/0.log"
        )
    }
}
