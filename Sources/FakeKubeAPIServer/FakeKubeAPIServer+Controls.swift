import Foundation
import Synchronization

/// Test controls: direct object access (no HTTP, no request log entry, but watches see the changes), the request
/// log, fault injection, waiting for objects, bookmarks and compaction.
extension FakeKubeAPIServer {
    // MARK: - Objects

    /// Creates an object as a POST would (uid, creationTimestamp, resourceVersion, defaults). The namespace comes
    /// from `namespace` or the object's `metadata.namespace`.
    /// - Throws: ``APIStatusError`` as the HTTP API would answer.
    @discardableResult
    public func create(_ resource: APIResource, _ object: JSON, namespace: String? = nil) throws -> JSON {
        try self.core.store.create(
            resource, namespace: namespace ?? (object.namespace.isEmpty ? nil : object.namespace), object,
            requireNamespace: self.configuration.requireNamespaces
        )
    }

    /// The stored object. - Throws: ``APIStatusError`` 404.
    public func get(_ resource: APIResource, namespace: String? = nil, name: String) throws -> JSON {
        try self.core.store.get(resource, namespace: namespace, name: name)
    }

    /// The stored object, or nil.
    public func object(_ resource: APIResource, namespace: String? = nil, name: String) -> JSON? {
        try? self.get(resource, namespace: namespace, name: name)
    }

    /// The matching objects, sorted by namespace and name.
    /// - Throws: ``APIStatusError`` 400 for a bad selector.
    public func list(
        _ resource: APIResource, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil
    ) throws -> [JSON] {
        try self.core.store.list(
            resource, namespace: namespace, labels: labelSelector.map { try LabelSelector(parsing: $0) },
            fields: fieldSelector.map { try FieldSelector(parsing: $0, for: resource) }
        ).items
    }

    /// Replaces an object as a PUT would (a set `metadata.resourceVersion` must be current); `status: true` as a
    /// PUT on `.../status`.
    @discardableResult
    public func update(_ resource: APIResource, _ object: JSON, status: Bool = false) throws -> JSON {
        try self.core.store.update(
            resource, namespace: object.namespace.isEmpty ? nil : object.namespace, name: object.name, object,
            statusOnly: status, requireNamespace: self.configuration.requireNamespaces
        )
    }

    /// Reads, changes and writes an object, retrying on conflicts; `status: true` writes only `.status` (as the
    /// status subresource), otherwise `.status` changes of pods and nodes are ignored as upstream's.
    @discardableResult
    public func modify(
        _ resource: APIResource, namespace: String? = nil, name: String, status: Bool = false,
        _ change: (inout JSON) throws -> Void
    ) throws -> JSON {
        while true {
            var object = try self.get(resource, namespace: namespace, name: name)
            try change(&object)
            do {
                return try self.core.store.update(
                    resource, namespace: namespace, name: name, object, statusOnly: status,
                    requireNamespace: self.configuration.requireNamespaces
                )
            } catch let error as APIStatusError where error.reason == "Conflict" && error.message.contains("modified") {
                continue
            }
        }
    }

    /// Patches an object as a PATCH would.
    @discardableResult
    public func patch(
        _ resource: APIResource, namespace: String? = nil, name: String, type: PatchType, _ patch: JSON,
        status: Bool = false
    ) throws -> JSON {
        try self.core.store.patch(resource, namespace: namespace, name: name, type: type, patch: patch, statusOnly: status)
    }

    /// Deletes an object as a DELETE would (graceful for scheduled pods unless `gracePeriodSeconds` is 0).
    /// - Returns: the object's last state and whether it is gone (false: graceful deletion pending).
    @discardableResult
    public func delete(
        _ resource: APIResource, namespace: String? = nil, name: String, gracePeriodSeconds: Int64? = nil
    ) throws -> (object: JSON, deleted: Bool) {
        switch try self.core.store.delete(
            resource, namespace: namespace, name: name, options: DeleteOptions(gracePeriodSeconds: gracePeriodSeconds))
        {
        case .deleted(let object): return (object, true)
        case .pending(let object): return (object, false)
        }
    }

    /// The current (latest) resourceVersion.
    public var resourceVersion: String { String(self.core.store.revision) }

    // MARK: - Waiting

