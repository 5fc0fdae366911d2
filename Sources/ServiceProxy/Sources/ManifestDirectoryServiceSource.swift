public import Foundation
public import KubeAPI
public import Logging
import Synchronization

/// The standalone proxy's input (`--service-manifest-path`): a directory of `v1 Service` and
/// `discovery.k8s.io/v1 EndpointSlice` manifests, re-read every `checkFrequency` (files whose size, modification
/// time and inode are unchanged are not parsed again).
///
/// - `.yaml`, `.yml` and `.json` files; a file may hold several objects separated by `---` lines. Dotfiles and
///   other extensions are ignored, as are subdirectories. The path may also name a single file.
/// - An object without `metadata.namespace` is in `default`. When two files define the same object, the first file
///   (by name) wins and the other is reported.
/// - A file that fails to parse is reported (path, field, line) and its objects are kept as last read, so a
///   half-written edit does not remove a Service; a file that is deleted removes its objects.
/// - The first scan delivers every object, then `servicesSynced` and `endpointSlicesSynced`.
///
/// ```swift
/// let source = ManifestDirectoryServiceSource(directory: "/etc/node-agent/services", logger: logger)
/// ```
public final class ManifestDirectoryServiceSource: ServiceSource {
    /// The watched path.
    public let directory: String
    public let events: AsyncStream<ServiceSourceEvent>

    private let checkFrequency: Duration
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let continuation: AsyncStream<ServiceSourceEvent>.Continuation
    private let state = Mutex(State())

    struct FileStamp: Equatable {
        var size: UInt64
        var modified: Date
        var inode: UInt64
    }

    struct FileObjects {
        var stamp: FileStamp
        var services: [Service]
        var slices: [EndpointSlice]
        var errors: [String]
    }

    struct State {
        var files: [String: FileObjects] = [:]
        var services: [ObjectKey: Service] = [:]
        var slices: [ObjectKey: EndpointSlice] = [:]
        var errors: [String] = []
        var synced = false
    }

    /// `namespace/name`.
    struct ObjectKey: Hashable, Comparable {
        var namespace: String
        var name: String
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
    }

    /// Creates the source; nothing is read until ``run()``.
    /// - Parameters:
    ///   - directory: the manifest directory (or one manifest file).
    ///   - checkFrequency: how often the directory is re-read (1 s, the proxy's `minSyncPeriod`).
    ///   - clock: the clock the period is measured on.
    ///   - logger: for rejected manifests.
    public init(
        directory: String,
        checkFrequency: Duration = .seconds(1),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) {
        self.directory = directory
        self.checkFrequency = checkFrequency
        self.clock = clock
        self.logger = logger
        (self.events, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Reads the directory now and every `checkFrequency` until cancelled; finishes ``events`` on return.
    public func run() async throws {
        defer { self.continuation.finish() }
        while !Task.isCancelled {
            self.rescan()
            do { try await self.clock.sleep(for: self.checkFrequency) } catch { return }
        }
    }

    /// Reads the directory once and delivers what changed since the last scan (``run()`` calls it periodically).
    public func rescan() {
        let paths = Self.manifestPaths(at: self.directory)
        var stamps: [String: FileStamp] = [:]
        for path in paths { stamps[path] = Self.stamp(path) }
        // Parse only new or changed files, outside the lock.
        let known = self.state.withLock { state in state.files.mapValues(\.stamp) }
        var parsed: [String: FileObjects] = [:]
        for path in paths {
            guard let stamp = stamps[path], known[path] != stamp else { continue }
            parsed[path] = Self.read(path, stamp: stamp)
        }
        let (events, newErrors) = self.state.withLock { state -> ([ServiceSourceEvent], [String]) in
            var files: [String: FileObjects] = [:]
            for path in paths {
                guard let fresh = parsed[path] ?? state.files[path] else { continue }
                // A file that now fails to parse keeps the objects it had, so a half-written edit removes nothing.
                if let old = state.files[path], fresh.services.isEmpty, fresh.slices.isEmpty, !fresh.errors.isEmpty {
                    files[path] = FileObjects(
                        stamp: fresh.stamp, services: old.services, slices: old.slices, errors: fresh.errors)
                } else {
                    files[path] = fresh
                }
            }
            state.files = files
            var services: [ObjectKey: Service] = [:]
            var slices: [ObjectKey: EndpointSlice] = [:]
            var errors: [String] = []
            for path in paths {
                guard let objects = files[path] else { continue }
                errors += objects.errors
                for service in objects.services {
                    let key = ObjectKey(namespace: service.metadata.namespace, name: service.metadata.name)
                    if services[key] != nil {
                        errors.append("\(path): Service \(key.namespace)/\(key.name) is already defined in an earlier file; ignored")
                    } else {
                        services[key] = service
                    }
                }
                for slice in objects.slices {
                    let key = ObjectKey(namespace: slice.metadata.namespace, name: slice.metadata.name)
                    if slices[key] != nil {
                        errors.append(
                            "\(path): EndpointSlice \(key.namespace)/\(key.name) is already defined in an earlier file; ignored")
                    } else {
                        slices[key] = slice
                    }
                }
            }
            var events: [ServiceSourceEvent] = []
            for key in services.keys.sorted() where state.services[key] != services[key] {
                events.append(.serviceUpdated(services[key]!))
            }
            for key in state.services.keys.sorted() where services[key] == nil {
                events.append(.serviceDeleted(namespace: key.namespace, name: key.name))
            }
            for key in slices.keys.sorted() where state.slices[key] != slices[key] {
                events.append(.endpointSliceUpdated(slices[key]!))
            }
            for key in state.slices.keys.sorted() where slices[key] == nil {
                events.append(.endpointSliceDeleted(namespace: key.namespace, name: key.name))
            }
            if !state.synced {
                state.synced = true
                events += [.servicesSynced, .endpointSlicesSynced]
            }
            state.services = services
            state.slices = slices
            let newErrors = errors.filter { !state.errors.contains($0) }
            state.errors = errors
            return (events, newErrors)
        }
        for error in newErrors {
            self.logger.error("service manifest rejected: \(error)")
        }
        for event in events { self.continuation.yield(event) }
    }

    /// The manifest files at `path`, sorted; the path itself when it names a file; none when it does not exist.
    static func manifestPaths(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter(Self.isManifestFileName).sorted().map { (path as NSString).appendingPathComponent($0) }
            .filter { file in
                var isSubdirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &isSubdirectory)
                    && !isSubdirectory.boolValue
            }
    }

    static func isManifestFileName(_ name: String) -> Bool {
        guard !name.hasPrefix(".") else { return false }
        return name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
    }

    static func stamp(_ path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return FileStamp(
            size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        )
    }

    static func read(_ path: String, stamp: FileStamp) -> FileObjects {
        guard let data = FileManager.default.contents(atPath: path) else {
            return FileObjects(stamp: stamp, services: [], slices: [], errors: ["\(path): cannot read"])
        }
        let decoded = ServiceManifestDecoding.decode(data, source: path)
        return FileObjects(stamp: stamp, services: decoded.services, slices: decoded.slices, errors: decoded.errors)
    }
}
