import AgentCore
import Foundation
import KubeAPI
import Logging
import ProxyBenchmarkSupport
import ServiceProxy

/// Times the service proxy's syncs against the floor of a plain `iptables-restore` of the same ruleset into an
/// empty network namespace (see benchmarks/README.md). Needs root, iptables (nft backend) and iproute2.
///
///     swift build -c release --product ProxyBenchmark
///     sudo .build/release/ProxyBenchmark [--sizes 1000,5000,10000] [--runs 3] [--counters] [--stage-rules N]
@main
struct ProxyBenchmark {
    static func main() async throws {
        let options = Options(CommandLine.arguments.dropFirst())
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var rows: [Row] = []
        for size in options.sizes {
            let row = try await self.measure(
                size: size, runs: options.runs, counters: options.counters, stageRules: options.stageRules)
            rows.append(row)
            let table = ([Row.header] + rows.map(\.line)).joined(separator: "\n") + "\n"
            FileHandle.standardOutput.write(Data(table.utf8))
        }
    }

    struct Options {
        var sizes = [1000, 5000, 10000]
        var runs = 3
        var counters = false
        var stageRules: Int?

        init(_ arguments: ArraySlice<String>) {
            var iterator = arguments.makeIterator()
            while let argument = iterator.next() {
                switch argument {
                case "--sizes": self.sizes = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
                case "--runs": self.runs = Int(iterator.next() ?? "") ?? self.runs
                case "--counters": self.counters = true
                case "--stage-rules": self.stageRules = Int(iterator.next() ?? "")
                default: FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                }
            }
        }
    }

    /// One table row: medians over the runs, in seconds.
    struct Row {
        var services: Int
        var natRules: Int
        var restoreMB: Double
        var floor: Double
        var coldFull: Double
        var coldCompile: Double
        var warmFull: Double
        var restartFull: Double
        var partial: Double
        var partialBytes: Int
        var added: Double
        var removed: Double
        var commitFloor: Double
        var noflushCounters: Double?

        static let header =
            "| services | nat rules | input MB | floor: plain restore, empty ns | cold full sync (compile) | "
            + "full sync over own rules | full sync after restart (+ iptables-save) | partial sync, 1 endpoint | "
            + "partial input | partial: service added | partial: service removed | kernel floor: one rule added | "
            + "--noflush --counters |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"

        var line: String {
            func s(_ value: Double) -> String { String(format: "%.3f s", value) }
            func ratio(_ value: Double) -> String { String(format: "%.2fx", value / self.floor) }
            return "| \(self.services) | \(self.natRules) | \(String(format: "%.1f", self.restoreMB)) | \(s(self.floor)) | "
                + "\(s(self.coldFull)) = \(ratio(self.coldFull)) (\(s(self.coldCompile))) | "
                + "\(s(self.warmFull)) = \(ratio(self.warmFull)) | \(s(self.restartFull)) = \(ratio(self.restartFull)) | "
                + "\(String(format: "%.1f ms", self.partial * 1000)) | \(self.partialBytes) B | "
                + "\(String(format: "%.1f ms", self.added * 1000)) | \(String(format: "%.1f ms", self.removed * 1000)) | "
                + "\(String(format: "%.1f ms", self.commitFloor * 1000)) | "
                + (self.noflushCounters.map { s($0) } ?? "-") + " |"
        }
    }

