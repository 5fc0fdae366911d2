#if canImport(Glibc)
import Glibc
#endif
import CRIClient

/// Reads what exited containers left as their termination message (upstream's `getTerminationMessage` and
/// `readLastStringFromContainerLogs`): the file mounted at `terminationMessagePath`, or with the policy
/// `FallbackToLogsOnError` and a failure exit, the tail of the container's log.
enum TerminationMessages {
    /// Upstream's `MaxContainerTerminationMessageLength`.
    static let maxFileBytes = 4096
    /// Upstream's `MaxContainerTerminationMessageLogLength`.
    static let maxLogBytes = 2048
    /// Upstream's `MaxContainerTerminationMessageLogLines`.
    static let maxLogLines = 80

    /// The messages of the newest two exited instances of each container, by container ID.
    static func collect(_ runtimePod: RuntimePod?) -> [String: String] {
        guard let runtimePod else { return [:] }
        var result: [String: String] = [:]
        var seen: [String: Int] = [:]
        for container in runtimePod.containers {
            let name = container.metadata.name
            seen[name, default: 0] += 1
            guard seen[name]! <= 2, container.state == .exited else { continue }
            if let message = Self.message(container), !message.isEmpty { result[container.id] = message }
        }
        return result
    }

    static func message(_ container: ContainerStatus) -> String? {
        let path = container.annotations[RuntimeLabels.terminationMessagePath] ?? ""
        let fallbackToLogs =
            container.annotations[RuntimeLabels.terminationMessagePolicy] == "FallbackToLogsOnError"
            && container.exitCode != 0 && container.reason != "ContainerCannotRun"
        if !path.isEmpty, let mount = container.mounts.first(where: { $0.containerPath == path }) {
            do throws(HostFileError) {
                let bytes = try HostFiles.readBytes(path: mount.hostPath, limit: Self.maxFileBytes)
                if !bytes.isEmpty || !fallbackToLogs { return String(decoding: bytes, as: UTF8.self) }
            } catch {
                if !fallbackToLogs { return "Error on reading termination message from \(mount.hostPath): \(error)" }
            }
        }
        guard fallbackToLogs, !container.logPath.isEmpty else { return nil }
        return Self.logTail(path: container.logPath)
    }

    /// The last lines of a CRI log file (`<time> <stream> <P|F> <text>`), as the container printed them.
    static func logTail(path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let window = 64 * 1024
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0 else { return nil }
        let start = max(0, Int(size) - window)
        _ = lseek(fd, off_t(start), SEEK_SET)
        var bytes = [UInt8](repeating: 0, count: Int(size) - start)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return Self.parseLogTail(String(decoding: bytes[0..<count], as: UTF8.self))
    }

    /// The text of the last ``maxLogLines`` CRI log lines, cut to the last ``maxLogBytes`` bytes.
    static func parseLogTail(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(Self.maxLogLines)
        var output = ""
        for line in lines {
            let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3 else { continue }
            let content = fields.count == 4 ? String(fields[3]) : ""
            output += content
            if fields[2] != "P" { output += "\n" }
        }
        let bytes = Array(output.utf8)
        if bytes.count <= Self.maxLogBytes { return output }
        return String(decoding: bytes.suffix(Self.maxLogBytes), as: UTF8.self)
    }
}
