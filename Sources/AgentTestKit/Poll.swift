/// Waits for a condition by polling it until a deadline: the way tests wait for real systems (containerd,
/// the kernel) without sleeping for a guessed time.
///
/// - Parameters:
///   - what: what is awaited, for the failure message.
///   - timeout: how long to keep trying.
///   - interval: the pause between attempts.
///   - probe: returns the awaited value, or `nil` (or throws) when it is not there yet.
/// - Returns: the first non-nil value.
/// - Throws: ``PollTimeout`` naming `what` and the last error seen.
public func poll<Value>(
    _ what: String,
    timeout: Duration = .seconds(30),
    interval: Duration = .milliseconds(50),
    _ probe: () async throws -> Value?
) async throws -> Value {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if let value = try await probe() { return value }
            lastError = nil
        } catch {
            lastError = error
        }
        if clock.now >= deadline {
            throw PollTimeout(what: what, timeout: timeout, lastError: lastError.map { "\($0)" })
        }
        try await Task.sleep(for: interval)
    }
}

/// A polled condition did not come true in time.
public struct PollTimeout: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration
    public var lastError: String?

    public var description: String {
        "timed out after \(self.timeout) waiting for \(self.what)" + (self.lastError.map { " (last error: \($0))" } ?? "")
    }
}
