import CRIClient
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One measurement through the real agent: start it on an empty manifest directory, write N manifests at once,
/// time until N containers run; delete the manifests, time until no sandbox is left; stop the agent.
struct AgentRun {
    var binary: String
    var endpoint: String
    var healthzPort: Int
    var count: Int
    var deadline: Duration
    /// How long the removal may take before it is reported as timed out (and the cleanup takes over).
    var removalDeadline: Duration = .seconds(60)

    let root: String
    let manifestDirectory: String
    let logPath: String

    init(binary: String, endpoint: String, healthzPort: Int, count: Int, deadline: Duration) throws {
        self.binary = binary
        self.endpoint = endpoint
        self.healthzPort = healthzPort
        self.count = count
        self.deadline = deadline
        self.root = FileManager.default.temporaryDirectory
            .appendingPathComponent("pod-start-bench-\(UUID().uuidString.prefix(8))").path
        self.manifestDirectory = self.root + "/manifests"
        self.logPath = self.root + "/agent.log"
        try FileManager.default.createDirectory(atPath: self.manifestDirectory, withIntermediateDirectories: true)
    }

    struct Result {
        /// From just before the first manifest was written to N containers running.
        var start: Duration
        /// From just before the first manifest was deleted to no sandbox left.
        var removal: Duration
        /// The sandboxes were not all gone within ``removalDeadline``.
        var removalTimedOut: Bool
        /// Lines of the agent's log naming a lost gRPC stream (see README.md): each delays a pod.
        var lostStreams: Int
    }

    func measure(_ runtime: any ContainerRuntime) async throws -> Result {
        let process = try self.launch()
        defer { Self.stop(process) }
        try await self.waitForHealthz(process)
        log("agent healthy (log \(self.logPath)); writing \(self.count) manifests")

        let clock = ContinuousClock()
        let manifests = (0..<self.count).map { index in (name: "bench-\(index).yaml", text: Self.manifest(index)) }
        let startedAt = clock.now
        for manifest in manifests {
            try self.write(manifest.name, manifest.text)
        }
        try await self.poll("\(self.count) containers running", process, interval: .milliseconds(2)) {
            try await runtime.listContainers(ContainerFilter(state: .running)).count >= self.count
        }
        let start = clock.now - startedAt
        log("\(self.count) containers running after \(milliseconds(start)) ms; deleting the manifests")

        let removingAt = clock.now
        for manifest in manifests {
            try FileManager.default.removeItem(atPath: self.manifestDirectory + "/" + manifest.name)
        }
        var removalTimedOut = false
        do {
            try await self.poll("every sandbox removed", process, deadline: self.removalDeadline) {
                try await runtime.listPodSandboxes(nil).isEmpty
            }
        } catch let error as BenchmarkError {
            // The start was measured; a removal that hangs is reported, and the cleanup removes what is left.
            log("removal: \(error)")
            removalTimedOut = true
        }
        let removal = clock.now - removingAt
        Self.stop(process)
        let agentLog = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        let lostStreams = BenchmarkTable.lostStreamLines(in: agentLog)
        if lostStreams == 0 && !removalTimedOut {
            try? FileManager.default.removeItem(atPath: self.root)
        } else {
            log("the agent lost \(lostStreams) CRI call(s) to dropped streams; its log is kept: \(self.logPath)")
        }
        return Result(start: start, removal: removal, removalTimedOut: removalTimedOut, lostStreams: lostStreams)
    }

    /// The agent, standalone on the manifest directory, its output in ``logPath``.
    func launch() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.binary)
        process.arguments = [
            "--pod-manifest-path", self.manifestDirectory,
            "--container-runtime-endpoint", self.endpoint,
            "--hostname-override", "bench",
            "--healthz-port", "\(self.healthzPort)",
        ]
        _ = FileManager.default.createFile(atPath: self.logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    /// SIGTERM, then SIGKILL if the agent has not exited 10 s later.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let end = Date().addingTimeInterval(10)
        while process.isRunning && Date() < end {
            usleep(10_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    func waitForHealthz(_ process: Process) async throws {
        let url = URL(string: "http://127.0.0.1:\(self.healthzPort)/healthz")!
        try await self.poll("the agent's /healthz answering ok", process, interval: .milliseconds(50)) {
            var request = URLRequest(url: url)
            request.timeoutInterval = 2
            guard let (data, response) = try? await URLSession.shared.data(for: request) else { return false }
            return (response as? HTTPURLResponse)?.statusCode == 200 && String(decoding: data, as: UTF8.self) == "ok"
        }
    }

    /// Polls `condition` every `interval` until it holds; fails when the agent exits or the deadline passes.
    func poll(
        _ what: String,
        _ process: Process,
        interval: Duration = .milliseconds(10),
        deadline: Duration? = nil,
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = deadline ?? self.deadline
        let end = clock.now + deadline
        while true {
            do {
                if try await condition() { return }
            } catch let error as CRIError where error.code == .unavailable {
                // A lost stream (see benchmarks/README.md): this poll did not answer, the next one will.
                log("poll for \(what): \(error); polling on")
            }
            guard process.isRunning else {
                throw BenchmarkError("the agent exited (status \(process.terminationStatus)) waiting for \(what); log: \(self.logPath)")
            }
            guard clock.now < end else {
                throw BenchmarkError("timed out after \(deadline) waiting for \(what); agent log: \(self.logPath)")
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Atomically, as config tools do: a dotfile (which the agent ignores) renamed into place.
    func write(_ name: String, _ text: String) throws {
        let temporary = self.manifestDirectory + "/." + name + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, self.manifestDirectory + "/" + name) == 0 else {
            throw BenchmarkError("cannot rename \(temporary) into place: errno \(errno)")
        }
    }

    /// The same pod as the floor's: one busybox `sleep 3600`. Grace period 0: `sleep` as PID 1 ignores SIGTERM,
    /// so a grace period would time the wait, not the agent.
    static func manifest(_ index: Int) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bench-\(index)
          namespace: default
        spec:
          terminationGracePeriodSeconds: 0
          containers:
            - name: sleep
              image: \(FloorRun.busyboxImage)
              imagePullPolicy: IfNotPresent
              command: ["sleep", "3600"]

        """
    }
}