    /// Waits until `condition` returns a value, re-evaluating it after every write to the store (no polling).
    /// - Throws: ``FakeKubeAPIServerTimeout`` naming `what` when `timeout` passes first.
    public func waitUntil<T: Sendable>(
        _ what: String, timeout: Duration = .seconds(30), _ condition: @escaping @Sendable () -> T?
    ) async throws -> T {
        let (stream, cancel) = self.core.store.changes()
        defer { cancel() }
        if let value = condition() { return value }
        let result: T? = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                for await _ in stream {
                    if let value = condition() { return value }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if let result { return result }
        if let value = condition() { return value }
        throw FakeKubeAPIServerTimeout(what: what, timeout: timeout)
    }

    /// Waits until the object exists and satisfies `predicate`; returns it.
    /// - Throws: ``FakeKubeAPIServerTimeout`` with the object's last state.
    @discardableResult
    public func waitFor(
        _ resource: APIResource, namespace: String? = nil, name: String, timeout: Duration = .seconds(30),
        _ predicate: @escaping @Sendable (JSON) -> Bool = { _ in true }
    ) async throws -> JSON {
        do {
            return try await self.waitUntil("\(resource.qualifiedName) \(namespace.map { "\($0)/" } ?? "")\(name)", timeout: timeout) {
                self.object(resource, namespace: namespace, name: name).flatMap { predicate($0) ? Optional.some($0) : Optional<JSON>.none }
            }
        } catch var timeout as FakeKubeAPIServerTimeout {
            timeout.lastState = self.object(resource, namespace: namespace, name: name)?.serialized() ?? "absent"
            throw timeout
        }
    }

    /// Waits until the object no longer exists.
    public func waitForDeletion(
        _ resource: APIResource, namespace: String? = nil, name: String, timeout: Duration = .seconds(30)
    ) async throws {
        _ = try await self.waitUntil("deletion of \(resource.qualifiedName) \(name)", timeout: timeout) {
            self.object(resource, namespace: namespace, name: name) == nil ? true : nil
        }
    }

    // MARK: - Requests and faults

    /// Every request received since the start (or the last ``clearRequests()``), in order.
    public var requests: [RecordedRequest] { self.core.recordedRequests }

    /// The requests with `method` (if given) whose path starts with `pathPrefix`.
    public func requests(method: String? = nil, pathPrefix: String) -> [RecordedRequest] {
        self.requests.filter { (method == nil || $0.method == method) && $0.path.hasPrefix(pathPrefix) }
    }

    public func clearRequests() { self.core.clearRequests() }

    /// Answers the next `count` requests matching `method` (nil: any) and `pathPrefix` with `status` and a Status
    /// body (reason from the code: 500 InternalError, 503 ServiceUnavailable, 429 TooManyRequests with
    /// `Retry-After: 1`, ...), without serving them.
    public func failNext(
        _ count: Int = 1, method: String? = nil, pathPrefix: String, status: Int = 500, message: String? = nil
    ) {
        self.core.addFault(Fault(method: method, pathPrefix: pathPrefix, remaining: count, status: status, message: message))
    }

    /// Delays the matching requests by `delay` before serving them (the next `count`, or all when nil).
    public func delay(_ delay: Duration, method: String? = nil, pathPrefix: String, count: Int? = nil) {
        self.core.addFault(Fault(method: method, pathPrefix: pathPrefix, remaining: count, delay: delay))
    }

    /// Drops every pending fault and delay.
    public func clearFaults() { self.core.clearFaults() }

    // MARK: - Watches

    /// Sends a BOOKMARK at the current resourceVersion to every open watch that allowed bookmarks.
    public func sendBookmarks() { self.core.store.bookmark() }

    /// Forgets the change history: a watch from any resourceVersion before the current one gets 410 Expired (an
    /// ERROR event), as after an etcd compaction.
    public func compact() { self.core.store.compact() }

    /// Sets how many changes are retained for watches (older ones are dropped at once).
    public func setWatchHistoryLimit(_ limit: Int) { self.core.store.setHistoryLimit(limit) }

    /// Ends the open watches (of `resource`, or all) cleanly from the server side, as kube-apiserver does at a
    /// watch's timeout or when it sheds watches; the connections stay open. Returns how many were ended.
    @discardableResult
    public func endWatches(_ resource: APIResource? = nil) -> Int {
        self.core.store.endWatches(resource, sending: nil)
    }

    /// Sends each open watch (of `resource`, or all) an ERROR event with a 410 Expired Status, then ends it, as
    /// when the storage compacts past a running watch; a client must relist. Returns how many were ended.
    @discardableResult
    public func expireWatches(_ resource: APIResource? = nil) -> Int {
        self.core.store.endWatches(
            resource, sending: .expired("The resourceVersion for the provided watch is too old.")
        )
    }

    /// The number of open watches, of `resource` or of all.
    public func watchCount(_ resource: APIResource? = nil) -> Int { self.core.store.watchCount(resource) }

    /// Waits until at least `count` watches of `resource` are open (e.g. the agent's informers are established).
    public func waitForWatches(_ resource: APIResource, count: Int = 1, timeout: Duration = .seconds(30)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while self.watchCount(resource) < count {
            guard clock.now < deadline else {
                throw FakeKubeAPIServerTimeout(what: "\(count) watch(es) of \(resource.qualifiedName)", timeout: timeout)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The service account tokens issued through TokenRequest.
    public var issuedTokens: [IssuedToken] { self.core.store.state.withLock { $0.issuedTokens } }
}

/// A wait on the fake server timed out.
public struct FakeKubeAPIServerTimeout: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration
    /// The object's last state (JSON) or `absent`, for object waits.
    public var lastState: String?

    public init(what: String, timeout: Duration, lastState: String? = nil) {
        self.what = what
        self.timeout = timeout
        self.lastState = lastState
    }

    public var description: String {
        "timed out after \(self.timeout) waiting for \(self.what)" + (self.lastState.map { "; last state: \($0)" } ?? "")
    }
}
