public import Foundation

/// What one sync must do to bring the runtime in line with a pod (upstream's `podActions`), as
/// ``PodPlanner/computeActions(pod:runtimePod:backOff:probes:now:)`` decides it.
///
/// The syncer carries it out in this order: kill the pod (every container, then the sandboxes) when
/// ``killPod``; else kill ``containersToKill``; create the sandbox when ``createSandbox``; start
/// ``initContainersToStart`` in order (stopping at the first regular init container that fails to start); start
/// ``containersToStart``.
public struct PodActions: Hashable, Sendable {
    /// Stop all of the pod's containers and sandboxes (the sandbox changed or died, or nothing is left to run).
    public var killPod: Bool
    /// Create a new sandbox with ``attempt``.
    public var createSandbox: Bool
    /// The sandbox the containers run in (the current one), or the one being replaced; `nil` if there is none.
    public var sandboxID: String?
    /// The sandbox attempt: 0 for the first sandbox, one more than the highest for a replacement.
    public var attempt: UInt32
    /// Running containers to stop, with why.
    public var containersToKill: [ContainerKill]
    /// Init containers (regular and sidecars) to start, in spec order.
    public var initContainersToStart: [ContainerStart]
    /// App containers to start, in spec order.
    public var containersToStart: [ContainerStart]
    /// The pod can never run again: a regular init container failed under restartPolicy Never.
    public var podFailed: Bool

    /// - Parameters: see the properties.
    public init(
        killPod: Bool = false,
        createSandbox: Bool = false,
        sandboxID: String? = nil,
        attempt: UInt32 = 0,
        containersToKill: [ContainerKill] = [],
        initContainersToStart: [ContainerStart] = [],
        containersToStart: [ContainerStart] = [],
        podFailed: Bool = false
    ) {
        self.killPod = killPod
        self.createSandbox = createSandbox
        self.sandboxID = sandboxID
        self.attempt = attempt
        self.containersToKill = containersToKill
        self.initContainersToStart = initContainersToStart
        self.containersToStart = containersToStart
        self.podFailed = podFailed
    }

    /// Whether the runtime already matches the pod: nothing to kill, create or start (starts held back by a
    /// back-off still count as work: they are reported as waiting).
    public var isNothingToDo: Bool {
        !self.killPod && !self.createSandbox && self.containersToKill.isEmpty && self.initContainersToStart.isEmpty
            && self.containersToStart.isEmpty
    }

    /// The earliest end of a back-off among the starts held back, if any: when the pod wants its next sync.
    public var nextBackOffEnd: Date? {
        (self.initContainersToStart + self.containersToStart).compactMap(\.backOff?.until).min()
    }
}

/// Why a container is stopped (upstream's `containerKillReason` plus its message).
public struct ContainerKill: Hashable, Sendable {
    /// The reason class.
    public enum Reason: String, Hashable, Sendable {
        /// The container's spec hash changed: replaced regardless of the restart policy.
        case specChanged
        /// The liveness probe failed.
        case livenessProbe
        /// The startup probe failed.
        case startupProbe
        /// The runtime reports an unknown state: stopped before a new instance starts.
        case unknownState
    }

    /// The runtime's container ID.
    public var containerID: String
    /// The container's name.
    public var name: String
    /// Why.
    public var reason: Reason
    /// The `Killing` event message, e.g. `Container web definition changed, will be restarted`.
    public var message: String

    /// - Parameters: see the properties.
    public init(containerID: String, name: String, reason: Reason, message: String) {
        self.containerID = containerID
        self.name = name
        self.reason = reason
        self.message = message
    }
}

/// One container the plan wants started.
public struct ContainerStart: Hashable, Sendable {
    /// Which list of the spec the container is in.
    public enum Kind: String, Hashable, Sendable {
        /// A regular init container: runs to completion before the next one.
        case initContainer
        /// An init container with `restartPolicy: Always`: started in order and kept running.
        case sidecar
        /// An app container.
        case container
    }

    /// A start held back by the restart back-off.
    public struct BackOff: Hashable, Sendable {
        /// The current delay.
        public var delay: Duration
        /// When the restart becomes due.
        public var until: Date
        /// The waiting message (`back-off 20s restarting failed container=...`).
        public var message: String

        /// - Parameters: see the properties.
        public init(delay: Duration, until: Date, message: String) {
            self.delay = delay
            self.until = until
            self.message = message
        }
    }

    /// The container's name.
    public var name: String
    /// Which list it is in.
    public var kind: Kind
    /// Its index in that list.
    public var index: Int
    /// When the container ran before: the newest exited instance's `finishedAt` (the back-off is measured from
    /// it and advanced when the restart happens). `nil` for a first start.
    public var lastFinishedAt: Date?
    /// Set when the restart must wait: the syncer reports ``CrashLoopBackOff/reason`` with this message instead.
    public var backOff: BackOff?

    /// - Parameters: see the properties.
    public init(name: String, kind: Kind, index: Int, lastFinishedAt: Date? = nil, backOff: BackOff? = nil) {
        self.name = name
        self.kind = kind
        self.index = index
        self.lastFinishedAt = lastFinishedAt
        self.backOff = backOff
    }
}
