public import Foundation
public import KubeAPI

/// Per-key exponential back-off state as a pure value, with upstream's semantics (client-go
/// `flowcontrol.Backoff`): ``next(key:eventTime:now:)`` starts an entry at the initial delay or doubles it up to
/// the cap; an entry whose last update is more than twice the cap before the event starts over.
///
/// Container restarts use it keyed by ``stableKey(pod:container:hash:)`` and measured from the exited container's
/// `finishedAt`; image pulls keyed by ``imagePullKey(podUID:image:)`` and measured from the last failed pull.
/// ``BackOffStore`` wraps it for concurrent use; the planner reads a snapshot.
public struct CrashLoopBackOff: Hashable, Sendable {
    /// The waiting reason of a container held back by the restart back-off.
    public static let reason = "CrashLoopBackOff"

    /// One key's state.
    public struct Entry: Hashable, Sendable {
        /// The current delay.
        public var delay: Duration
        /// When the delay last changed.
        public var lastUpdate: Date

        /// - Parameters:
        ///   - delay: the current delay.
        ///   - lastUpdate: when the delay last changed.
        public init(delay: Duration, lastUpdate: Date) {
            self.delay = delay
            self.lastUpdate = lastUpdate
        }
    }

    /// The curve.
    public var policy: BackOffPolicy
    /// The entries by key.
    public private(set) var entries: [String: Entry]

    /// - Parameters:
    ///   - policy: the curve; default the container restart curve (10 s to 300 s).
    ///   - entries: initial entries.
    public init(policy: BackOffPolicy = .crashLoop(), entries: [String: Entry] = [:]) {
        self.policy = policy
        self.entries = entries
    }

    /// The current delay of `key`, or `nil` without an entry (upstream's `Get`).
    ///
    /// - Parameter key: the entry's key.
    /// - Returns: the delay.
    public func delay(forKey key: String) -> Duration? {
        self.entries[key]?.delay
    }

    /// Whether `now` is still inside the back-off window that started at `eventTime` (upstream's
    /// `IsInBackOffSince`): the restart check, with `eventTime` the exited container's `finishedAt`.
    ///
    /// - Parameters:
    ///   - key: the entry's key.
    ///   - eventTime: when the failure happened.
    ///   - now: the current time.
    /// - Returns: `true` while the restart must wait.
    public func isInBackOff(key: String, since eventTime: Date, now: Date) -> Bool {
        self.backOffEnd(key: key, since: eventTime, now: now) != nil
    }

    /// When the back-off window that started at `eventTime` ends, or `nil` when `now` is not inside it.
    ///
    /// - Parameters:
    ///   - key: the entry's key.
    ///   - eventTime: when the failure happened.
    ///   - now: the current time.
    /// - Returns: the end of the window, if it is still ahead.
    public func backOffEnd(key: String, since eventTime: Date, now: Date) -> Date? {
        guard let entry = self.entries[key] else { return nil }
        if Self.hasExpired(eventTime: eventTime, lastUpdate: entry.lastUpdate, max: self.policy.max) { return nil }
        let end = eventTime.addingTimeInterval(entry.delay.timeInterval)
        return now < end ? end : nil
    }

    /// Whether less than the current delay passed since the entry's last update (upstream's
    /// `IsInBackOffSinceUpdate`): the image pull check.
    ///
    /// - Parameters:
    ///   - key: the entry's key.
    ///   - now: the current time.
    /// - Returns: `true` while the pull must wait.
    public func isInBackOffSinceUpdate(key: String, now: Date) -> Bool {
        guard let entry = self.entries[key] else { return false }
        if Self.hasExpired(eventTime: now, lastUpdate: entry.lastUpdate, max: self.policy.max) { return false }
        return now.timeIntervalSince(entry.lastUpdate) < entry.delay.timeInterval
    }

