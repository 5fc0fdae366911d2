import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a set of files into a directory atomically, exactly as upstream's `pkg/volume/util/atomic_writer.go`:
///
/// ```
/// <target>/..2026_12_02_01_05_40.a1b2c3/   the real files (mode 0755 directory)
/// <target>/..data -> ..2026_12_02_01_05_40.a1b2c3
/// <target>/key    -> ..data/key            one symlink per top-level path
/// <target>/dir    -> ..data/dir
/// ```
///
/// A write puts the payload in a new timestamped directory, points a `..data_tmp` symlink at it and renames
/// that over `..data` (the atomic step), adds the missing user-visible symlinks, removes the ones of paths no
/// longer in the payload and deletes the previous directory. A payload whose files all exist with the same
/// bytes and that removes nothing writes nothing. Paths starting with `..` are reserved.
///
/// Not synchronized: one writer per directory at a time (the pod's worker).
public struct AtomicWriter: Sendable {
    /// The name of the symlink to the current data directory.
    public static let dataDirectoryName = "..data"
    /// The name of the symlink created before it is renamed over ``dataDirectoryName``.
    public static let newDataDirectoryName = "..data_tmp"
    static let maxFileNameLength = 255
    static let maxPathLength = 4096

    /// The directory the files appear in; it must exist.
    public var targetDirectory: String
    /// Names the volume in errors, e.g. `volume "config"`.
    public var context: String

    /// - Parameters:
    ///   - targetDirectory: the directory the files appear in; it must exist.
    ///   - context: names the volume in errors.
    public init(targetDirectory: String, context: String) {
        self.targetDirectory = targetDirectory
        self.context = context
    }

    /// Projects `payload` into the target directory.
    ///
    /// - Parameters:
    ///   - payload: the files by relative path (cleaned; no `..` element, not starting with `..`).
    ///   - setPermissions: called with the new timestamped directory after the files are written and before
    ///     the swap (upstream's `setPerms`, e.g. the fsGroup ownership).
    /// - Returns: whether anything was written (`false` when the payload was already there).
    /// - Throws: ``VolumeSetupError`` naming the volume, the path and the failed call.
    @discardableResult
    public func write(
        _ payload: [String: FileProjection],
        setPermissions: ((_ directory: String) throws(VolumeSetupError) -> Void)? = nil
    ) throws(VolumeSetupError) -> Bool {
        let clean = try self.validate(payload)
        let dataPath = self.path(Self.dataDirectoryName)
        let oldDirectory = Self.readLink(dataPath)
        var toRemove: Set<String> = []
        if let oldDirectory {
            let oldPath = self.path(oldDirectory)
            toRemove = try self.pathsToRemove(clean, oldDirectory: oldPath)
            if try !self.shouldWrite(clean, oldDirectory: oldPath) && toRemove.isEmpty { return false }
        }
        let newDirectory = try self.newTimestampDirectory()
        let newPath = self.path(newDirectory)
        do throws(VolumeSetupError) {
            try self.writePayload(clean, into: newPath)
            try setPermissions?(newPath)
        } catch {
            Self.removeAll(newPath)
            throw error
        }
        let temporaryLink = self.path(Self.newDataDirectoryName)
        _ = unlink(temporaryLink)
        guard symlink(newDirectory, temporaryLink) == 0 else {
            let failure = self.failure("symlink", temporaryLink)
            Self.removeAll(newPath)
            throw failure
        }
        guard rename(temporaryLink, dataPath) == 0 else {
            let failure = self.failure("rename", dataPath)
            _ = unlink(temporaryLink)
            Self.removeAll(newPath)
            throw failure
        }
        try self.createUserVisibleFiles(clean)
        try self.removeUserVisiblePaths(toRemove)
        if let oldDirectory, oldDirectory != newDirectory {
            Self.removeAll(self.path(oldDirectory))
        }
        return true
    }

    // MARK: - Steps

    func path(_ relative: String) -> String {
        self.targetDirectory.hasSuffix("/") ? self.targetDirectory + relative : self.targetDirectory + "/" + relative
    }

    func failure(_ operation: String, _ path: String, errno code: Int32 = errno) -> VolumeSetupError {
        VolumeSetupError("\(self.context): \(HostFileError(operation: operation, path: path, errno: code))")
    }

