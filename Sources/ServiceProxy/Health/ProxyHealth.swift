public import Foundation
import Synchronization

/// kube-proxy's health state (upstream `ProxyHealthServer`): unhealthy when an update was queued and not applied
/// within `healthTimeout` (2 x syncPeriod, 60 s by default). `/healthz` also fails while the node is not eligible
/// (being deleted, or tainted `ToBeDeletedByClusterAutoscaler`); `/livez` ignores eligibility.
///
/// ```swift
/// let health = ProxyHealth(healthTimeout: .seconds(60))
/// health.queuedUpdate()    // a Service or EndpointSlice changed
/// health.updated()         // the rules were applied
/// let response = ProxyHTTPRoutes(health: health, metrics: metrics).healthz()
/// ```
public final class ProxyHealth: Sendable {
    /// How long a queued update may wait before the proxy counts as unhealthy.
    public let healthTimeout: Duration
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    private struct State {
        var lastUpdated: Date?
        var oldestPendingQueued: Date?
        var nodeEligible = true
    }

    /// - Parameters:
    ///   - healthTimeout: the most a queued update may wait (upstream `2 * syncPeriod`).
    ///   - now: wall-clock time (injected in tests).
    public init(healthTimeout: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.healthTimeout = healthTimeout
        self.now = now
    }

    /// An update needs applying (a Service or EndpointSlice change arrived). Keeps the oldest pending time.
    public func queuedUpdate() {
        let now = self.now()
        self.state.withLock { state in
            if state.oldestPendingQueued == nil { state.oldestPendingQueued = now }
        }
    }

    /// The rules now reflect every queued update.
    public func updated() {
        let now = self.now()
        self.state.withLock { state in
            state.oldestPendingQueued = nil
            state.lastUpdated = now
        }
    }

    /// Records whether the node may receive traffic (false while deleted or tainted for deletion).
    public func setNodeEligible(_ eligible: Bool) {
        self.state.withLock { $0.nodeEligible = eligible }
    }

    /// What `/healthz` and `/livez` report.
    public struct Status: Sendable, Equatable {
        /// The proxy's own health (no pending update older than the timeout).
        public var healthy: Bool
        /// Whether the node is eligible (see ``ProxyHealth/setNodeEligible(_:)``).
        public var nodeEligible: Bool
        /// The last successful update (the zero time before the first).
        public var lastUpdated: Date?
        /// The time of the check.
        public var currentTime: Date
    }

    /// The current health.
    public func status() -> Status {
        let now = self.now()
        return self.state.withLock { state in
            var healthy = true
            if let queued = state.oldestPendingQueued, now.timeIntervalSince(queued) >= self.healthTimeout.seconds {
                healthy = false
            }
            return Status(healthy: healthy, nodeEligible: state.nodeEligible, lastUpdated: state.lastUpdated, currentTime: now)
        }
    }
}

extension Duration {
    /// The duration in fractional seconds.
    var seconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
