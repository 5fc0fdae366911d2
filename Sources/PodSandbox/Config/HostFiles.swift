#if canImport(Glibc)
import Glibc
#endif

/// A failed system call on a host path: the call, the path and `strerror(errno)`.
public struct HostFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The system call or step that failed.
    public var operation: String
    /// The path it was called on.
    public var path: String
    /// The error number.
    public var errno: Int32

    /// - Parameters:
    ///   - operation: the system call or step that failed (`open`, `mkdir`, `mount`, ...).
    ///   - path: the path it was called on.
    ///   - errno: the error number it set.
    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// `<operation> <path>: <strerror>`.
    public var description: String {
        "\(self.operation) \(self.path): \(String(cString: strerror(self.errno)))"
    }
}

/// Small Glibc helpers shared by the I/O shells of this folder (resolv.conf, seccomp profiles, volumes).
enum HostFiles {
    /// Reads a whole file as UTF-8 text, up to `limit` bytes.
    static func readText(path: String, limit: Int = 1 << 24) throws(HostFileError) -> String {
        let bytes = try Self.readBytes(path: path, limit: limit)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a whole file, up to `limit` bytes.
    static func readBytes(path: String, limit: Int = 1 << 24) throws(HostFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HostFileError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while result.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HostFileError(operation: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }
}
