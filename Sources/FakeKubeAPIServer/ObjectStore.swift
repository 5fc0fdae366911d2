import Foundation
import Synchronization

/// The server's storage: every object as JSON keyed by resource, namespace and name, one global revision counter
/// (the `resourceVersion` of every write, as etcd's), and the recent history of changes for watches.
///
/// All operations are atomic under one lock; watchers are called under that lock, so every watcher sees changes in
/// revision order.
final class ObjectStore: Sendable {
    struct Key: Hashable, Comparable {
        var namespace: String
        var name: String
        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
        }
    }

    /// One recorded change.
    struct Change: Sendable {
        var revision: Int64
        var resource: APIResource
        var type: WatchEventType
        /// The object after the change (for DELETED: the last state, with the deletion's revision).
        var object: JSON
        /// The object before the change (MODIFIED and DELETED).
        var previous: JSON?
    }

    struct State {
        var revision: Int64 = 0
        var objects: [APIResource: [Key: JSON]] = [:]
        var history: [Change] = []
        /// Watches from a revision below this get 410 Expired.
        var compactedRevision: Int64 = 0
        var historyLimit: Int
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 0
        var changeListeners: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextListenerID = 0
        var issuedTokens: [IssuedToken] = []
    }

    let state: Mutex<State>
    let now: @Sendable () -> Date

    init(historyLimit: Int, now: @escaping @Sendable () -> Date) {
        self.state = Mutex(State(historyLimit: historyLimit))
        self.now = now
    }

    var revision: Int64 { self.state.withLock { $0.revision } }

    // MARK: - Reads

    func get(_ resource: APIResource, namespace: String?, name: String) throws -> JSON {
        try self.state.withLock { state in
            guard let object = state.objects[resource]?[Self.key(resource, namespace, name)] else {
                throw APIStatusError.notFound(resource, name: name)
            }
            return object
        }
    }

    struct ListResult {
        var items: [JSON]
        var revision: Int64
        var continueToken: String?
        var remainingItemCount: Int?
    }

    /// The matching objects sorted by namespace and name (etcd's key order), one page of them when `limit` > 0.
    func list(
        _ resource: APIResource, namespace: String?, labels: LabelSelector? = nil, fields: FieldSelector? = nil,
        limit: Int = 0, continueToken: String? = nil
    ) throws -> ListResult {
        try self.state.withLock { state in
            var revision = state.revision
            var start: Key?
            if let continueToken, !continueToken.isEmpty {
                let token = try ContinueToken(decoding: continueToken)
                guard token.revision >= state.compactedRevision else {
                    throw APIStatusError.expired(
                        "The provided continue parameter is too old to display a consistent list result. "
                            + "You can start a new list without the continue parameter."
                    )
                }
                revision = token.revision
                start = token.start
            }
            let matching = (state.objects[resource] ?? [:])
                .filter { key, object in
                    (namespace == nil || key.namespace == namespace) && (start == nil || key > start!)
                        && Self.matches(object, labels, fields)
                }
                .sorted { $0.key < $1.key }
            guard limit > 0, matching.count > limit else {
                return ListResult(items: matching.map(\.value), revision: revision)
            }
            let page = matching.prefix(limit)
            let token = ContinueToken(revision: revision, start: page.last!.key).encoded()
            let remaining = labels?.requirements.isEmpty == false || fields?.requirements.isEmpty == false
                ? nil : matching.count - limit
            return ListResult(items: page.map(\.value), revision: revision, continueToken: token, remainingItemCount: remaining)
        }
    }

    static func matches(_ object: JSON, _ labels: LabelSelector?, _ fields: FieldSelector?) -> Bool {
        (labels?.matches(object["metadata"]["labels"]) ?? true) && (fields?.matches(object) ?? true)
    }

    static func key(_ resource: APIResource, _ namespace: String?, _ name: String) -> Key {
        Key(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
    }

    // MARK: - Writes

    /// Stores `object` under a new revision and records the change; returns the stored object.
    @discardableResult
    static func write(
        _ state: inout State, _ resource: APIResource, _ object: JSON, type: WatchEventType, previous: JSON?
    ) -> JSON {
        state.revision += 1
        var object = object
        object["metadata"]["resourceVersion"] = .string(String(state.revision))
        let key = Key(namespace: object.namespace, name: object.name)
        if type == .deleted {
            state.objects[resource]?.removeValue(forKey: key)
        } else {
            state.objects[resource, default: [:]][key] = object
        }
        let change = Change(revision: state.revision, resource: resource, type: type, object: object, previous: previous)
        state.history.append(change)
        if state.history.count > state.historyLimit {
            let dropped = state.history.count - state.historyLimit
            state.compactedRevision = state.history[dropped - 1].revision
            state.history.removeFirst(dropped)
        }
        for watcher in state.watchers.values { watcher.deliver(change) }
        for listener in state.changeListeners.values { listener.yield() }
        return object
    }

    /// Forgets all history: watches from any revision before the current one get 410 Expired.
    func compact() {
        self.state.withLock { state in
            state.compactedRevision = state.revision
            state.history.removeAll()
        }
    }

    /// Sets how many changes are retained for watches (older ones are compacted at once).
    func setHistoryLimit(_ limit: Int) {
        self.state.withLock { state in
            state.historyLimit = max(0, limit)
            if state.history.count > state.historyLimit {
                let dropped = state.history.count - state.historyLimit
                state.compactedRevision = state.history[dropped - 1].revision
                state.history.removeFirst(dropped)
            }
        }
    }

    /// A stream that yields after every write (for `waitFor`); finish by calling the returned cancel.
    func changes() -> (stream: AsyncStream<Void>, cancel: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = self.state.withLock { state in
            let id = state.nextListenerID
            state.nextListenerID += 1
            state.changeListeners[id] = continuation
            return id
        }
        let cancel: @Sendable () -> Void = { [weak self] in
            let removed = self?.state.withLock { $0.changeListeners.removeValue(forKey: id) }
            removed?.finish()
        }
        return (stream, cancel)
    }

    func timestamp(_ date: Date? = nil) -> JSON {
        .string((date ?? self.now()).formatted(.iso8601))
    }
}

/// `metadata.continue`: base64 of `{"rv":N,"start":"ns/name\u0000"}` like upstream's token.
struct ContinueToken {
    var revision: Int64
    var start: ObjectStore.Key

    init(revision: Int64, start: ObjectStore.Key) {
        self.revision = revision
        self.start = start
    }

    init(decoding text: String) throws {
        let invalid = APIStatusError.badRequest("invalid continue token \"\(text)\"")
        guard let data = Data(base64Encoded: text), let json = try? JSON(parsing: Array(data)),
            let revision = json["rv"].int, let start = json["start"].string
        else { throw invalid }
        self.revision = revision
        let trimmed = start.hasSuffix("\u{0}") ? String(start.dropLast()) : start
        if let slash = trimmed.firstIndex(of: "/") {
            self.start = .init(namespace: String(trimmed[..<slash]), name: String(trimmed[trimmed.index(after: slash)...]))
        } else {
            self.start = .init(namespace: "", name: trimmed)
        }
    }

    func encoded() -> String {
        let start = self.start.namespace.isEmpty ? self.start.name : "\(self.start.namespace)/\(self.start.name)"
        let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(self.revision), "start": .string(start + "\u{0}")]
        return Data(json.serializedBytes()).base64EncodedString()
    }
}
