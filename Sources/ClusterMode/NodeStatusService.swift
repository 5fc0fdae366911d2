public import Foundation
public import KubeAPI
public import Logging
public import ServiceLifecycle
import Synchronization

/// Registers the node and keeps its status current, as upstream's `registerWithAPIServer` and
/// `syncNodeStatus`: create the Node (or reconcile the labels the agent owns when it exists), then every
/// `updateFrequency` compute the status and patch `nodes/<name>/status` at once when it changed, or every
/// `reportFrequency` when it did not.
public struct NodeStatusService: ServiceLifecycle.Service {
    public struct Configuration: Sendable {
        public var updateFrequency: Duration = .seconds(10)
        public var reportFrequency: Duration = .seconds(300)
        public var registrationBackOff = BackOff(initial: .milliseconds(100), cap: .seconds(7))
        public init() {}
    }

    let api: any ClusterAPI
    let facts: @Sendable () async -> NodeFacts
    let health: @Sendable () async -> NodeHealth
    let configuration: Configuration
    let registration: NodeRegistration
    let logger: Logger

    /// - Parameters:
    ///   - api: the API server.
    ///   - facts: the node's facts, read at registration and at every update.
    ///   - health: the node's health (runtime readiness, sync loop, pressure).
    ///   - registration: shared with the lease service and mirror pods, which wait for the node.
    public init(
        api: any ClusterAPI,
        facts: @escaping @Sendable () async -> NodeFacts,
        health: @escaping @Sendable () async -> NodeHealth,
        registration: NodeRegistration,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.api = api
        self.facts = facts
        self.health = health
        self.registration = registration
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        try await untilGracefulShutdown {
            var last = try await self.register()
            var lastReport = ContinuousClock.now
            while !Task.isCancelled {
                try await Task.sleep(for: self.configuration.updateFrequency)
                let now = Date()
                let status = NodeStatusBuilder.status(await self.facts(), health: await self.health(), previous: last, now: now)
                let due = lastReport.duration(to: .now) >= self.configuration.reportFrequency
                guard NodeStatusBuilder.changed(old: last, new: status) || due else { continue }
                do {
                    let node = try await self.patchStatus(status, name: self.registration.name)
                    last = node.status ?? status
                    lastReport = .now
                } catch {
                    self.logger.warning("node status update failed", metadata: ["node": "\(self.registration.name)", "error": "\(error)"])
                }
            }
        }
    }

    /// Creates or reconciles the node until it succeeds; returns the status the server holds.
    func register() async throws -> NodeStatus? {
        var backOff = self.configuration.registrationBackOff
        while true {
            try Task.checkCancellation()
            let facts = await self.facts()
            let health = await self.health()
            let node = NodeStatusBuilder.initialNode(facts, health: health, now: Date())
            do {
                let created = try await self.api.createNode(node)
                self.registration.registered(created)
                self.logger.info("node registered", metadata: ["node": "\(facts.name)"])
                return created.status ?? node.status
            } catch where error.isAlreadyExists {
                do {
                    let existing = try await self.api.getNode(facts.name)
                    let labels = NodeStatusBuilder.defaultLabels(facts).merging(facts.extraLabels) { own, _ in own }
                    var patched = existing
                    if labels.contains(where: { existing.metadata.labels[$0.key] != $0.value }) {
                        let patch: JSONValue = .object([
                            "metadata": .object(["labels": .object(labels.mapValues { .string($0) })])
                        ])
                        patched = try await self.api.patchNode(facts.name, patch: patch)
                    }
                    let status = NodeStatusBuilder.status(facts, health: health, previous: existing.status, now: Date())
                    let updated = try await self.patchStatus(status, name: facts.name, base: patched)
                    self.registration.registered(updated)
                    self.logger.info("node already registered; status reconciled", metadata: ["node": "\(facts.name)"])
                    return updated.status ?? status
                } catch {
                    self.logger.warning("node reconcile failed", metadata: ["node": "\(facts.name)", "error": "\(error)"])
                }
            } catch {
                self.logger.warning("node registration failed", metadata: ["node": "\(facts.name)", "error": "\(error)"])
            }
            try await Task.sleep(for: backOff.next())
        }
    }

    /// Patches the status with a strategic merge patch holding every field the agent owns (conditions and
    /// addresses are merged by type on the server).
    func patchStatus(_ status: NodeStatus, name: String, base: Node? = nil) async throws -> Node {
        let patch: JSONValue = .object(["status": try MergePatch.json(status)])
        let node = try await self.api.patchNodeStatus(name, patch: patch)
        self.registration.registered(node)
        return node
    }
}

/// The registered Node as the services share it: the lease needs its UID for the owner reference, the mirror
/// pods wait for it.
public final class NodeRegistration: Sendable {
    private struct State {
        var node: Node?
        var waiters: [UInt64: CheckedContinuation<Node, any Error>] = [:]
        var nextID: UInt64 = 0
    }

    public let name: String
    private let state = Mutex(State())

    public init(name: String) {
        self.name = name
    }

    /// The node as last written, if registered.
    public var current: Node? { self.state.withLock { $0.node } }

    func registered(_ node: Node) {
        let waiting = self.state.withLock { state in
            state.node = node
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for continuation in waiting { continuation.resume(returning: node) }
    }

    /// Waits until the node is registered (throws `CancellationError` when cancelled first).
    public func wait() async throws -> Node {
        let id = self.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Node, any Error>) in
                let ready: Result<Node, any Error>? = self.state.withLock { state in
                    if let node = state.node { return .success(node) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let continuation = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume(throwing: CancellationError())
        }
    }
}

/// Exponential back-off with a cap (upstream's `wait.Backoff` with factor 2 and no jitter).
public struct BackOff: Sendable, Hashable {
    public var initial: Duration
    public var cap: Duration
    private var current: Duration?

    public init(initial: Duration, cap: Duration) {
        self.initial = initial
        self.cap = cap
    }

    /// The next delay: `initial`, then doubling up to `cap`.
    public mutating func next() -> Duration {
        let delay = self.current.map { min($0 * 2, self.cap) } ?? self.initial
        self.current = delay
        return delay
    }

    public mutating func reset() { self.current = nil }
}
