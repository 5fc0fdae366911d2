public import Foundation
public import KubeAPI
public import Logging
public import PodSandbox
public import ServiceLifecycle
import Synchronization

/// Records pod events in the API as the kubelet's event recorder (client-go `tools/record`) does: source
/// component `kubelet` and host the node; the involved object the pod (with `spec.containers{name}` as field
/// path for a container's event); a repeat of the same event (same object, field path, type, reason and
/// message) increments `count` and moves `lastTimestamp` on the existing Event instead of creating a new one.
/// Sending is asynchronous and bounded: the engine never waits for the API server.
public final class EventRecorder: ServiceLifecycle.Service {
    struct Key: Hashable {
        var uid: String
        var fieldPath: String
        var type: String
        var reason: String
        var message: String
    }

    struct Seen {
        var name: String
        var namespace: String
        var count: Int32
        var first: Date
    }

    private let api: any ClusterAPI
    private let nodeName: String
    private let podLookup: @Sendable (String) -> Pod?
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let stream: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let seen = Mutex<[Key: Seen]>([:])
    private let maxRemembered = 4096

    /// - Parameters:
    ///   - podLookup: the pod of a UID (the engine's view), for the involved object.
    public init(
        api: any ClusterAPI,
        nodeName: String,
        podLookup: @escaping @Sendable (String) -> Pod?,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.api = api
        self.nodeName = nodeName
        self.podLookup = podLookup
        self.logger = logger
        self.now = now
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1000))
    }

    /// Queues a pod event (the `PodSyncer`'s and the probes' event sink).
    public func record(_ event: PodEvent) {
        guard let pod = self.podLookup(event.podUID) else { return }
        self.record(pod: pod, type: event.type.rawValue, reason: event.reason, message: event.message, containerName: event.containerName)
    }

    /// Queues an event about `pod` (or one of its containers).
    public func record(pod: Pod, type: String, reason: String, message: String, containerName: String? = nil) {
        self.continuation.yield(self.event(pod: pod, type: type, reason: reason, message: message, containerName: containerName))
    }

    /// The Event for a first occurrence (name and counts are settled when it is sent).
    func event(pod: Pod, type: String, reason: String, message: String, containerName: String?) -> Event {
        var fieldPath: String?
        if let containerName {
            let isInit = pod.spec.initContainers.contains { $0.name == containerName }
            fieldPath = isInit ? "spec.initContainers{\(containerName)}" : "spec.containers{\(containerName)}"
        }
        let reference = ObjectReference(
            kind: "Pod",
            namespace: pod.metadata.namespace,
            name: pod.metadata.name,
            uid: pod.metadata.uid,
            apiVersion: "v1",
            fieldPath: fieldPath
        )
        let now = self.now()
        return Event(
            apiVersion: "v1",
            kind: "Event",
            metadata: ObjectMeta(name: "", namespace: pod.metadata.namespace.isEmpty ? "default" : pod.metadata.namespace),
            involvedObject: reference,
            reason: reason,
            message: message,
            source: EventSource(component: "kubelet", host: self.nodeName),
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
            type: EventType(rawValue: type),
            reportingComponent: "kubelet",
            reportingInstance: self.nodeName
        )
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await event in self.stream {
                await self.send(event)
            }
        }
    }

    func send(_ event: Event) async {
        let key = Key(
            uid: event.involvedObject.uid ?? "",
            fieldPath: event.involvedObject.fieldPath ?? "",
            type: event.type?.rawValue ?? "",
            reason: event.reason ?? "",
            message: event.message ?? ""
        )
        let time = event.lastTimestamp ?? self.now()
        if let previous = self.seen.withLock({ $0[key] }) {
            let count = previous.count + 1
            let patch: JSONValue = .object([
                "count": .number(Double(count)),
                "lastTimestamp": .string(RFC3339.format(time)),
            ])
            do {
                _ = try await self.api.patchEvent(namespace: previous.namespace, name: previous.name, patch: patch)
                self.seen.withLock { $0[key]?.count = count }
                return
            } catch where error.isNotFound {
                // Expired on the server (events live an hour): start over with a new one.
                self.seen.withLock { $0[key] = nil }
            } catch {
                self.logger.debug("event update failed", metadata: ["reason": "\(key.reason)", "error": "\(error)"])
                return
            }
        }
        var event = event
        // Upstream's name: the object's name and the time in nanoseconds, in hex.
        let nanos = UInt64(max(0, time.timeIntervalSince1970) * 1_000_000_000)
        event.metadata.name = "\(event.involvedObject.name ?? "event").\(String(nanos, radix: 16))"
        do {
            let created = try await self.api.createEvent(event)
            self.seen.withLock { seen in
                if seen.count >= self.maxRemembered { seen.removeAll(keepingCapacity: true) }
                seen[key] = Seen(name: created.metadata.name, namespace: created.metadata.namespace, count: 1, first: time)
            }
        } catch {
            self.logger.debug("event create failed", metadata: ["reason": "\(key.reason)", "error": "\(error)"])
        }
    }
}
