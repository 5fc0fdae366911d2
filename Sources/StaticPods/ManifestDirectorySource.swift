public import Foundation
import KubeAPI
public import Logging
import Synchronization

/// The static-pod manifest directory (`staticPodPath`, `--pod-manifest-path`): watches it with inotify for a prompt
/// reaction and re-lists it every `fileCheckFrequency`, publishing a full ``PodSourceSnapshot`` whenever the set
/// changed.
///
/// - `.yaml`, `.yml` and `.json` files, one pod each; dotfiles, `~` backups, `#autosave#` files, other extensions
///   and subdirectories are ignored. The path may also name a single manifest file.
/// - A missing directory is an empty set and is picked up once it exists.
/// - A file that fails to decode or validate is reported in ``PodSourceSnapshot/errors`` with its path, field and
///   line; the other pods are unaffected.
///
/// ```swift
/// let source = ManifestDirectorySource(directory: "/etc/kubernetes/manifests", nodeName: "node-1", logger: logger)
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await source.run() }
///     for await snapshot in source.snapshots { engine.update(source: "file", pods: snapshot.pods) }
/// }
/// ```
public final class ManifestDirectorySource: ManifestSource {
    /// The watched path.
    public let directory: String
    /// `file`.
    public var kind: PodSourceKind { .file }
    /// The snapshots (see ``ManifestSource/snapshots``).
    public let snapshots: AsyncStream<PodSourceSnapshot>

    private let fileCheckFrequency: Duration
    private let debounce: Duration
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let continuation: AsyncStream<PodSourceSnapshot>.Continuation
    private let state: Mutex<State>

    private struct State {
        var set: StaticPodSet
        var last: PodSourceSnapshot?
    }

    /// Creates the source; nothing happens until ``run()``.
    /// - Parameters:
    ///   - directory: the manifest directory (or a single manifest file).
    ///   - nodeName: this node's name (pod names get `-<node>` appended).
    ///   - fileCheckFrequency: the full re-list period (upstream default 20s).
    ///   - debounce: how long to let a burst of file events settle before reading (0 reads at once).
    ///   - clock: the clock the periods are measured on.
    ///   - now: wall-clock time for `kubernetes.io/config.seen`.
    ///   - logger: for watch problems and manifest errors.
    public init(
        directory: String,
        nodeName: String,
        fileCheckFrequency: Duration = .seconds(20),
        debounce: Duration = .milliseconds(5),
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.directory = directory
        self.fileCheckFrequency = fileCheckFrequency
        self.debounce = debounce
        self.clock = clock
        self.now = now
        self.logger = logger
        self.state = Mutex(State(set: StaticPodSet(nodeName: nodeName, source: .file)))
        (self.snapshots, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The last snapshot published, if any.
    public var current: PodSourceSnapshot? {
        self.state.withLock { $0.last }
    }

    /// Lists once, then watches and re-lists until the task is cancelled; finishes ``snapshots`` on return.
    public func run() async throws {
        defer { self.continuation.finish() }
        let watcher: InotifyWatcher?
        do {
            watcher = try InotifyWatcher()
        } catch {
            self.logger.info("inotify unavailable; relying on periodic re-list", metadata: ["error": "\(error)"])
            watcher = nil
        }
        let (triggers, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if let watcher {
                    watcher.start()
                    group.addTask {
                        for await _ in watcher.events { trigger.yield() }
                    }
                }
                group.addTask {
                    while (try? await sleep(on: self.clock, for: self.fileCheckFrequency)) != nil {
                        trigger.yield()
                    }
                }
                self.rescan(watcher: watcher)
                for await _ in triggers {
                    if self.debounce > .zero {
                        guard (try? await sleep(on: self.clock, for: self.debounce)) != nil else { break }
                    }
                    self.rescan(watcher: watcher)
                }
                group.cancelAll()
            }
        } onCancel: {
            watcher?.stop()
            trigger.finish()
        }
    }

    /// Reads the directory and publishes the snapshot when it changed.
    func rescan(watcher: InotifyWatcher?) {
        watcher?.watch(self.directory)
        let manifests = Self.readManifests(at: self.directory)
        let now = self.now()
        let changed: PodSourceSnapshot? = self.state.withLock { state in
            let snapshot = state.set.snapshot(of: manifests, now: now)
            guard snapshot != state.last else { return nil }
            state.last = snapshot
            return snapshot
        }
        guard let changed else { return }
        for error in changed.errors {
            self.logger.debug("static pod manifest skipped", metadata: ["manifest.error": "\(error)"])
        }
        self.continuation.yield(changed)
    }

    /// Reads every manifest at `path` (pure apart from reading the files).
    /// - Returns: one outcome per manifest file; empty when the path does not exist.
    static func readManifests(at path: String) -> [StaticPodSet.Manifest] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        if !isDirectory.boolValue {
            return [Self.readManifest(path)]
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            let error = ManifestError(path: path, message: "cannot list: \(error.localizedDescription)")
            return [.init(location: path, result: .failure(error))]
        }
        return names.filter(StaticPodSet.isManifestFileName).sorted().compactMap { name in
            let file = (path as NSString).appendingPathComponent(name)
            var isSubdirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isSubdirectory),
                !isSubdirectory.boolValue
            else { return nil }
            return Self.readManifest(file)
        }
    }

    static func readManifest(_ file: String) -> StaticPodSet.Manifest {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            return StaticPodSet.decodeFile(data, path: file)
        } catch {
            let message = "cannot read: \(error.localizedDescription)"
            return .init(location: file, result: .failure(ManifestError(path: file, message: message)))
        }
    }
}

/// Sleeps on an existential clock.
func sleep<C: Clock>(on clock: C, for duration: C.Duration) async throws {
    try await clock.sleep(for: duration)
}
