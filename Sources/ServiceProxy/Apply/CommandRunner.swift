public import Foundation

/// What a finished command left behind.
public struct CommandResult: Sendable, Equatable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String = "", stderr: String = "") {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs the proxy's tools (`iptables-restore`, `iptables-save`, `iptables`, `conntrack`). The seam that lets tests
/// record commands instead of running them.
public protocol CommandRunner: Sendable {
    /// Runs `arguments[0]` with the rest as arguments, `stdin` as its standard input.
    /// - Throws: ``CommandLaunchError`` when the program cannot be started (a non-zero exit is a result, not an error).
    func run(_ arguments: [String], stdin: Data?) async throws -> CommandResult
}

/// A command could not be started.
public struct CommandLaunchError: Error, CustomStringConvertible, Equatable {
    public var command: String
    public var reason: String

    public init(command: String, reason: String) {
        self.command = command
        self.reason = reason
    }

    public var description: String { "cannot run \(self.command): \(self.reason)" }
}

/// Runs commands as child processes, optionally inside a named network namespace (`ip netns exec NAME ...`), with
/// standard input and output through temporary files (no pipe can fill up and stall a large restore).
///
/// ```swift
/// let runner = ProcessCommandRunner(networkNamespace: "node-1")
/// let result = try await runner.run(["iptables-save", "-t", "nat"], stdin: nil)
/// ```
public struct ProcessCommandRunner: CommandRunner {
    /// The network namespace (a name under /run/netns) the commands run in; `nil` for the agent's own.
    public var networkNamespace: String?
    /// Directories searched for programs named without a slash.
    public var searchPath: [String]

    public init(
        networkNamespace: String? = nil,
        searchPath: [String] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"]
    ) {
        self.networkNamespace = networkNamespace
        self.searchPath = searchPath
    }

    public func run(_ arguments: [String], stdin: Data?) async throws -> CommandResult {
        precondition(!arguments.isEmpty, "a command needs a program")
        var full = arguments
        if let namespace = self.networkNamespace { full = ["ip", "netns", "exec", namespace] + arguments }
        guard let program = self.resolve(full[0]) else {
            throw CommandLaunchError(command: arguments[0], reason: "not found in \(self.searchPath.joined(separator: ":"))")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("node-agent-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inputPath = scratch.appendingPathComponent("stdin")
        let outputPath = scratch.appendingPathComponent("stdout")
        let errorPath = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: inputPath.path, contents: stdin ?? Data())
        _ = FileManager.default.createFile(atPath: outputPath.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inputPath)
        let output = try FileHandle(forWritingTo: outputPath)
        let error = try FileHandle(forWritingTo: errorPath)
        defer {
            try? input.close()
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(full.dropFirst())
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: CommandLaunchError(command: arguments[0], reason: "\(error)"))
            }
        }
        let stdout = (try? String(contentsOf: outputPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errorPath, encoding: .utf8)) ?? ""
        return CommandResult(status: status, stdout: stdout, stderr: stderr)
    }

    func resolve(_ program: String) -> String? {
        if program.contains("/") { return program }
        for directory in self.searchPath {
            let candidate = directory + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
