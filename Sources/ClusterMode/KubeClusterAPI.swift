import Foundation
public import KubeAPI
public import KubeClient
public import Logging

/// ``ClusterAPI`` over the Kubernetes API client.
public struct KubeClusterAPI: ClusterAPI {
    let client: KubeAPIClient
    let logger: Logger

    public init(client: KubeAPIClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func getNode(_ name: String) async throws -> Node {
        try await self.mapped { try await self.client.get(Node.self, name: name) }
    }

    public func createNode(_ node: Node) async throws -> Node {
        try await self.mapped { try await self.client.create(node) }
    }

    public func patchNode(_ name: String, patch: JSONValue) async throws -> Node {
        try await self.mapped { try await self.client.patch(Node.self, name: name, patch: try .strategicMerge(patch)) }
    }

    public func patchNodeStatus(_ name: String, patch: JSONValue) async throws -> Node {
        try await self.mapped { try await self.client.patchStatus(Node.self, name: name, patch: try .strategicMerge(patch)) }
    }

    public func getLease(namespace: String, name: String) async throws -> Lease {
        try await self.mapped { try await self.client.get(Lease.self, namespace: namespace, name: name) }
    }

    public func createLease(_ lease: Lease) async throws -> Lease {
        try await self.mapped { try await self.client.create(lease, namespace: lease.metadata.namespace) }
    }

    public func updateLease(_ lease: Lease) async throws -> Lease {
        try await self.mapped { try await self.client.update(lease) }
    }

    public func createPod(_ pod: Pod) async throws -> Pod {
        try await self.mapped { try await self.client.create(pod, namespace: pod.metadata.namespace) }
    }

    public func patchPodStatus(namespace: String, name: String, patch: JSONValue) async throws -> Pod {
        try await self.mapped {
            try await self.client.patchStatus(Pod.self, namespace: namespace, name: name, patch: try .merge(patch))
        }
    }

    public func deletePod(namespace: String, name: String, uid: String?, gracePeriodSeconds: Int64?) async throws {
        let options = DeleteOptions(
            gracePeriodSeconds: gracePeriodSeconds,
            preconditions: uid.map { Preconditions(uid: $0) }
        )
        try await self.mapped { _ = try await self.client.delete(Pod.self, namespace: namespace, name: name, options: options) }
    }

    public func createEvent(_ event: Event) async throws -> Event {
        try await self.mapped { try await self.client.create(event, namespace: event.metadata.namespace) }
    }

    public func patchEvent(namespace: String, name: String, patch: JSONValue) async throws -> Event {
        try await self.mapped { try await self.client.patch(Event.self, namespace: namespace, name: name, patch: try .merge(patch)) }
    }

    public func watchPods(nodeName: String, _ body: @Sendable (PodUpdate) async -> Void) async throws {
        let watcher = ListWatcher(
            client: self.client,
            of: Pod.self,
            options: .init(fieldSelector: "spec.nodeName=\(nodeName)"),
            clock: ContinuousClock(),
            logger: self.logger
        )
        for try await update in watcher {
            switch update {
            case .snapshot(let pods, _): await body(.snapshot(pods))
            case .added(let pod), .modified(let pod): await body(.upsert(pod))
            case .deleted(let pod): await body(.delete(pod))
            }
        }
    }

    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as KubeAPIError {
            switch error.code {
            case .notFound: throw ClusterAPIError.notFound(error.description)
            case .alreadyExists: throw ClusterAPIError.alreadyExists(error.description)
            case .conflict: throw ClusterAPIError.conflict(error.description)
            default: throw error
            }
        }
    }
}