    /// Moves `key` to its next delay (upstream's `Next`): the initial delay for a new or expired entry, else
    /// twice the current one up to the cap. No jitter, as the kubelet's back-offs have none.
    ///
    /// - Parameters:
    ///   - key: the entry's key.
    ///   - eventTime: when the failure happened (decides whether the entry expired).
    ///   - now: the current time, recorded as the entry's last update.
    public mutating func next(key: String, eventTime: Date, now: Date) {
        if let entry = self.entries[key],
            !Self.hasExpired(eventTime: eventTime, lastUpdate: entry.lastUpdate, max: self.policy.max)
        {
            self.entries[key] = Entry(delay: Swift.min(entry.delay * 2, self.policy.max), lastUpdate: now)
        } else {
            self.entries[key] = Entry(delay: self.policy.initial, lastUpdate: now)
        }
    }

    /// Forgets `key`.
    ///
    /// - Parameter key: the entry's key.
    public mutating func reset(key: String) {
        self.entries[key] = nil
    }

    /// Drops entries not updated for more than twice the cap (upstream's `GC`).
    ///
    /// - Parameter now: the current time.
    public mutating func collectGarbage(now: Date) {
        let limit = (self.policy.max * 2).timeInterval
        self.entries = self.entries.filter { now.timeIntervalSince($0.value.lastUpdate) <= limit }
    }

    /// After twice the cap without failures the curve starts over (upstream's `hasExpired`).
    static func hasExpired(eventTime: Date, lastUpdate: Date, max: Duration) -> Bool {
        eventTime.timeIntervalSince(lastUpdate) > (max * 2).timeInterval
    }

    /// Upstream's `GetStableKey`: `<pod>_<namespace>_<uid>_<container>_<hash>`. The spec hash is part of it, so
    /// a changed container starts with a fresh back-off.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container.
    ///   - hash: the container's spec hash.
    /// - Returns: the key.
    public static func stableKey(pod: Pod, container: Container, hash: String) -> String {
        "\(pod.metadata.name)_\(pod.metadata.namespace)_\(pod.metadata.uid)_\(container.name)_\(hash)"
    }

    /// The image pull back-off key (upstream: `<pod uid>_<image>`).
    ///
    /// - Parameters:
    ///   - podUID: the pod's UID.
    ///   - image: the image as written in the spec.
    /// - Returns: the key.
    public static func imagePullKey(podUID: String, image: String) -> String {
        "\(podUID)_\(image)"
    }

    /// The waiting message of a container in back-off, as upstream:
    /// `back-off 20s restarting failed container=web pod=web-node1_default(uid)`.
    ///
    /// - Parameters:
    ///   - delay: the current delay.
    ///   - containerName: the container.
    ///   - pod: the pod.
    /// - Returns: the message.
    public static func restartMessage(delay: Duration, containerName: String, pod: Pod) -> String {
        "back-off \(formatGoDuration(delay)) restarting failed container=\(containerName) pod=\(formatPod(pod))"
    }
}

/// Upstream's `format.Pod`: `<name>_<namespace>(<uid>)`.
func formatPod(_ pod: Pod) -> String {
    "\(pod.metadata.name)_\(pod.metadata.namespace)(\(pod.metadata.uid))"
}

/// Go's `time.Duration.String()` for the whole and fractional seconds back-offs produce: `10s`, `5m0s`, `1h0m0s`,
/// `1.5s`, `500ms`.
func formatGoDuration(_ duration: Duration) -> String {
    let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    if millis <= 0 { return "0s" }
    if millis < 1000 { return "\(millis)ms" }
    let hours = millis / 3_600_000
    let minutes = (millis / 60_000) % 60
    let wholeSeconds = (millis / 1000) % 60
    let fraction = millis % 1000
    var seconds = "\(wholeSeconds)"
    if fraction != 0 {
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        seconds += "." + digits
    }
    if hours > 0 { return "\(hours)h\(minutes)m\(seconds)s" }
    if minutes > 0 { return "\(minutes)m\(seconds)s" }
    return "\(seconds)s"
}

extension Duration {
    /// The duration in seconds as Foundation's `TimeInterval`.
    var timeInterval: TimeInterval {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
