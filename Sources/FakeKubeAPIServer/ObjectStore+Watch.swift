import Synchronization
/// The `type` of a watch event.
public enum WatchEventType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One event of a watch stream, `{"type":...,"object":...}` on the wire.
public struct WatchEvent: Sendable, Equatable {
    public var type: WatchEventType
    public var object: JSON

    public init(type: WatchEventType, object: JSON) {
        self.type = type
        self.object = object
    }

    /// The wire form: `{"object":...,"type":...}`.
    public var json: JSON { ["type": .string(self.type.rawValue), "object": self.object] }
}

/// What one watch asked for.
struct WatchRequest: Sendable {
    var resource: APIResource
    var namespace: String?
    var labels: LabelSelector?
    var fields: FieldSelector?
    /// `nil` or `"0"` or `""`: start with synthetic ADDED events for the current objects.
    var resourceVersion: String?
    var allowBookmarks: Bool
    var sendInitialEvents: Bool?
    /// Send each object as a one-row Table (`Accept: ...;as=Table`), with `includeObject`.
    var asTable: Bool = false
    var includeObject: String? = nil
}

/// A registered watch: filters changes through its selection and hands events to its sink (which must not block).
struct Watcher: Sendable {
    var request: WatchRequest
    var sink: @Sendable (WatchEvent) -> Void
    /// Ends the stream from the server side (after the events already handed to `sink`).
    var end: @Sendable () -> Void

    /// Delivers a change as upstream's cache watcher does: an object entering the selection is ADDED, one leaving
    /// it is DELETED (with its previous state and the change's revision), one staying MODIFIED.
    func deliver(_ change: ObjectStore.Change) {
        guard change.resource == self.request.resource else { return }
        if let event = self.event(for: change) { self.sink(event) }
    }

    func selects(_ object: JSON) -> Bool {
        if let namespace = self.request.namespace, object.namespace != namespace { return false }
        return ObjectStore.matches(object, self.request.labels, self.request.fields)
    }

    func event(for change: ObjectStore.Change) -> WatchEvent? {
        switch change.type {
        case .added:
            return self.selects(change.object) ? WatchEvent(type: .added, object: change.object) : nil
        case .deleted:
            return self.selects(change.object) ? WatchEvent(type: .deleted, object: change.object) : nil
        case .modified:
            let now = self.selects(change.object)
            let before = change.previous.map(self.selects) ?? false
            switch (before, now) {
            case (true, true): return WatchEvent(type: .modified, object: change.object)
            case (false, true): return WatchEvent(type: .added, object: change.object)
            case (true, false):
                var previous = change.previous!
                previous["metadata"]["resourceVersion"] = .string(String(change.revision))
                return WatchEvent(type: .deleted, object: previous)
            case (false, false): return nil
            }
        case .bookmark, .error:
            return nil
        }
    }
}

extension ObjectStore {
    /// Registers a watch and, atomically with it, sends the initial events: synthetic ADDED events for the current
    /// objects (resourceVersion unset, "" or "0", or `sendInitialEvents`), or the retained changes after the given
    /// revision.
    /// - Returns: the watch's id for ``unwatch(_:)``, or an error Status when the revision is older than the retained
    ///   history (410 Expired, "too old resource version") or unparsable (400).
    func watch(
        _ request: WatchRequest, sink: @escaping @Sendable (WatchEvent) -> Void, end: @escaping @Sendable () -> Void
    ) -> Result<Int, APIStatusError> {
        self.state.withLock { state in
            let watcher = Watcher(request: request, sink: sink, end: end)
            let version = request.resourceVersion ?? ""
            let synthetic = request.sendInitialEvents ?? (version.isEmpty || version == "0")
            if synthetic {
                let objects = (state.objects[request.resource] ?? [:]).sorted { $0.key < $1.key }
                for (_, object) in objects where watcher.selects(object) {
                    sink(WatchEvent(type: .added, object: object))
                }
                if request.sendInitialEvents == true, request.allowBookmarks {
                    var object = Self.bookmarkObject(request.resource, revision: state.revision)
                    object["metadata"]["annotations"] = ["k8s.io/initial-events-end": "true"]
                    sink(WatchEvent(type: .bookmark, object: object))
                }
            } else {
                guard let revision = Int64(version), revision >= 0 else {
                    return .failure(.badRequest("invalid resource version: \(version)"))
                }
                guard revision >= state.compactedRevision else {
                    return .failure(.expired("too old resource version: \(revision) (\(state.compactedRevision))"))
                }
                for change in state.history where change.revision > revision {
                    watcher.deliver(change)
                }
            }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = watcher
            return .success(id)
        }
    }

    func unwatch(_ id: Int) {
        _ = self.state.withLock { $0.watchers.removeValue(forKey: id) }
    }

    /// The number of open watches (optionally of one resource).
    func watchCount(_ resource: APIResource? = nil) -> Int {
        self.state.withLock { state in
            state.watchers.values.filter { resource == nil || $0.request.resource == resource }.count
        }
    }

    /// Sends a BOOKMARK at the current revision to every watch that allowed bookmarks (or only to watch `id`).
    func bookmark(only id: Int? = nil) {
        self.state.withLock { state in
            for (watcherID, watcher) in state.watchers where watcher.request.allowBookmarks && (id == nil || id == watcherID) {
                watcher.sink(WatchEvent(type: .bookmark, object: Self.bookmarkObject(watcher.request.resource, revision: state.revision)))
            }
        }
    }

    /// Ends the open watches (of `resource`, or all) from the server side, first sending each an ERROR event with
    /// `status` when given; returns how many were ended.
    @discardableResult
    func endWatches(_ resource: APIResource?, sending status: APIStatusError?) -> Int {
        let ended = self.state.withLock { state -> [Watcher] in
            let matching = state.watchers.filter { resource == nil || $0.value.request.resource == resource }
            for id in matching.keys { state.watchers.removeValue(forKey: id) }
            for watcher in matching.values {
                if let status { watcher.sink(WatchEvent(type: .error, object: status.status)) }
                watcher.end()
            }
            return Array(matching.values)
        }
        return ended.count
    }

    /// A bookmark's object: the kind with nothing but `metadata.resourceVersion`, as upstream sends.
    static func bookmarkObject(_ resource: APIResource, revision: Int64) -> JSON {
        [
            "kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
            "metadata": ["resourceVersion": .string(String(revision)), "creationTimestamp": nil],
        ]
    }
}
