import Synchronization

/// A timed wait that another task can cut short: ``wait(timeout:)`` returns after the timeout, at a ``signal()``
/// (also one sent while nobody waited: it is kept, coalesced, for the next wait), or when the task is cancelled.
///
/// Unlike waiting on an `AsyncStream` in a task that is cancelled when the time runs out (which terminates the
/// stream, so every later wait returns at once), a `Wakeup` survives any number of timed-out waits. One task
/// waits at a time.
package final class Wakeup: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var pending = false
        var waiter: Waiter?
        var lastID = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// Wakes the current wait, or else the next one.
    package func signal() {
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }

    /// Whether a task waits now (for tests).
    package var isWaiting: Bool { self.state.withLock { $0.waiter != nil } }

    /// Returns after `timeout`, at a signal, or when the calling task is cancelled.
    package func wait(timeout: Duration) async {
        let id = self.state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.release(id)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { state -> Bool in
                        if state.pending || Task.isCancelled {
                            state.pending = false
                            return true
                        }
                        state.waiter = Waiter(id: id, continuation: continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                self.release(id)
            }
            group.cancelAll()
        }
    }

    /// Ends the wait `id` if it is still the one waiting (its timeout, its cancellation).
    private func release(_ id: Int) {
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }
}