    static func measure(size: Int, runs: Int, counters: Bool, stageRules: Int?) async throws -> Row {
        let workload = Workload(services: size, endpointsPerService: 5)
        var floors: [Double] = []
        var colds: [Double] = []
        var coldCompiles: [Double] = []
        var warms: [Double] = []
        var restarts: [Double] = []
        var partials: [Double] = []
        var addeds: [Double] = []
        var removeds: [Double] = []
        var floorsOfOneRule: [Double] = []
        var partialBytes = 0
        var natRules = 0
        var inputBytes = 0
        var countersTime: Double?
        for run in 0..<runs {
            // The floor: the same full ruleset, plain iptables-restore, into a new empty namespace.
            let compiler = IPTablesCompiler(config: ProxierConfig())
            let compilation = compiler.compile(
                services: workload.model.services, endpoints: workload.model.endpoints,
                node: NodeContext(nodeName: "bench", nodeIP: IPv4Address("10.0.0.1")))
            let text = compilation.ruleset.render()
            natRules = compilation.natRuleCount
            if let path = ProcessInfo.processInfo.environment["PROXY_BENCH_DUMP"] {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            inputBytes = text.utf8.count
            floors.append(try await Namespace.with("napb-floor-\(run)") { runner in
                try await Self.time { try await Self.expectSuccess(runner.run(["iptables-restore"], stdin: Data(text.utf8))) }
            })

            try await Namespace.with("napb-sync-\(run)") { runner in
                var settings = ProxierSettings(node: NodeContext(nodeName: "bench", nodeIP: IPv4Address("10.0.0.1")))
                if let stageRules { settings.fullSyncStageRules = stageRules }
                let proxier = IPTablesProxier(
                    settings: settings,
                    runner: runner, metrics: ProxyMetrics(), health: ProxyHealth(healthTimeout: .seconds(60)),
                    clock: ContinuousClock(), logger: Logger(label: "bench"))
                for event in workload.events { proxier.handle(event) }
                var report: SyncReport?
                colds.append(try await Self.time { report = await Self.checked(proxier.syncNow(), .full) })
                coldCompiles.append(seconds(report?.compileDuration ?? .zero))
                proxier.requestFullSync()
                warms.append(try await Self.time { report = await Self.checked(proxier.syncNow(), .full) })
                if let report { FileHandle.standardError.write(Data("full over own rules: \(report)\n".utf8)) }
                proxier.requestFullSync(rereadKernel: true)
                restarts.append(try await Self.time { _ = await Self.checked(proxier.syncNow(), .full) })
                proxier.handle(.endpointSliceUpdated(workload.slice(size / 2, replacingFirstEndpointWith: "10.250.0.\(run + 1)")))
                partials.append(try await Self.time { report = await Self.checked(proxier.syncNow(), .partial) })
                partialBytes = report?.restoreBytes ?? 0
                if let report { FileHandle.standardError.write(Data("partial: \(report)\n".utf8)) }
                // A new service (its jump inserted into KUBE-SERVICES), then its removal (the jump deleted).
                proxier.handle(.serviceUpdated(Workload.service(size)))
                proxier.handle(.endpointSliceUpdated(Workload.slice(size, endpoints: Workload.endpointIPs(size, count: 5))))
                addeds.append(try await Self.time { _ = await Self.checked(proxier.syncNow(), .partial) })
                proxier.handle(.serviceDeleted(namespace: "bench", name: "svc-\(size)"))
                removeds.append(try await Self.time { _ = await Self.checked(proxier.syncNow(), .partial) })
                // The least any sync that adds a rule costs here: one rule into a new chain, one restore.
                let probe = "*nat\n:KUBE-BENCH-PROBE - [0:0]\n-A KUBE-BENCH-PROBE -j RETURN\nCOMMIT\n"
                floorsOfOneRule.append(try await Self.time {
                    try await Self.expectSuccess(runner.run(["iptables-restore", "-w", "5", "--noflush"], stdin: Data(probe.utf8)))
                })
                let cleanup = "*nat\n:KUBE-BENCH-PROBE - [0:0]\n-X KUBE-BENCH-PROBE\nCOMMIT\n"
                try await Self.expectSuccess(runner.run(["iptables-restore", "--noflush"], stdin: Data(cleanup.utf8)))
                if counters && run == 0 {
                    countersTime = try await Self.time {
                        try await Self.expectSuccess(runner.run(["iptables-restore", "--noflush", "--counters"], stdin: Data(text.utf8)))
                    }
                }
            }
            FileHandle.standardError.write(
                Data(
                    ("size \(size) run \(run + 1)/\(runs): floor \(floors.last!) s, cold \(colds.last!) s, "
                        + "warm \(warms.last!) s, restart \(restarts.last!) s, partial \(partials.last!) s, "
                        + "added \(addeds.last!) s, removed \(removeds.last!) s, one-rule floor \(floorsOfOneRule.last!) s"
                        + (countersTime.map { ", noflush+counters \($0) s" } ?? "") + "\n").utf8))
        }
        return Row(
            services: size, natRules: natRules, restoreMB: Double(inputBytes) / 1_000_000, floor: median(floors),
            coldFull: median(colds), coldCompile: median(coldCompiles), warmFull: median(warms),
            restartFull: median(restarts), partial: median(partials), partialBytes: partialBytes,
            added: median(addeds), removed: median(removeds), commitFloor: median(floorsOfOneRule),
            noflushCounters: countersTime)
    }

    static func checked(_ report: SyncReport, _ kind: SyncReport.Kind) -> SyncReport {
        precondition(report.kind == kind && report.failure == nil, "unexpected sync: \(report)")
        return report
    }

    static func expectSuccess(_ result: CommandResult) throws {
        guard result.status == 0 else { throw BenchmarkError("iptables-restore failed: \(result.stderr)") }
    }

    static func time(_ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return seconds(start.duration(to: clock.now))
    }

}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// A network namespace that exists for the duration of `body`.
enum Namespace {
    static func with<T>(_ name: String, _ body: (ProcessCommandRunner) async throws -> T) async throws -> T {
        let host = ProcessCommandRunner()
        _ = try await host.run(["ip", "netns", "del", name], stdin: nil)
        let added = try await host.run(["ip", "netns", "add", name], stdin: nil)
        guard added.status == 0 else { throw BenchmarkError("ip netns add \(name): \(added.stderr)") }
        do {
            let result = try await body(ProcessCommandRunner(networkNamespace: name))
            _ = try await host.run(["ip", "netns", "del", name], stdin: nil)
            return result
        } catch {
            _ = try await host.run(["ip", "netns", "del", name], stdin: nil)
            throw error
        }
    }
}
