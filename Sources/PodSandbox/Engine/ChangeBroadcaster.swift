import Synchronization

/// Wakes any number of watchers, each through its own stream that holds at most one pending wake-up: a
/// level-triggered signal with no payload (watchers re-read the state they care about).
final class ChangeBroadcaster: Sendable {
    private struct State {
        var next = 0
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())

    /// A new watcher's stream; it ends when the consumer stops iterating (or is cancelled).
    func watch() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = self.state.withLock { state in
            state.next += 1
            state.watchers[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Wakes every watcher (coalesced with a wake-up it has not consumed yet).
    func notify() {
        for continuation in self.state.withLock({ Array($0.watchers.values) }) { continuation.yield() }
    }
}
