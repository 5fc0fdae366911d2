import Foundation
import Logging
import ProxyBenchmarkSupport

/// Times IPVS mode (``IPVSProxier``) against iptables mode (``IPTablesProxier``) programming N ClusterIP services x
/// 5 endpoints, each measurement in a fresh network namespace, and prints a markdown table (see
/// benchmarks/README.md). Needs root and a kernel with IPVS and ipset: run it in the QEMU VM of scripts/ipvs-vm.
///
///     swift build -c release --product IPVSBenchmark
///     scripts/ipvs-vm/run.sh --timeout 1800 -- $PWD/.build/release/IPVSBenchmark [--sizes 1000,5000,10000]
///
/// Each (size, mode) runs in a child process of this binary (`ip netns exec NS IPVSBenchmark --child MODE ...`):
/// IPVS mode talks netlink from its own process, so the whole process must live in the namespace.
@main
struct IPVSBenchmark {
    static func main() async throws {
        let options = Options(CommandLine.arguments.dropFirst())
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        if let mode = options.child {
            let result: [String: Double]
            switch mode {
            case "ipvs": result = try await IPVSMeasurement.run(workload: options.workload(options.sizes[0]))
            case "iptables":
                result = try await IPTablesMeasurement.run(
                    workload: options.workload(options.sizes[0]), fullResync: options.iptablesResync)
            default: throw BenchmarkError("unknown mode \(mode)")
            }
            let line = "RESULT " + result.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            return
        }
        var rows: [Row] = []
        for size in options.sizes {
            var row = Row(services: size)
            for mode in options.modes {
                let started = ContinuousClock.now
                progress("size \(size): \(mode) mode ...")
                do {
                    let values = try await self.child(mode: mode, size: size, options: options)
                    row.values.merge(values.map { ("\(mode).\($0.key)", $0.value) }) { $1 }
                    progress(
                        "size \(size): \(mode) done in \(started.duration(to: .now)): "
                            + values.sorted { $0.key < $1.key }.map { "\($0.key)=\(describe($0.key, $0.value))" }
                            .joined(separator: " "))
                } catch {
                    progress("size \(size): \(mode) FAILED: \(error)")
                    row.failed.insert(mode)
                }
            }
            rows.append(row)
            FileHandle.standardOutput.write(Data((Row.table(rows) + "\n").utf8))
        }
    }

    struct Options {
        var sizes = [1000, 5000, 10000]
        var modes = ["ipvs", "iptables"]
        var endpoints = 5
        var iptablesResync = false
        var child: String?

        init(_ arguments: ArraySlice<String>) {
            var iterator = arguments.makeIterator()
            while let argument = iterator.next() {
                switch argument {
                case "--sizes": self.sizes = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
                case "--modes": self.modes = (iterator.next() ?? "").split(separator: ",").map(String.init)
                case "--endpoints": self.endpoints = Int(iterator.next() ?? "") ?? self.endpoints
                case "--iptables-resync": self.iptablesResync = true
                case "--child": self.child = iterator.next()
                default: FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                }
            }
        }

        func workload(_ size: Int) -> Workload {
            let started = ContinuousClock.now
            let workload = Workload(services: size, endpointsPerService: self.endpoints)
            progress("  workload of \(size) services built in \(started.duration(to: .now))")
            return workload
        }
    }

    /// Runs one mode's measurement in a child process inside a fresh network namespace.
    static func child(mode: String, size: Int, options: Options) async throws -> [String: Double] {
        let namespace = "naib-\(mode)-\(size)"
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        _ = try self.run(["ip", "netns", "del", namespace], quiet: true)
        guard try self.run(["ip", "netns", "add", namespace]).status == 0 else {
            throw BenchmarkError("ip netns add \(namespace) failed")
        }
        defer { _ = try? self.run(["ip", "netns", "del", namespace], quiet: true) }
        // Foundation's CFSocket (behind Process, which runs iptables-restore) needs a loopback that is up: in a
        // namespace whose lo is down it logs "Could not create wakeup socket pair" and hangs.
        guard try self.run(["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"]).status == 0 else {
            throw BenchmarkError("ip link set lo up in \(namespace) failed")
        }
        var arguments = [
            "ip", "netns", "exec", namespace, executable, "--child", mode, "--sizes", "\(size)",
            "--endpoints", "\(options.endpoints)",
        ]
        if options.iptablesResync { arguments.append("--iptables-resync") }
        let (status, output) = try self.run(arguments)
        guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
            throw BenchmarkError("child exited \(status)")
        }
        var values: [String: Double] = [:]
        for pair in line.dropFirst("RESULT ".count).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    /// Runs a command with standard error passed through; returns its status and standard output.
    static func run(_ arguments: [String], quiet: Bool = false) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = quiet ? FileHandle.nullDevice : FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// One table row: the measured seconds of each mode, keyed `mode.name`.
struct Row {
    var services: Int
    var values: [String: Double] = [:]
    var failed: Set<String> = []

    static let columns: [(title: String, key: String)] = [
        ("IPVS cold sync", "ipvs.cold"),
        ("IPVS resync, no change", "ipvs.resync"),
        ("IPVS one endpoint change", "ipvs.endpoint"),
        ("iptables cold full sync", "iptables.cold"),
        ("iptables partial sync, one endpoint", "iptables.partial"),
    ]

    static func table(_ rows: [Row]) -> String {
        let extra = rows.contains { $0.values["iptables.resync"] != nil }
        var columns = self.columns
        if extra { columns.insert(("iptables full resync, no change", "iptables.resync"), at: 4) }
        var lines = [
            "| services | " + columns.map(\.title).joined(separator: " | ") + " |",
            "|---|" + String(repeating: "---|", count: columns.count),
        ]
        for row in rows {
            let cells = columns.map { column -> String in
                if let value = row.values[column.key] { return format(value) }
                return row.failed.contains(String(column.key.prefix { $0 != "." })) ? "failed" : "-"
            }
            lines.append("| \(row.services) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}

/// A result value: a count (key ending in `#`) or seconds.
func describe(_ key: String, _ value: Double) -> String {
    key.hasSuffix("#") ? String(Int(value)) : format(value)
}

/// Seconds as `12.3 s` or `45.6 ms`.
func format(_ seconds: Double) -> String {
    seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.1f ms", seconds * 1000)
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}


/// Runs `body` and returns its result with the seconds it took.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try await body()
    return (result, seconds(start.duration(to: clock.now)))
}