    /// Upstream's `validatePayload`/`validatePath`: returns the payload with cleaned paths.
    func validate(_ payload: [String: FileProjection]) throws(VolumeSetupError) -> [String: FileProjection] {
        var clean: [String: FileProjection] = [:]
        for (path, file) in payload {
            if let problem = Self.problem(path) {
                throw VolumeSetupError("\(self.context): invalid path \"\(path)\": \(problem)")
            }
            clean[HostPath.clean(path)] = file
        }
        return clean
    }

    static func problem(_ path: String) -> String? {
        if path.isEmpty { return "must not be empty" }
        if path.hasPrefix("/") { return "must be relative path" }
        if path.utf8.count > Self.maxPathLength { return "must be less than or equal to \(Self.maxPathLength) characters" }
        let items = path.split(separator: "/", omittingEmptySubsequences: false)
        for item in items {
            if item == ".." { return "must not contain '..'" }
            if item.utf8.count > Self.maxFileNameLength {
                return "filenames must be less than or equal to \(Self.maxFileNameLength) characters"
            }
        }
        if let first = items.first, first.hasPrefix(".."), first.count > 2 { return "must not start with '..'" }
        return nil
    }

    /// The paths of the current data directory (walked recursively) that are neither a payload file nor one of
    /// their parent directories.
    func pathsToRemove(_ payload: [String: FileProjection], oldDirectory: String) throws(VolumeSetupError)
        -> Set<String>
    {
        var existing: Set<String> = []
        try self.walk(oldDirectory, relative: "", into: &existing)
        var keep: Set<String> = []
        for path in payload.keys {
            var current = Substring(path)
            while !current.isEmpty {
                keep.insert(String(current))
                guard let slash = current.lastIndex(of: "/") else { break }
                current = current[..<slash]
            }
        }
        return existing.subtracting(keep)
    }

    private func walk(_ directory: String, relative: String, into paths: inout Set<String>) throws(VolumeSetupError) {
        guard let handle = opendir(directory) else {
            if errno == ENOENT { return }
            throw self.failure("opendir", directory)
        }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let child = relative.isEmpty ? name : relative + "/" + name
            paths.insert(child)
            var info = Glibc.stat()
            if lstat(directory + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                try self.walk(directory + "/" + name, relative: child, into: &paths)
            }
        }
    }

    /// Creates `..<UTC timestamp>.<random>` with mode 0755 (upstream's `newTimestampDir`).
    func newTimestampDirectory() throws(VolumeSetupError) -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "..%Y_%m_%d_%H_%M_%S.", &parts)
        let prefix = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var template = Array(self.path(prefix + "XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw self.failure("mkdtemp", self.path(prefix + "XXXXXX"))
        }
        let full = String(cString: created)
        guard chmod(full, 0o755) == 0 else { throw self.failure("chmod", full) }
        return String(full.split(separator: "/").last ?? "")
    }

    /// For each top-level path of the payload, `<target>/<top> -> ..data/<top>` when missing.
    func createUserVisibleFiles(_ payload: [String: FileProjection]) throws(VolumeSetupError) {
        let tops = Set(payload.keys.map { String($0.split(separator: "/", maxSplits: 1).first ?? "") })
        for top in tops.sorted() where !top.isEmpty {
            let visible = self.path(top)
            var info = Glibc.stat()
            if lstat(visible, &info) == 0 { continue }
            guard errno == ENOENT else { throw self.failure("lstat", visible) }
            guard symlink(Self.dataDirectoryName + "/" + top, visible) == 0 else {
                throw self.failure("symlink", visible)
            }
        }
    }

    /// Removes the user-visible symlinks of top-level paths no longer in the payload.
    func removeUserVisiblePaths(_ paths: Set<String>) throws(VolumeSetupError) {
        var last: VolumeSetupError?
        for path in paths.sorted() where !path.contains("/") {
            let visible = self.path(path)
            if unlink(visible) != 0 && errno != ENOENT {
                if errno == EISDIR || errno == EPERM, rmdir(visible) == 0 { continue }
                last = self.failure("remove", visible)
            }
        }
        if let last { throw last }
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `rm -rf` of a directory the writer created (never crosses symlinks).
    static func removeAll(_ path: String) {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR, let handle = opendir(path) {
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names { Self.removeAll(path + "/" + name) }
            _ = rmdir(path)
        } else {
            _ = unlink(path)
        }
    }
}
