/// The curve of an exponential back-off: the first delay, doubled on every further failure up to a cap.
///
/// Upstream keeps two: container restarts (`CrashLoopBackOff`, 10 s to 300 s, the cap configurable per node
/// through `crashLoopBackOff.maxContainerRestartPeriod`) and image pulls (`ImagePullBackOff`, 10 s to 300 s).
public struct BackOffPolicy: Hashable, Sendable {
    /// The delay after the first failure.
    public var initial: Duration
    /// The longest delay; an entry idle for twice this long starts over at ``initial``.
    public var max: Duration

    /// - Parameters:
    ///   - initial: the first delay.
    ///   - max: the cap; when it is below `initial`, `initial` becomes `max` (as upstream's `newCrashLoopBackOff`).
    public init(initial: Duration, max: Duration) {
        self.max = max
        self.initial = Swift.min(initial, max)
    }

    /// Upstream's `initialCrashLoopBackOff`.
    public static let defaultInitialRestartDelay: Duration = .seconds(10)
    /// Upstream's `MaxContainerBackOff`.
    public static let defaultMaxRestartDelay: Duration = .seconds(300)

    /// The container restart curve: 10 s doubling to 300 s, or to `maxContainerRestartPeriod` when set.
    ///
    /// - Parameter maxContainerRestartPeriod: `crashLoopBackOff.maxContainerRestartPeriod` from the
    ///   KubeletConfiguration, or `nil` for the default 300 s.
    /// - Returns: the policy.
    public static func crashLoop(maxContainerRestartPeriod: Duration? = nil) -> BackOffPolicy {
        BackOffPolicy(
            initial: Self.defaultInitialRestartDelay,
            max: maxContainerRestartPeriod ?? Self.defaultMaxRestartDelay
        )
    }

    /// The image pull curve (upstream's `imageBackOffPeriod` and `MaxImageBackOff`): 10 s doubling to 300 s.
    public static let imagePull = BackOffPolicy(initial: .seconds(10), max: .seconds(300))
}
