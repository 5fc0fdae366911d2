public import Foundation
import Synchronization

/// A ``CrashLoopBackOff`` shared between pod workers: every method is one locked step on the value.
public final class BackOffStore: Sendable {
    private let state: Mutex<CrashLoopBackOff>

    /// - Parameter policy: the curve (``BackOffPolicy/crashLoop(maxContainerRestartPeriod:)`` or
    ///   ``BackOffPolicy/imagePull``).
    public init(policy: BackOffPolicy) {
        self.state = Mutex(CrashLoopBackOff(policy: policy))
    }

    /// A copy of the current state, for the planner.
    public var snapshot: CrashLoopBackOff { self.state.withLock { $0 } }

    /// See ``CrashLoopBackOff/next(key:eventTime:now:)``.
    ///
    /// - Parameters:
    ///   - key: the entry's key.
    ///   - eventTime: when the failure happened.
    ///   - now: the current time.
    public func next(key: String, eventTime: Date, now: Date) {
        self.state.withLock { $0.next(key: key, eventTime: eventTime, now: now) }
    }

    /// See ``CrashLoopBackOff/isInBackOffSinceUpdate(key:now:)``.
    ///
    /// - Parameters:
    ///   - key: the entry's key.
    ///   - now: the current time.
    /// - Returns: `true` while the action must wait.
    public func isInBackOffSinceUpdate(key: String, now: Date) -> Bool {
        self.state.withLock { $0.isInBackOffSinceUpdate(key: key, now: now) }
    }

    /// See ``CrashLoopBackOff/delay(forKey:)``.
    ///
    /// - Parameter key: the entry's key.
    /// - Returns: the current delay, if any.
    public func delay(forKey key: String) -> Duration? {
        self.state.withLock { $0.delay(forKey: key) }
    }

    /// Forgets `key`.
    ///
    /// - Parameter key: the entry's key.
    public func reset(key: String) {
        self.state.withLock { $0.reset(key: key) }
    }

    /// Forgets every key that starts with `prefix` (e.g. all of one pod's entries when it is removed).
    ///
    /// - Parameter prefix: the key prefix.
    public func reset(keysWithPrefix prefix: String) {
        self.state.withLock { state in
            for key in state.entries.keys where key.hasPrefix(prefix) { state.reset(key: key) }
        }
    }

    /// See ``CrashLoopBackOff/collectGarbage(now:)``.
    ///
    /// - Parameter now: the current time.
    public func collectGarbage(now: Date) {
        self.state.withLock { $0.collectGarbage(now: now) }
    }
}
