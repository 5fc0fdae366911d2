import Foundation
public import KubeAPI
public import KubeClient
public import Logging
public import ServiceProxy
import Synchronization

/// The service proxy's inputs from the API server (cluster mode): Services and EndpointSlices of every namespace,
/// each through its own list+watch (upstream's informers). After a relist (410 Gone) the objects that vanished
/// while the watch was down are delivered as deletes.
public final class APIServiceSource: ServiceSource {
    public let events: AsyncStream<ServiceSourceEvent>
    private let continuation: AsyncStream<ServiceSourceEvent>.Continuation
    private let client: KubeAPIClient
    private let logger: Logger

    public init(client: KubeAPIClient, logger: Logger) {
        self.client = client
        self.logger = logger
        (self.events, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    public func run() async throws {
        defer { self.continuation.finish() }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await self.follow(Service.self, synced: .servicesSynced) { .serviceUpdated($0) } deleted: {
                    .serviceDeleted(namespace: $0, name: $1)
                }
            }
            group.addTask {
                try await self.follow(EndpointSlice.self, synced: .endpointSlicesSynced) { .endpointSliceUpdated($0) } deleted: {
                    .endpointSliceDeleted(namespace: $0, name: $1)
                }
            }
        }
    }

    private func follow<Object: KubeResource>(
        _ type: Object.Type,
        synced: ServiceSourceEvent,
        updated: @escaping (Object) -> ServiceSourceEvent,
        deleted: @escaping (String, String) -> ServiceSourceEvent
    ) async throws {
        let watcher = ListWatcher(client: self.client, of: Object.self, clock: ContinuousClock(), logger: self.logger)
        var known: Set<String> = []
        var first = true
        for try await update in watcher {
            switch update {
            case .snapshot(let objects, _):
                var now: Set<String> = []
                for object in objects {
                    now.insert("\(object.metadata.namespace)/\(object.metadata.name)")
                    self.continuation.yield(updated(object))
                }
                for key in known.subtracting(now).sorted() {
                    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                    self.continuation.yield(deleted(parts[0], parts.count > 1 ? parts[1] : ""))
                }
                known = now
                if first {
                    self.continuation.yield(synced)
                    first = false
                }
            case .added(let object), .modified(let object):
                known.insert("\(object.metadata.namespace)/\(object.metadata.name)")
                self.continuation.yield(updated(object))
            case .deleted(let object):
                known.remove("\(object.metadata.namespace)/\(object.metadata.name)")
                self.continuation.yield(deleted(object.metadata.namespace, object.metadata.name))
            }
        }
    }
}
