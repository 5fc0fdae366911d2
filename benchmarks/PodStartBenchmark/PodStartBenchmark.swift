import ArgumentParser
import CRIClient
import Foundation

/// Times pod start through the real `node-agent` on the real containerd, beside containerd's own floor.
///
/// Not a test: it prints a table (and writes it to `benchmarks/results/pod-start-<date>.txt`). It removes EVERY pod
/// sandbox of the runtime before and after each measurement, so run it only on a node nothing else uses (the
/// project's integration tests share the node: wrap the run in `flock /tmp/node-runtime.lock`).
@main
struct PodStartBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "PodStartBenchmark",
        abstract: "Time from manifest written to all containers running, agent vs. containerd's own floor.",
        discussion: """
            For each pod count N: the floor runs N sandboxes plus one busybox `sleep 3600` container each, all in \
            parallel, directly over the CRI (RunPodSandbox + CreateContainer + StartContainer). Then the agent is \
            started on an empty manifest directory, N manifests of the same pods are written at once, and the \
            runtime is polled every 10 ms until N containers run. Removal is timed from the manifests' deletion \
            to the last sandbox gone. Every pod of the runtime is removed before each step.
            """
    )

    @Option(help: "Pod counts to measure, comma-separated.")
    var counts: String = "1,10,50"

    @Option(help: "Runs per pod count; the table shows the median of each column.")
    var runs: Int = 3

    @Option(help: "The node-agent binary (default: .build/release/node-agent of this repository).")
    var agent: String?

    @Option(help: "The CRI endpoint.")
    var containerRuntimeEndpoint: String = "unix:///run/node-agent/containerd/containerd.sock"

    @Option(help: "The agent's --healthz-port.")
    var healthzPort: Int = 10399

    @Option(help: "Directory for the results file (default: benchmarks/results of this repository).")
    var resultsDirectory: String?

    @Option(help: "Deadline of one measurement, in seconds.")
    var timeout: Int = 300

    func validate() throws {
        _ = try self.podCounts()
        guard self.runs >= 1 else { throw ValidationError("invalid --runs \(self.runs): expected 1 or more") }
        guard (1...65535).contains(self.healthzPort) else {
            throw ValidationError("invalid --healthz-port \(self.healthzPort): expected a port from 1 to 65535")
        }
    }

    func podCounts() throws -> [Int] {
        do {
            return try BenchmarkTable.parseCounts(self.counts)
        } catch {
            throw ValidationError("invalid --counts '\(self.counts)': \(error)")
        }
    }

    func run() async throws {
        let counts = try self.podCounts()
        let agentBinary = self.agent ?? Self.repositoryRoot + "/.build/release/node-agent"
        guard FileManager.default.isExecutableFile(atPath: agentBinary) else {
            throw ValidationError(
                "no node-agent binary at \(agentBinary): run `swift build -c release --product node-agent` or pass --agent"
            )
        }
        var criConfiguration = try CRIClientConfiguration(endpoint: self.containerRuntimeEndpoint)
        criConfiguration.requestTimeout = .seconds(120)
        let deadline = Duration.seconds(self.timeout)
        let endpoint = self.containerRuntimeEndpoint
        let healthzPort = self.healthzPort
        let runs = self.runs

        let rows = try await withCRIClient(criConfiguration) { runtime in
            let version = try await runtime.version()
            log("runtime \(version.runtimeName) \(version.runtimeVersion); agent \(agentBinary)")
            var rows: [BenchmarkRow] = []
            for count in counts {
                var samples: [Sample] = []
                for run in 1...runs {
                    log("pods=\(count) run \(run)/\(runs): cleaning up")
                    try await removeAllPods(runtime, deadline: deadline)
                    let floor = try await Self.measureFloor(count: count, criConfiguration, runtime, deadline: deadline)
                    log("pods=\(count) run \(run)/\(runs): floor \(milliseconds(floor)) ms")
                    try await removeAllPods(runtime, deadline: deadline)
                    let agentRun = try AgentRun(
                        binary: agentBinary,
                        endpoint: endpoint,
                        healthzPort: healthzPort,
                        count: count,
                        deadline: deadline
                    )
                    let result = try await agentRun.measure(runtime)
                    log(
                        "pods=\(count) run \(run)/\(runs): agent \(milliseconds(result.start)) ms, "
                            + "removal \(milliseconds(result.removal)) ms"
                    )
                    samples.append(
                        Sample(
                            floor: floor,
                            agent: result.start,
                            removal: result.removal,
                            removalTimedOut: result.removalTimedOut,
                            lostStreams: result.lostStreams
                        )
                    )
                }
                rows.append(BenchmarkRow(pods: count, samples: samples))
            }
            try await removeAllPods(runtime, deadline: deadline)
            return (rows, "\(version.runtimeName) \(version.runtimeVersion)")
        }

        let report = BenchmarkTable.report(
            rows: rows.0,
            runs: runs,
            runtime: rows.1,
            host: Self.hostDescription(),
            date: Date()
        )
        print(report, terminator: "")
        let directory = self.resultsDirectory ?? Self.repositoryRoot + "/benchmarks/results"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/pod-start-\(BenchmarkTable.fileDate(Date())).txt"
        try report.write(toFile: path, atomically: true, encoding: .utf8)
        log("results written to \(path)")
    }

    /// The floor on a fresh connection. A call that fails with `unavailable` (the gRPC client loses a stream now
    /// and then: see benchmarks/README.md) spoils the run: clean up and measure again, up to three times.
    static func measureFloor(
        count: Int,
        _ configuration: CRIClientConfiguration,
        _ runtime: any ContainerRuntime,
        deadline: Duration
    ) async throws -> Duration {
        var attempt = 1
        while true {
            do {
                return try await withCRIClient(configuration) { fresh in
                    try await FloorRun(runtime: fresh, count: count).measure()
                }
            } catch let error as CRIError where error.code == .unavailable && attempt < 3 {
                log("floor run failed (\(error)); cleaning up and measuring again")
                attempt += 1
                try await removeAllPods(runtime, deadline: deadline)
            }
        }
    }

    /// The repository this file belongs to: the default home of the agent binary and the results.
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func hostDescription() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = ProcessInfo.processInfo.physicalMemory / (1024 * 1024)
        return "\(ProcessInfo.processInfo.hostName), \(cores) cores, \(memory) MiB"
    }
}

