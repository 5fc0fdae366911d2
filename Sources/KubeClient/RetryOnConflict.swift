/// Steps of a retry loop (client-go's `wait.Backoff`): at most `steps` attempts, sleeping `duration` (growing by
/// `factor`, plus up to `jitter` of it at random) between them.
public struct RetryBackoff: Sendable, Equatable {
    /// Attempts in total.
    public var steps: Int
    /// First pause.
    public var duration: Duration
    /// Growth of the pause per attempt.
    public var factor: Double
    /// Random extra, as a fraction of the pause.
    public var jitter: Double

    /// Creates a back-off.
    public init(steps: Int, duration: Duration, factor: Double, jitter: Double) {
        self.steps = steps
        self.duration = duration
        self.factor = factor
        self.jitter = jitter
    }

    /// client-go's `retry.DefaultRetry`: 5 attempts 10 ms apart (for conflicts, which clear quickly).
    public static let defaultRetry = RetryBackoff(steps: 5, duration: .milliseconds(10), factor: 1, jitter: 0.1)
    /// client-go's `retry.DefaultBackoff`: 4 attempts, 10 ms growing 5× (for other transient errors).
    public static let defaultBackoff = RetryBackoff(steps: 4, duration: .milliseconds(10), factor: 5, jitter: 0.1)
}

/// Runs `body` again while it fails with a 409 Conflict, as client-go's `retry.RetryOnConflict`: read the object
/// afresh inside `body`, change it, write it.
///
/// ```swift
/// try await retryOnConflict {
///     var node = try await client.get(Node.self, name: name)
///     node.metadata.labels["role"] = "edge"
///     _ = try await client.update(node)
/// }
/// ```
///
/// - Parameters:
///   - backoff: attempts and pauses (default ``RetryBackoff/defaultRetry``).
///   - clock: the clock pauses sleep on.
///   - body: the read-modify-write.
/// - Returns: `body`'s result.
/// - Throws: the last conflict when every attempt conflicted, or at once any other error.
public func retryOnConflict<Result, C: Clock>(
    backoff: RetryBackoff = .defaultRetry,
    clock: C,
    _ body: () async throws -> Result
) async throws -> Result where C.Duration == Duration {
    try await retry(backoff: backoff, clock: clock, while: { ($0 as? KubeAPIError)?.isConflict == true }, body)
}

/// ``retryOnConflict(backoff:clock:_:)`` on the continuous clock.
public func retryOnConflict<Result>(
    backoff: RetryBackoff = .defaultRetry,
    _ body: () async throws -> Result
) async throws -> Result {
    try await retryOnConflict(backoff: backoff, clock: ContinuousClock(), body)
}

/// Runs `body` again while it fails with an error `shouldRetry` accepts (client-go's `retry.OnError`).
public func retry<Result, C: Clock>(
    backoff: RetryBackoff,
    clock: C,
    while shouldRetry: (any Error) -> Bool,
    _ body: () async throws -> Result
) async throws -> Result where C.Duration == Duration {
    var pause = backoff.duration
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch {
            guard shouldRetry(error), attempt < max(1, backoff.steps) else { throw error }
        }
        attempt += 1
        var sleep = pause
        if backoff.jitter > 0 { sleep += pause * (backoff.jitter * Double.random(in: 0..<1)) }
        try await clock.sleep(for: sleep)
        pause = pause * backoff.factor
    }
}
