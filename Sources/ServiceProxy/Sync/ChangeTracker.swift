/// Pending changes per key: the value the proxy last applied (`previous`) and the newest one (`current`), as
/// upstream's service and endpoints change trackers keep them. An update that ends where it started (the same
/// value, or an add then delete) is dropped, so it causes no sync.
///
/// ```swift
/// var tracker = ChangeTracker<String, Int>()
/// tracker.update("a", previous: nil, current: 1)
/// tracker.update("a", previous: 1, current: 2)      // still one change: nil -> 2
/// let changes = tracker.drain()                      // ["a": Change(previous: nil, current: 2)]
/// ```
public struct ChangeTracker<Key: Hashable & Sendable, Value: Equatable & Sendable>: Sendable {
    /// One key's pending change. `nil` means absent (not yet added, or deleted).
    public struct Change: Sendable, Equatable {
        public var previous: Value?
        public var current: Value?

        public init(previous: Value?, current: Value?) {
            self.previous = previous
            self.current = current
        }
    }

    private var changes: [Key: Change] = [:]

    public init() {}

    /// How many keys have a pending change.
    public var count: Int { self.changes.count }

    /// Whether nothing is pending.
    public var isEmpty: Bool { self.changes.isEmpty }

    /// The keys with a pending change.
    public var keys: Set<Key> { Set(self.changes.keys) }

    /// Records that `key` went from `previous` to `current`.
    /// - Parameters:
    ///   - key: the object's key.
    ///   - previous: the value before this update (used only when nothing is pending for `key`, since a pending
    ///     change keeps its own, older `previous`).
    ///   - current: the value after this update; `nil` for a delete.
    /// - Returns: `true` when a change is pending for `key` afterwards.
    @discardableResult
    public mutating func update(_ key: Key, previous: Value?, current: Value?) -> Bool {
        var change = self.changes[key] ?? Change(previous: previous, current: nil)
        change.current = current
        if change.previous == change.current {
            self.changes[key] = nil
            return false
        }
        self.changes[key] = change
        return true
    }

    /// Takes every pending change, leaving the tracker empty.
    public mutating func drain() -> [Key: Change] {
        defer { self.changes = [:] }
        return self.changes
    }
}
