import Synchronization

/// Client-side rate limiting of API requests, client-go's token bucket (`flowcontrol.NewTokenBucketRateLimiter`):
/// `qps` tokens a second refill a bucket of `burst`; each request takes one, waiting for it when the bucket is empty.
/// Waiters reserve their token at once, so they are served in order and the rate holds under contention.
///
/// The kubelet's defaults are `kubeAPIQPS` 50 and `kubeAPIBurst` 100.
///
/// ```swift
/// let limiter = TokenBucketRateLimiter(qps: 50, burst: 100)
/// try await limiter.acquire()   // returns at once while tokens are left
/// ```
public final class TokenBucketRateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    /// Tokens added per second.
    public let qps: Double
    /// Bucket size: how many requests may go at once after a quiet period.
    public let burst: Int
    private let clock: C
    private let state: Mutex<State>

    private struct State {
        var tokens: Double
        var last: C.Instant
    }

    /// Creates a full bucket.
    /// - Parameters:
    ///   - qps: refill rate; must be > 0.
    ///   - burst: bucket size; at least 1.
    ///   - clock: the clock to wait on (a manual clock in tests).
    public init(qps: Double, burst: Int, clock: C) {
        precondition(qps > 0, "qps must be positive")
        self.qps = qps
        self.burst = max(1, burst)
        self.clock = clock
        self.state = Mutex(State(tokens: Double(max(1, burst)), last: clock.now))
    }

    /// Takes one token, waiting until it is available.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (the token stays used).
    public func acquire() async throws {
        let deadline = self.reserve()
        if let deadline {
            try await self.clock.sleep(until: deadline, tolerance: nil)
        }
    }

    /// Takes one token if one is available now, without waiting.
    /// - Returns: whether a token was taken.
    public func tryAcquire() -> Bool {
        self.state.withLock { state in
            self.refill(&state)
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }

    /// Tokens currently in the bucket (negative while waiters hold reservations).
    public var availableTokens: Double {
        self.state.withLock { state in
            self.refill(&state)
            return state.tokens
        }
    }

    /// Reserves a token; returns when it will be there, or nil when it is there now.
    func reserve() -> C.Instant? {
        self.state.withLock { state -> C.Instant? in
            self.refill(&state)
            state.tokens -= 1
            guard state.tokens < 0 else { return nil }
            let wait = Duration.seconds(-state.tokens / self.qps)
            return state.last.advanced(by: wait)
        }
    }

    private func refill(_ state: inout State) {
        let now = self.clock.now
        let elapsed = state.last.duration(to: now)
        guard elapsed > .zero else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        state.tokens = min(Double(self.burst), state.tokens + seconds * self.qps)
        state.last = now
    }
}

extension TokenBucketRateLimiter where C == ContinuousClock {
    /// Creates a full bucket on the continuous clock.
    public convenience init(qps: Double, burst: Int) {
        self.init(qps: qps, burst: burst, clock: ContinuousClock())
    }
}
