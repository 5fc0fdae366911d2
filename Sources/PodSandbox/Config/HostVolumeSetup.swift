#if canImport(Glibc)
import Glibc
#endif

/// The real ``VolumeSetup`` on Linux, through Glibc: `mkdir`, `mount(2)` of tmpfs with a size, `stat` type
/// checks, `realpath` sub-path checks, `umount2` and a tree removal that never crosses a mount point.
///
/// Sub-path safety is checked, not enforced by bind-mounting file descriptors as upstream does, so a
/// container that swaps a checked directory for a symlink between the check and its start is not stopped.
public struct HostVolumeSetup: VolumeSetup {
    /// The setup for the local node.
    public init() {}

    /// Creates an emptyDir (mode 0777), mounts a memory-backed one once, or checks a hostPath.
    public func setUp(_ volume: VolumePlan.Volume) throws(VolumeSetupError) {
        let path = volume.hostPath
        let name = "volume \"\(volume.name)\""
        switch volume.kind {
        case .emptyDir:
            try Self.makeDirectories(path, mode: 0o777, what: name)
            Self.chmod(path, 0o777)
        case .memory(let sizeBytes):
            try Self.makeDirectories(path, mode: 0o777, what: name)
            if try Self.isMountPoint(path, what: name) { return }
            var options = "mode=0777"
            if sizeBytes > 0 { options += ",size=\(sizeBytes)" }
            guard mount("tmpfs", path, "tmpfs", 0, options) == 0 else {
                let error = HostFileError(operation: "mount tmpfs (\(options)) on", path: path, errno: errno)
                throw Self.failure(name, error)
            }
        case .hostPath(let check):
            try Self.check(path, check, what: name)
        case .data(_, let tmpfsBytes):
            try Self.makeDirectories(path, mode: 0o777, what: name)
            Self.chmod(path, 0o777)
            guard let tmpfsBytes, try !Self.isMountPoint(path, what: name) else { return }
            var options = "mode=0777"
            if tmpfsBytes > 0 { options += ",size=\(tmpfsBytes)" }
            guard mount("tmpfs", path, "tmpfs", 0, options) == 0 else {
                let error = HostFileError(operation: "mount tmpfs (\(options)) on", path: path, errno: errno)
                throw Self.failure(name, error)
            }
        }
    }

    /// See ``VolumeSetup/writeData(_:payload:fsGroup:)``.
    public func writeData(_ volume: VolumePlan.Volume, payload: [String: FileProjection], fsGroup: Int64?)
        throws(VolumeSetupError) -> Bool
    {
        let writer = AtomicWriter(targetDirectory: volume.hostPath, context: "volume \"\(volume.name)\"")
        guard let fsGroup else { return try writer.write(payload) }
        return try writer.write(payload) { directory throws(VolumeSetupError) in
            try Self.setGroupOwnership(directory, group: gid_t(truncatingIfNeeded: fsGroup), what: writer.context)
        }
    }