/// One run at one pod count.
struct Sample: Sendable {
    var floor: Duration
    var agent: Duration
    var removal: Duration
    var removalTimedOut = false
    var lostStreams: Int = 0
}

/// Progress on standard error, so the table on standard output stays clean.
func log(_ message: String) {
    FileHandle.standardError.write(Data("[bench] \(message)\n".utf8))
}

func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}

/// Stops and removes every sandbox of the runtime, then waits until the runtime lists none.
func removeAllPods(_ runtime: any ContainerRuntime, deadline: Duration) async throws {
    let clock = ContinuousClock()
    let end = clock.now + deadline
    while true {
        let sandboxes: [PodSandboxSummary]
        do {
            sandboxes = try await runtime.listPodSandboxes(nil)
        } catch let error as CRIError where error.code == .unavailable && clock.now < end {
            // The connection is re-made lazily after containerd closed it: try again shortly.
            log("listing sandboxes: \(error); retrying")
            try await Task.sleep(for: .milliseconds(100))
            continue
        }
        if sandboxes.isEmpty { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sandbox in sandboxes {
                group.addTask {
                    try? await runtime.stopPodSandbox(sandbox.id)
                    try? await runtime.removePodSandbox(sandbox.id)
                }
            }
            try await group.waitForAll()
        }
        guard clock.now < end else {
            throw BenchmarkError("\(sandboxes.count) sandboxes still present after \(deadline) of removal")
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
