import Foundation
public import KubeAPI
public import Logging
public import PodSandbox
public import ServiceLifecycle
import Synchronization

/// The pods bound to this node as the API server last reported them, by UID: the API pod source's view, read by
/// the status manager (the server's status, the UID precondition) and the mirror pods (which mirrors exist).
public final class APIPodCache: Sendable {
    private let pods = Mutex<[String: Pod]>([:])

    public init() {}

    /// Applies a watch update.
    public func apply(_ update: PodUpdate) {
        self.pods.withLock { pods in
            switch update {
            case .snapshot(let list):
                pods = Dictionary(list.map { ($0.metadata.uid, $0) }, uniquingKeysWith: { _, last in last })
            case .upsert(let pod):
                pods[pod.metadata.uid] = pod
            case .delete(let pod):
                pods[pod.metadata.uid] = nil
            }
        }
    }

    public func pod(uid: String) -> Pod? {
        self.pods.withLock { $0[uid] }
    }

    public func all() -> [Pod] {
        self.pods.withLock { Array($0.values) }
    }

    /// The mirror pod of the static pod `namespace/name`, if the server has one.
    public func mirror(namespace: String, name: String) -> Pod? {
        self.pods.withLock { pods in
            pods.values.first { $0.isMirror && $0.metadata.namespace == namespace && $0.metadata.name == name }
        }
    }
}

extension Pod {
    /// The annotation marking a mirror pod; its value is the static pod's config hash.
    public static let mirrorAnnotation = "kubernetes.io/config.mirror"
    static let sourceAnnotation = "kubernetes.io/config.source"
    static let hashAnnotation = "kubernetes.io/config.hash"

    /// A mirror pod: the API's copy of a static pod, never run from the API.
    public var isMirror: Bool { self.metadata.annotations[Self.mirrorAnnotation] != nil }

    /// Where the pod comes from: `file`, `http` or `api`.
    public var configSource: String { self.metadata.annotations[Self.sourceAnnotation] ?? "api" }

    var isTerminalPhase: Bool {
        self.status?.phase == .succeeded || self.status?.phase == .failed
    }
}

/// Feeds the pods bound to the node from the API server to the engine (source `api`), as upstream's apiserver
/// pod source: mirror pods are not run (they are the API's view of static pods), pods the server already shows
/// as Succeeded or Failed are not started again, and pods being deleted are handed over with their
/// deletionTimestamp so the engine stops them within the deletion's grace.
public struct APIPodSourceService: ServiceLifecycle.Service {
    let api: any ClusterAPI
    let nodeName: String
    let engine: PodEngine
    let cache: APIPodCache
    let changed: @Sendable () -> Void
    let logger: Logger

    public init(
        api: any ClusterAPI,
        nodeName: String,
        engine: PodEngine,
        cache: APIPodCache,
        changed: @escaping @Sendable () -> Void = {},
        logger: Logger
    ) {
        self.api = api
        self.nodeName = nodeName
        self.engine = engine
        self.cache = cache
        self.changed = changed
        self.logger = logger
    }

    public func run() async throws {
        try await untilGracefulShutdown {
            try await self.api.watchPods(nodeName: self.nodeName) { update in
                self.cache.apply(update)
                self.engine.update(source: "api", pods: Self.runnable(self.cache.all()))
                self.changed()
            }
        }
    }

    /// The pods the engine should know about, as the engine wants them: without the server's bookkeeping
    /// (resourceVersion, status), so that the agent's own status writes do not count as spec changes.
    public static func runnable(_ pods: [Pod]) -> [Pod] {
        pods.compactMap { pod in
            guard !pod.isMirror else { return nil }
            guard pod.metadata.deletionTimestamp != nil || !pod.isTerminalPhase else { return nil }
            var pod = pod
            pod.metadata.resourceVersion = nil
            pod.metadata.annotations[Pod.sourceAnnotation] = "api"
            pod.status = nil
            return pod
        }
    }
}