    /// Upstream's `SetVolumeOwnership` for a read-only volume: group `fsGroup`, files `| 0440`, directories
    /// `| 0550` and setgid; symlinks only change group.
    static func setGroupOwnership(_ path: String, group: gid_t, what: String) throws(VolumeSetupError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw Self.failure(what, HostFileError(operation: "lstat", path: path, errno: errno))
        }
        guard lchown(path, uid_t.max, group) == 0 else {
            throw Self.failure(what, HostFileError(operation: "lchown", path: path, errno: errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            return
        case S_IFDIR:
            Self.chmod(path, (info.st_mode & 0o7777) | 0o550 | S_ISGID)
            for entry in try Self.entries(path) {
                try Self.setGroupOwnership(path + "/" + entry, group: group, what: what)
            }
        default:
            Self.chmod(path, (info.st_mode & 0o7777) | 0o440)
        }
    }

    /// See ``VolumeSetup/prepareSubPath(_:)``.
    public func prepareSubPath(_ mount: VolumePlan.PlannedMount) throws(VolumeSetupError) {
        let name = "volume \"\(mount.volume.name)\" subPath \"\(mount.subPath)\""
        guard let volumeRoot = Self.realPath(mount.volume.hostPath) else {
            throw Self.failure(name, HostFileError(operation: "realpath", path: mount.volume.hostPath, errno: errno))
        }
        var current = mount.volume.hostPath
        for component in mount.subPath.split(separator: "/") where component != "." {
            current += "/" + component
            var info = stat()
            if lstat(current, &info) != 0 {
                guard errno == ENOENT else {
                    throw Self.failure(name, HostFileError(operation: "lstat", path: current, errno: errno))
                }
                guard mkdir(current, 0o755) == 0 || errno == EEXIST else {
                    throw Self.failure(name, HostFileError(operation: "mkdir", path: current, errno: errno))
                }
            }
            guard let resolved = Self.realPath(current) else {
                throw Self.failure(name, HostFileError(operation: "realpath", path: current, errno: errno))
            }
            guard HostPath.isWithin(resolved, base: volumeRoot) else {
                throw VolumeSetupError(
                    "\(name): \(current) resolves to \(resolved), outside the volume \(volumeRoot)")
            }
        }
    }

    /// See ``VolumeSetup/createTerminationMessageFile(_:)``.
    public func createTerminationMessageFile(_ path: String) throws(VolumeSetupError) {
        let what = "termination message file"
        var parent = path
        while let last = parent.last, last != "/" { parent.removeLast() }
        if parent.count > 1 { parent.removeLast() }
        try Self.makeDirectories(parent, mode: 0o755, what: what)
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Self.failure(what, HostFileError(operation: "create", path: path, errno: errno)) }
        close(fd)
        Self.chmod(path, 0o666)
    }

