public import KubeAPI

/// Where static pods come from; the value of the `kubernetes.io/config.source` annotation.
public enum PodSourceKind: String, Hashable, Sendable {
    /// A manifest directory (`staticPodPath`, `--pod-manifest-path`).
    case file
    /// A manifest URL (`staticPodURL`, `--manifest-url`).
    case http
}

/// A manifest that could not be turned into a pod.
public struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file path (or URL) at fault.
    public var path: String
    /// What is wrong, naming the field and line where known: `line 9, column 20: spec.containers[0].ports[0]...`.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(self.path): \(self.message)" }
}

/// Everything a source wants right now: a full set, not a delta.
public struct PodSourceSnapshot: Hashable, Sendable {
    /// The pods, with static-pod identity applied, sorted by namespace and name.
    public var pods: [Pod]
    /// The manifests that were skipped, sorted by path.
    public var errors: [ManifestError]

    /// Creates a snapshot.
    public init(pods: [Pod] = [], errors: [ManifestError] = []) {
        self.pods = pods
        self.errors = errors
    }
}

/// A source of static pods: runs until cancelled and publishes a full snapshot whenever the set changed.
///
/// ```swift
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await source.run() }
///     for await snapshot in source.snapshots { engine.update(source: source.kind.rawValue, pods: snapshot.pods) }
/// }
/// ```
public protocol ManifestSource: Sendable {
    /// The source's kind (`file` or `http`).
    var kind: PodSourceKind { get }
    /// The snapshots: the first as soon as `run()` has looked once, then one per change. Finishes when `run()`
    /// returns. Meant for one consumer.
    var snapshots: AsyncStream<PodSourceSnapshot> { get }
    /// Watches (or polls) until the task is cancelled.
    func run() async throws
}
