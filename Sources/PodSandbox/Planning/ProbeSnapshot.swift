/// What the probes last said about a pod's containers. Each set holds container names or runtime container IDs:
/// a name stands for the container's current (newest) instance, an ID for exactly that instance (so a result
/// about an instance that was since replaced no longer applies).
public struct ProbeSnapshot: Hashable, Sendable {
    /// Containers whose liveness probe failed: they are killed and restarted.
    public var livenessFailed: Set<String>
    /// Containers whose startup probe succeeded. A container with a startup probe that is not in this set has
    /// not started: it is not ready, and a sidecar holds back the next init container.
    public var startupSucceeded: Set<String>
    /// Containers whose startup probe failed: they are killed and restarted.
    public var startupFailed: Set<String>
    /// Containers whose readiness probe succeeded. Containers without a readiness probe are ready while running.
    public var ready: Set<String>

    /// - Parameters:
    ///   - livenessFailed: containers whose liveness probe failed.
    ///   - startupSucceeded: containers whose startup probe succeeded.
    ///   - startupFailed: containers whose startup probe failed.
    ///   - ready: containers whose readiness probe succeeded.
    public init(
        livenessFailed: Set<String> = [],
        startupSucceeded: Set<String> = [],
        startupFailed: Set<String> = [],
        ready: Set<String> = []
    ) {
        self.livenessFailed = livenessFailed
        self.startupSucceeded = startupSucceeded
        self.startupFailed = startupFailed
        self.ready = ready
    }

    /// No probe results at all.
    public static let empty = ProbeSnapshot()
}

/// Why a container is waiting instead of running, as the last sync found (upstream's reason cache): shown as the
/// container's `state.waiting` until it starts.
public struct WaitingReason: Hashable, Sendable {
    /// `CrashLoopBackOff`, `ErrImagePull`, `ImagePullBackOff`, `ErrImageNeverPull`, `CreateContainerConfigError`,
    /// `CreateContainerError`, `RunContainerError`, `PostStartHookError`, ...
    public var reason: String
    /// Details.
    public var message: String

    /// - Parameters:
    ///   - reason: the CamelCase reason.
    ///   - message: details.
    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }
}

extension Set<String> {
    /// Whether the set names the container `name` or holds the ID of its instance.
    func matches(_ name: String, _ containerID: String) -> Bool {
        self.contains(name) || (!containerID.isEmpty && self.contains(containerID))
    }
}
