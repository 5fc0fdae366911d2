import Synchronization

/// Runs an action no more often than a ``BoundedFrequencySchedule`` allows and at least every `maxInterval`, on an
/// injected clock: the proxy's sync loop (upstream's `BoundedFrequencyRunner`).
///
/// ``run()`` and ``retryAfter(_:)`` may be called from anywhere; ``loop()`` does the waiting and running until its
/// task is cancelled. Runs never overlap.
///
/// ```swift
/// let runner = BoundedFrequencyRunner(minInterval: .seconds(1), maxInterval: .seconds(30), clock: ContinuousClock()) {
///     await proxier.sync()
/// }
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await runner.loop() }
///     runner.run()   // a change arrived
/// }
/// ```
public final class BoundedFrequencyRunner<C: Clock>: Sendable where C.Duration == Duration {
    private let clock: C
    private let action: @Sendable () async -> Void
    private let state: Mutex<BoundedFrequencySchedule<C.Instant>>
    private let wakeUp = WakeUp()

    /// - Parameters:
    ///   - minInterval: the least time between runs after a burst (upstream `minSyncPeriod`, 1 s).
    ///   - maxInterval: the most time between runs (the proxy passes `syncPeriod`, 30 s).
    ///   - burst: runs allowed back to back (upstream 2).
    ///   - clock: the clock every interval is measured on.
    ///   - action: the run; it may call ``retryAfter(_:)`` when it failed.
    public init(
        minInterval: Duration,
        maxInterval: Duration,
        burst: Int = 2,
        clock: C,
        action: @escaping @Sendable () async -> Void
    ) {
        self.clock = clock
        self.action = action
        self.state = Mutex(
            BoundedFrequencySchedule(minInterval: minInterval, maxInterval: maxInterval, burst: burst, now: clock.now)
        )
    }

    /// Asks for a run as soon as the rate limit allows. Never blocks; requests before that run fold into it.
    public func run() {
        self.wakeUp.signal()
    }

    /// Asks for a run no later than `interval` from now (after a failed run). An earlier scheduled run stays.
    public func retryAfter(_ interval: Duration) {
        let now = self.clock.now
        self.state.withLock { $0.retry(after: interval, now: now) }
        self.wakeUp.signal(requestRun: false)
    }

    /// When the next run is due if nothing asks for one earlier.
    public var nextRun: C.Instant {
        self.state.withLock { $0.nextRun }
    }

    /// Waits for requests and deadlines and runs the action, until the task is cancelled.
    public func loop() async {
        while !Task.isCancelled {
            let deadline = self.state.withLock { $0.nextRun }
            let requested = await self.waitForRequest(orUntil: deadline)
            if Task.isCancelled { return }
            let now = self.clock.now
            let runNow = self.state.withLock { schedule in
                if requested || schedule.isDue(now: now) { return schedule.tryRun(now: now) }
                return false
            }
            if runNow { await self.action() }
        }
    }

    /// Returns `true` when woken by ``run()``, `false` at the deadline or on a retry.
    private func waitForRequest(orUntil deadline: C.Instant) async -> Bool {
        if let pending = self.wakeUp.take() { return pending }
        let clock = self.clock
        let wakeUp = self.wakeUp
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                do { try await clock.sleep(until: deadline, tolerance: nil) } catch { return nil }
                return false
            }
            group.addTask { await wakeUp.wait() }
            var result = false
            if let first = await group.next() { result = first ?? false }
            group.cancelAll()
            // A wake-up that raced the timer is not lost: wait() consumed it only if it returned it.
            while let other = await group.next() {
                if other == true { result = true }
            }
            return result
        }
    }
}

/// A one-slot wake-up signal: a signal with nobody waiting stays pending until the next wait.
final class WakeUp: Sendable {
    private struct State {
        /// A pending signal; `true` when it asks for a run.
        var pending: Bool?
        var waiter: CheckedContinuation<Bool?, Never>?
    }

    private let state = Mutex(State())

    func signal(requestRun: Bool = true) {
        let waiter: CheckedContinuation<Bool?, Never>? = self.state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = (state.pending ?? false) || requestRun
            return nil
        }
        waiter?.resume(returning: requestRun)
    }

    /// Takes a pending signal without waiting.
    func take() -> Bool? {
        self.state.withLock { state in
            defer { state.pending = nil }
            return state.pending
        }
    }

    /// Waits for a signal; `nil` when cancelled first.
    func wait() async -> Bool? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool?, Never>) in
                let immediate: Bool?? = self.state.withLock { state in
                    if Task.isCancelled { return .some(nil) }
                    if let pending = state.pending {
                        state.pending = nil
                        return .some(pending)
                    }
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
