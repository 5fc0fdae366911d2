#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IPVSProxy
import ServiceProxy
import Testing

/// Where the kernel tests run: on a kernel with IPVS (the QEMU VM of scripts/ipvs-vm, which sets
/// NODEAGENT_IPVS_VM=1). Elsewhere they are skipped with the reason; inside the VM a missing IPVS fails them.
enum IPVSKernelGate {
    static let inVM = ProcessInfo.processInfo.environment["NODEAGENT_IPVS_VM"] == "1"
    static let available: Bool = (try? IPVSKernel()) != nil
    static let enabled = available || inVM
    static let reason: Comment =
        "this kernel has no IPVS (the IPVS generic netlink family does not resolve: ENOENT); these tests run in the QEMU VM: scripts/ipvs-vm/run.sh"
}

/// Runs a host tool (ipvsadm, ipset, ip) and returns its standard output; a non-zero exit is an error.
func tool(_ arguments: String...) async throws -> String {
    let result = try await ProcessCommandRunner().run(arguments, stdin: nil)
    guard result.status == 0 else {
        throw ToolError(command: arguments.joined(separator: " "), status: result.status, stderr: result.stderr)
    }
    return result.stdout
}

struct ToolError: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var stderr: String
    var description: String { "\(self.command) exited \(self.status): \(self.stderr)" }
}

/// `ipvsadm -Ln` with runs of spaces collapsed, one entry per line.
func ipvsadmLines() async throws -> [String] {
    try await tool("ipvsadm", "-Ln").split(separator: "\n").map {
        $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// A long-running child process, terminated by ``stop()``.
final class Child: Sendable {
    let process: Process
    let input: Pipe

    init(_ arguments: [String]) throws {
        self.process = Process()
        self.input = Pipe()
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = arguments
        self.process.standardInput = self.input
        self.process.standardOutput = FileHandle.nullDevice
        self.process.standardError = FileHandle.nullDevice
        try self.process.run()
    }

    /// Kills the process (SIGKILL: a socket it holds is reset when it was opened with `linger=0`) and waits up to
    /// five seconds for it to be reaped.
    func stop() {
        guard self.process.isRunning else { return }
        kill(self.process.processIdentifier, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while self.process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
    }
}
