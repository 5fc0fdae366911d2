import AgentTestKit
import CRIClient
import Foundation
import KubeAPI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `node-agent` binary run as a user runs it: standalone, on a manifest directory, against the real
/// containerd. Its log goes to a file the tests read.
final class AgentProcess: @unchecked Sendable {
    static let binary = RealNode.repositoryRoot.appendingPathComponent(".build/debug/node-agent").path

    let manifestDirectory: String
    let healthzPort: Int
    let logPath: String
    private var process: Process?

    /// A fresh manifest directory and a log file under a new temporary directory.
    init(healthzPort: Int = 10348) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("node-agent-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.manifestDirectory = root.appendingPathComponent("manifests").path
        try FileManager.default.createDirectory(atPath: self.manifestDirectory, withIntermediateDirectories: true)
        self.logPath = root.appendingPathComponent("agent.log").path
        self.healthzPort = healthzPort
    }

    /// Starts the agent; its output is appended to ``logPath``.
    func start(extraArguments: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--pod-manifest-path", self.manifestDirectory,
            "--container-runtime-endpoint", RealNode.endpoint,
            "--hostname-override", "it-node",
            "--healthz-port", "\(self.healthzPort)",
            "--file-check-frequency", "2s",
            "--v", "2",
            // These agents run in the host's own network namespace: with --kubeconfig the service proxy would
            // program the host's iptables. The proxy's own tests run the binary inside namespaces they create.
            "--disable-proxy",
        ] + extraArguments
        if !FileManager.default.fileExists(atPath: self.logPath) {
            FileManager.default.createFile(atPath: self.logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    /// SIGTERM and wait: the agent stops its loops and leaves the pods running.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGKILL, as a crash.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    var isRunning: Bool { self.process?.isRunning ?? false }

    var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    func write(_ name: String, _ manifest: String) throws {
        // Atomically, as editors and config tools do: temp file then rename.
        let temporary = self.manifestDirectory + "/." + name + ".tmp"
        try manifest.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, self.manifestDirectory + "/" + name) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: self.manifestDirectory + "/" + name)
    }

    /// The agent's `/pods`.
    func pods() async throws -> [Pod] {
        let url = URL(string: "http://127.0.0.1:\(self.healthzPort)/pods")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return try KubeJSON.decoder().decode(PodList.self, from: data).items
    }

    /// The pod named `name` (without the node suffix) once `condition` holds for it.
    func waitForPod(
        _ name: String,
        timeout: Duration = .seconds(60),
        _ condition: @escaping (Pod) -> Bool
    ) async throws -> Pod {
        try await poll("pod \(name) in the expected state (agent log: \(self.logPath))", timeout: timeout, interval: .milliseconds(200)) {
            try await self.pods().first { $0.metadata.name == "\(name)-it-node" && condition($0) }
        }
    }

    /// Removes every sandbox the agent created, whatever state the test left: cleanup between tests.
    static func removeAllPods() async throws {
        try await withCRIClient(try RealNode.configuration()) { runtime in
            for sandbox in try await runtime.listPodSandboxes(nil) {
                try? await runtime.stopPodSandbox(sandbox.id)
                try? await runtime.removePodSandbox(sandbox.id)
            }
        }
    }
}

/// Fetches `http://host:port/path` with a short timeout; nil on any failure.
func httpGet(_ url: String) async -> String? {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 2
    guard let (data, response) = try? await URLSession.shared.data(for: request),
        (response as? HTTPURLResponse)?.statusCode == 200
    else { return nil }
    return String(decoding: data, as: UTF8.self)
}

extension Pod {
    var isRunningAndReady: Bool {
        self.status?.phase == .running && (self.status?.containerStatuses ?? []).allSatisfy { $0.ready }
    }
}
