import Foundation
public import KubeAPI
public import Logging
public import PodSandbox
public import ServiceLifecycle

/// Keeps a mirror pod in the API for every static pod (upstream's mirror client and `syncPod` mirror handling):
/// created when missing; deleted (grace 0, UID precondition) and created again when it is outdated (its
/// `kubernetes.io/config.mirror` differs from the static pod's hash) or someone deleted it through the API;
/// removed when its static pod is gone. The manifest stays the source of truth: edits through the API are
/// ignored, and the static pod keeps running whatever happens to its mirror.
public struct MirrorPodService: ServiceLifecycle.Service {
    let api: any ClusterAPI
    let cache: APIPodCache
    let registration: NodeRegistration
    let staticPods: @Sendable () -> [Pod]
    let wake: AsyncStream<Void>
    let period: Duration
    let logger: Logger

    /// - Parameters:
    ///   - staticPods: the static pods the engine runs (not terminating).
    ///   - wake: nudges (a source changed); the service also checks every `period`.
    public init(
        api: any ClusterAPI,
        cache: APIPodCache,
        registration: NodeRegistration,
        staticPods: @escaping @Sendable () -> [Pod],
        wake: AsyncStream<Void>,
        period: Duration = .seconds(10),
        logger: Logger
    ) {
        self.api = api
        self.cache = cache
        self.registration = registration
        self.staticPods = staticPods
        self.wake = wake
        self.period = period
        self.logger = logger
    }

    public func run() async throws {
        try await untilGracefulShutdown {
            let node = try await self.registration.wait()
            try await withThrowingDiscardingTaskGroup { group in
                let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                group.addTask {
                    for await _ in self.wake { tick.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        tick.yield()
                        try await Task.sleep(for: self.period)
                    }
                }
                for await _ in ticks {
                    await self.reconcile(node: node)
                }
            }
        }
    }

    /// What to do, apart from any I/O.
    public enum Action: Equatable, Sendable {
        case create(Pod)
        case delete(namespace: String, name: String, uid: String)
    }

    /// The actions that bring the API's mirror pods in line with the static pods.
    public static func plan(staticPods: [Pod], apiPods: [Pod], node: Node?) -> [Action] {
        var actions: [Action] = []
        let mirrors = apiPods.filter(\.isMirror)
        var wanted: Set<String> = []
        for pod in staticPods.sorted(by: { $0.metadata.name < $1.metadata.name }) {
            let key = "\(pod.metadata.namespace)/\(pod.metadata.name)"
            wanted.insert(key)
            let hash = pod.metadata.annotations[Pod.hashAnnotation] ?? pod.metadata.uid
            if let mirror = mirrors.first(where: { "\($0.metadata.namespace)/\($0.metadata.name)" == key }) {
                let outdated = mirror.metadata.annotations[Pod.mirrorAnnotation] != hash
                if outdated || mirror.metadata.deletionTimestamp != nil {
                    actions.append(.delete(namespace: mirror.metadata.namespace, name: mirror.metadata.name, uid: mirror.metadata.uid))
                }
                continue
            }
            // A regular API pod of the same name blocks the mirror (upstream logs and skips as well).
            if apiPods.contains(where: { "\($0.metadata.namespace)/\($0.metadata.name)" == key }) { continue }
            actions.append(.create(Self.mirror(of: pod, hash: hash, node: node)))
        }
        for mirror in mirrors where !wanted.contains("\(mirror.metadata.namespace)/\(mirror.metadata.name)") {
            actions.append(.delete(namespace: mirror.metadata.namespace, name: mirror.metadata.name, uid: mirror.metadata.uid))
        }
        return actions
    }

    /// The mirror pod of `pod`: its metadata and spec, the mirror annotation, owned by the Node.
    public static func mirror(of pod: Pod, hash: String, node: Node?) -> Pod {
        var mirror = Pod(metadata: ObjectMeta(name: pod.metadata.name, namespace: pod.metadata.namespace))
        mirror.apiVersion = "v1"
        mirror.kind = "Pod"
        mirror.metadata.labels = pod.metadata.labels
        mirror.metadata.annotations = pod.metadata.annotations
        mirror.metadata.annotations[Pod.mirrorAnnotation] = hash
        if let node, !node.metadata.uid.isEmpty {
            mirror.metadata.ownerReferences = [
                OwnerReference(apiVersion: "v1", kind: "Node", name: node.metadata.name, uid: node.metadata.uid, controller: true)
            ]
        }
        mirror.spec = pod.spec
        return mirror
    }

    func reconcile(node: Node) async {
        let staticPods = self.staticPods()
        for action in Self.plan(staticPods: staticPods, apiPods: self.cache.all(), node: node) {
            do {
                switch action {
                case .create(let pod):
                    let created = try await self.api.createPod(pod)
                    self.cache.apply(.upsert(created))
                    self.logger.info("mirror pod created", metadata: ["pod": "\(pod.metadata.namespace)/\(pod.metadata.name)"])
                case .delete(let namespace, let name, let uid):
                    try await self.api.deletePod(namespace: namespace, name: name, uid: uid, gracePeriodSeconds: 0)
                    if let pod = self.cache.pod(uid: uid) { self.cache.apply(.delete(pod)) }
                    self.logger.info("mirror pod deleted", metadata: ["pod": "\(namespace)/\(name)"])
                }
            } catch where error.isNotFound || error.isAlreadyExists || error.isConflict {
                continue
            } catch {
                self.logger.warning("mirror pod update failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
