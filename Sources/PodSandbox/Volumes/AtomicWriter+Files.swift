import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AtomicWriter {
    /// Whether a file of the payload is missing from the current data directory or differs from it.
    func shouldWrite(_ payload: [String: FileProjection], oldDirectory: String) throws(VolumeSetupError) -> Bool {
        for (relative, file) in payload {
            let path = oldDirectory + "/" + relative
            if access(path, F_OK) != 0 {
                if errno == ENOENT { return true }
                throw self.failure("access", path)
            }
            if try self.read(path) != file.data { return true }
        }
        return false
    }

    func read(_ path: String) throws(VolumeSetupError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw self.failure("open", path) }
        defer { close(fd) }
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw self.failure("read", path)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[..<count])
        }
    }

    /// Writes every file with its mode (set explicitly, whatever the umask), creating parent directories.
    func writePayload(_ payload: [String: FileProjection], into directory: String) throws(VolumeSetupError) {
        for relative in payload.keys.sorted() {
            guard let file = payload[relative] else { continue }
            let full = directory + "/" + relative
            var parent = directory
            for component in relative.split(separator: "/").dropLast() {
                parent += "/" + component
                if mkdir(parent, 0o777) != 0 && errno != EEXIST { throw self.failure("mkdir", parent) }
            }
            let mode = mode_t(UInt32(bitPattern: file.mode) & 0o7777)
            let fd = open(full, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
            guard fd >= 0 else { throw self.failure("create", full) }
            var failed: Int32 = 0
            file.data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        failed = errno
                        return
                    }
                    offset += written
                }
            }
            close(fd)
            if failed != 0 { throw self.failure("write", full, errno: failed) }
            guard chmod(full, mode) == 0 else { throw self.failure("chmod", full) }
        }
    }
}
