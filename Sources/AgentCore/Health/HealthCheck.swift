import Synchronization

/// The outcome of one health check.
public enum HealthCheckResult: Sendable, Equatable {
    case healthy
    /// Unhealthy, with the reason (e.g. `PLEG is not healthy: pleg was last seen active 3m0s ago; ...`).
    case unhealthy(String)

    public var isHealthy: Bool { self == .healthy }
}

/// A named health check, e.g. `syncloop` or `pleg`.
public struct HealthCheck: Sendable {
    public var name: String
    public var check: @Sendable () -> HealthCheckResult

    public init(name: String, check: @escaping @Sendable () -> HealthCheckResult) {
        self.name = name
        self.check = check
    }
}

/// The health checks behind `/healthz`, in registration order. Thread-safe; checks may be added at any time.
///
/// `ping` (always healthy) is registered first, as the kubelet's healthz does.
public final class HealthChecks: Sendable {
    private let checks: Mutex<[HealthCheck]>

    public init() {
        self.checks = Mutex([HealthCheck(name: "ping") { .healthy }])
    }

    /// Adds a check, or replaces the check of the same name.
    public func register(_ name: String, check: @escaping @Sendable () -> HealthCheckResult) {
        self.checks.withLock { checks in
            let entry = HealthCheck(name: name, check: check)
            if let index = checks.firstIndex(where: { $0.name == name }) {
                checks[index] = entry
            } else {
                checks.append(entry)
            }
        }
    }

    /// The registered checks' names, in order.
    public var names: [String] {
        self.checks.withLock { $0.map(\.name) }
    }

    /// Runs every check (outside the lock) and returns the results in order.
    public func run() -> [(name: String, result: HealthCheckResult)] {
        let checks = self.checks.withLock { $0 }
        return checks.map { ($0.name, $0.check()) }
    }

    /// Runs the check called `name`, or returns `nil` when there is none.
    public func run(_ name: String) -> HealthCheckResult? {
        guard let check = self.checks.withLock({ $0.first { $0.name == name } }) else { return nil }
        return check.check()
    }
}

/// Health decisions of the agent's loops: pure functions of timestamps, table-tested.
public enum LoopHealth {
    /// The sync loop's health: unhealthy when it last completed more than `multiplier` × `period` ago. A loop that
    /// has not completed yet is measured from `started` (the agent's start).
    /// - Parameters:
    ///   - lastCompleted: when the sync loop last completed an iteration, or `nil`.
    ///   - started: when the loop started.
    ///   - now: the current instant.
    ///   - period: the sync loop's period.
    ///   - multiplier: how many periods may pass; 3 by default.
    public static func syncLoop<Instant: InstantProtocol>(
        lastCompleted: Instant?,
        started: Instant,
        now: Instant,
        period: Duration,
        multiplier: Int = 3
    ) -> HealthCheckResult where Instant.Duration == Duration {
        let reference = lastCompleted ?? started
        let elapsed = reference.duration(to: now)
        let threshold = period * multiplier
        guard elapsed > threshold else { return .healthy }
        return .unhealthy(
            "sync loop took longer than expected: last completed \(GoDuration.format(elapsed)) ago; "
                + "threshold is \(GoDuration.format(threshold))"
        )
    }

    /// The PLEG's health, as upstream's `GenericPLEG.Healthy` wrapped by the runtime state
    /// (`PLEG is not healthy: ...`).
    /// - Parameters:
    ///   - lastRelist: when the PLEG last completed a relist, or `nil` if it never has.
    ///   - now: the current instant.
    ///   - threshold: 3 minutes upstream (`relistThreshold`).
    public static func pleg<Instant: InstantProtocol>(
        lastRelist: Instant?,
        now: Instant,
        threshold: Duration = .seconds(180)
    ) -> HealthCheckResult where Instant.Duration == Duration {
        guard let lastRelist else {
            return .unhealthy("PLEG is not healthy: pleg has yet to be successful")
        }
        let elapsed = lastRelist.duration(to: now)
        guard elapsed > threshold else { return .healthy }
        return .unhealthy(
            "PLEG is not healthy: pleg was last seen active \(GoDuration.format(elapsed)) ago; "
                + "threshold is \(GoDuration.format(threshold))"
        )
    }
}
