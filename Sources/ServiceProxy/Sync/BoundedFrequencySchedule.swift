/// When a bounded-frequency runner may run next: the pure state machine behind ``BoundedFrequencyRunner``
/// (upstream's `pkg/util/async/bounded_frequency_runner.go`).
///
/// - Runs are rate-limited by a token bucket holding `burst` tokens that refills one token per `minInterval`
///   (upstream's `burstSyncs = 2`): a request with a token left runs at once, otherwise it is deferred to the moment
///   the next token arrives. Requests in between fold into that one deferred run.
/// - A run is also due `maxInterval` after the previous one, even when nothing asked for it.
/// - ``retry(after:now:)`` brings the next run forward to `now + interval` (never pushes it back).
///
/// ```swift
/// var schedule = BoundedFrequencySchedule(minInterval: .seconds(1), maxInterval: .seconds(30), burst: 2, now: now)
/// if schedule.tryRun(now: now) { sync() }   // else wait until schedule.nextRun
/// ```
public struct BoundedFrequencySchedule<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The least time between runs once the burst is used up.
    public let minInterval: Duration
    /// The most time between runs.
    public let maxInterval: Duration
    /// How many runs may happen back to back before `minInterval` applies.
    public let burst: Int
    /// Tokens in the bucket (fractional while refilling).
    public private(set) var tokens: Double
    /// When the bucket was last refilled.
    private var refilledAt: Instant
    /// When the last run started.
    public private(set) var lastRun: Instant?
    /// When the next run is due: `maxInterval` after the last run, or earlier for a deferred request or a retry.
    public private(set) var nextRun: Instant

    /// - Parameters:
    ///   - minInterval: the least time between runs after a burst (0 disables rate limiting).
    ///   - maxInterval: the most time between runs; the first periodic run is due `maxInterval` after `now`.
    ///   - burst: runs allowed back to back (at least 1).
    ///   - now: the current time.
    public init(minInterval: Duration, maxInterval: Duration, burst: Int = 2, now: Instant) {
        precondition(minInterval >= .zero && maxInterval > .zero, "bounded-frequency intervals must be positive")
        self.minInterval = minInterval
        self.maxInterval = max(maxInterval, minInterval)
        self.burst = max(1, burst)
        self.tokens = Double(self.burst)
        self.refilledAt = now
        self.nextRun = now.advanced(by: self.maxInterval)
    }

    /// Asks for a run now.
    /// - Returns: `true` when the caller should run now (a token was taken and the periodic timer restarted);
    ///   `false` when the run is deferred to ``nextRun``.
    public mutating func tryRun(now: Instant) -> Bool {
        self.refill(now: now)
        if self.minInterval == .zero || self.tokens >= 1 - 1e-9 {
            if self.minInterval > .zero { self.tokens = max(0, self.tokens - 1) }
            self.lastRun = now
            self.nextRun = now.advanced(by: self.maxInterval)
            return true
        }
        let missing = 1 - self.tokens
        let wait = self.minInterval * missing
        let possible = now.advanced(by: wait)
        if possible < self.nextRun { self.nextRun = possible }
        return false
    }

    /// Brings the next run forward to `now + interval` when that is earlier than the one scheduled.
    public mutating func retry(after interval: Duration, now: Instant) {
        let at = now.advanced(by: max(interval, .zero))
        if at < self.nextRun { self.nextRun = at }
    }

    /// Whether a run is due at `now` (the timer expired).
    public func isDue(now: Instant) -> Bool {
        now >= self.nextRun
    }

    private mutating func refill(now: Instant) {
        guard self.minInterval > .zero else { return }
        let elapsed = self.refilledAt.duration(to: now)
        guard elapsed > .zero else { return }
        self.tokens = min(Double(self.burst), self.tokens + elapsed / self.minInterval)
        self.refilledAt = now
    }
}