    /// See ``VolumeSetup/writeFile(_:contents:)``: written to `<path>.tmp`, then renamed over `path`.
    public func writeFile(_ path: String, contents: String) throws(VolumeSetupError) {
        let what = "file"
        var parent = path
        while let last = parent.last, last != "/" { parent.removeLast() }
        if parent.count > 1 { parent.removeLast() }
        try Self.makeDirectories(parent, mode: 0o755, what: what)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Self.failure(what, HostFileError(operation: "create", path: temporary, errno: errno))
        }
        var bytes = Array(contents.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = HostFileError(operation: "write", path: temporary, errno: errno)
                close(fd)
                throw Self.failure(what, error)
            }
            bytes = bytes.dropFirst(written)
        }
        close(fd)
        Self.chmod(temporary, 0o644)
        guard rename(temporary, path) == 0 else {
            throw Self.failure(what, HostFileError(operation: "rename", path: path, errno: errno))
        }
    }

    /// See ``VolumeSetup/tearDown(_:)``.
    public func tearDown(_ plan: VolumePlan) throws(VolumeSetupError) {
        // Every emptyDir that is a mount point is a tmpfs the agent mounted: found by listing the directory, so
        // that a pod whose spec is gone (an orphan after an agent restart) is cleaned up as well.
        // The same for the tmpfs of secret and projected volumes: every `volumes/<plugin>/<name>` is looked at.
        let volumesRoot = HostPath.join(plan.podDirectory, "volumes")
        var paths = Set(plan.volumes.map { VolumePlan.emptyDirPath(podDirectory: plan.podDirectory, name: $0.name) })
        for plugin in (try? Self.entries(volumesRoot)) ?? [] {
            for name in (try? Self.entries(HostPath.join(volumesRoot, plugin))) ?? [] {
                paths.insert(HostPath.join(volumesRoot, plugin, name))
            }
        }
        for path in paths.sorted() {
            let what = "volume \"\(path.split(separator: "/").last ?? "")\""
            guard (try? Self.isMountPoint(path, what: what)) == true else { continue }
            guard umount2(path, 0) == 0 || errno == EINVAL || errno == ENOENT else {
                throw Self.failure(what, HostFileError(operation: "umount", path: path, errno: errno))
            }
        }
        var root = stat()
        guard lstat(plan.podDirectory, &root) == 0 else {
            if errno == ENOENT { return }
            let error = HostFileError(operation: "lstat", path: plan.podDirectory, errno: errno)
            throw Self.failure("pod directory", error)
        }
        try Self.removeTree(plan.podDirectory, device: root.st_dev)
    }

    // MARK: - Helpers

    static func failure(_ what: String, _ error: HostFileError) -> VolumeSetupError {
        VolumeSetupError("\(what): \(error)")
    }

    static func chmod(_ path: String, _ mode: mode_t) {
        _ = Glibc.chmod(path, mode)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Creates `path` and its missing parents with `mode` (before umask).
    static func makeDirectories(_ path: String, mode: mode_t, what: String) throws(VolumeSetupError) {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw Self.failure(what, HostFileError(operation: "mkdir", path: current, errno: errno))
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw VolumeSetupError("\(what): \(path) exists and is not a directory")
        }
    }

    /// Whether `path` is on another file system than its parent.
    static func isMountPoint(_ path: String, what: String) throws(VolumeSetupError) -> Bool {
        var info = stat()
        var parentInfo = stat()
        guard stat(path, &info) == 0 else {
            throw Self.failure(what, HostFileError(operation: "stat", path: path, errno: errno))
        }
        guard stat(path + "/..", &parentInfo) == 0 else {
            throw Self.failure(what, HostFileError(operation: "stat", path: path + "/..", errno: errno))
        }
        return info.st_dev != parentInfo.st_dev
    }

    /// The hostPath `type` checks of upstream's `pkg/volume/hostpath` (symlinks followed).
    static func check(_ path: String, _ check: VolumePlan.HostPathCheck, what: String) throws(VolumeSetupError) {
        if check == .none { return }
        var info = stat()
        let exists = stat(path, &info) == 0
        if !exists && errno != ENOENT {
            throw Self.failure(what, HostFileError(operation: "stat", path: path, errno: errno))
        }
        let format = info.st_mode & S_IFMT
        func fail(_ text: String) -> VolumeSetupError {
            VolumeSetupError("\(what): hostPath type check failed: \(path) \(text)")
        }
        switch check {
        case .none:
            return
        case .directoryOrCreate:
            if !exists {
                try Self.makeDirectories(path, mode: 0o755, what: what)
            } else if format != S_IFDIR {
                throw fail("is not a directory")
            }
        case .fileOrCreate:
            if !exists {
                let fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, 0o644)
                guard fd >= 0 else {
                    let error = HostFileError(operation: "create (parent must exist)", path: path, errno: errno)
                    throw Self.failure(what, error)
                }
                close(fd)
            } else if format != S_IFREG {
                throw fail("is not a file")
            }
        case .directory, .file, .socket, .charDevice, .blockDevice:
            guard exists else { throw fail("does not exist (type \(check.rawValue))") }
            let expected: (mode_t, String) = switch check {
            case .directory: (S_IFDIR, "a directory")
            case .file: (S_IFREG, "a file")
            case .socket: (S_IFSOCK, "a socket file")
            case .charDevice: (S_IFCHR, "a character device")
            default: (S_IFBLK, "a block device")
            }
            if format != expected.0 { throw fail("is not \(expected.1)") }
        }
    }

    /// Removes a tree bottom-up; refuses to descend into a directory on another device (a mount).
    static func removeTree(_ path: String, device: dev_t) throws(VolumeSetupError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw Self.failure("pod directory", HostFileError(operation: "lstat", path: path, errno: errno))
        }
        if info.st_mode & S_IFMT != S_IFDIR {
            guard unlink(path) == 0 || errno == ENOENT else {
                throw Self.failure("pod directory", HostFileError(operation: "unlink", path: path, errno: errno))
            }
            return
        }
        guard info.st_dev == device else {
            throw VolumeSetupError("pod directory: \(path) is a mount point; not removing it")
        }
        for entry in try Self.entries(path) {
            try Self.removeTree(path + "/" + entry, device: device)
        }
        guard rmdir(path) == 0 || errno == ENOENT else {
            throw Self.failure("pod directory", HostFileError(operation: "rmdir", path: path, errno: errno))
        }
    }

    static func entries(_ path: String) throws(VolumeSetupError) -> [String] {
        guard let directory = opendir(path) else {
            throw Self.failure("pod directory", HostFileError(operation: "opendir", path: path, errno: errno))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
