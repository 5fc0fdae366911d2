public import CRIClient
public import Foundation
public import KubeAPI

/// An event about a pod or one of its containers, with upstream's reasons (`Pulling`, `Pulled`, `Created`,
/// `Started`, `Killing`, `BackOff`, `Failed`, `FailedCreatePodSandBox`, `SandboxChanged`, ...).
public struct PodEvent: Hashable, Sendable {
    /// Normal or Warning.
    public enum Kind: String, Hashable, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Normal or Warning.
    public var type: Kind
    /// The CamelCase reason.
    public var reason: String
    /// The human-readable message.
    public var message: String
    /// The pod's UID.
    public var podUID: String
    /// The container the event is about (`spec.containers{name}`), or `nil` for the pod.
    public var containerName: String?

    /// - Parameters: see the properties.
    public init(type: Kind, reason: String, message: String, podUID: String, containerName: String? = nil) {
        self.type = type
        self.reason = reason
        self.message = message
        self.podUID = podUID
        self.containerName = containerName
    }
}

/// One step of a sync that failed (upstream's `SyncResult` with an error).
public struct PodSyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The step: `CreatePodSandbox`, `KillPodSandbox`, `StartContainer`, `KillContainer`, `SetupVolumes`, ...
    public var action: String
    /// What it was about: a container name, or the pod as `<name>_<namespace>(<uid>)`.
    public var target: String
    /// The CamelCase reason (`CrashLoopBackOff`, `ErrImagePull`, `CreateContainerError`, ...).
    public var reason: String
    /// Details.
    public var message: String

    /// - Parameters: see the properties.
    public init(action: String, target: String, reason: String, message: String) {
        self.action = action
        self.target = target
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(self.action) \(self.target) failed (\(self.reason)): \(self.message)" }
}

/// What one ``PodSyncer/sync(pod:runtimePod:probes:previousStatus:)`` did and found.
///
/// ``actions`` is the first plan of the sync; when a sidecar started, the syncer plans again on the pod as read
/// back (so the next init container starts in the same sync) and ``events`` and ``errors`` cover every round.
public struct PodSyncResult: Sendable {
    /// The plan the sync carried out.
    public var actions: PodActions
    /// What the runtime runs for the pod after the sync, read back from the runtime; `nil` if nothing.
    public var runtimePod: RuntimePod?
    /// The pod's status built from ``runtimePod``.
    public var status: PodStatus
    /// Events to record, in order.
    public var events: [PodEvent]
    /// The steps that failed (back-offs included, as upstream).
    public var errors: [PodSyncError]
    /// When the pod wants its next sync because a back-off ends, if one holds a container back.
    public var retryAfter: Duration?

    /// - Parameters: see the properties.
    public init(
        actions: PodActions,
        runtimePod: RuntimePod?,
        status: PodStatus,
        events: [PodEvent] = [],
        errors: [PodSyncError] = [],
        retryAfter: Duration? = nil
    ) {
        self.actions = actions
        self.runtimePod = runtimePod
        self.status = status
        self.events = events
        self.errors = errors
        self.retryAfter = retryAfter
    }
}

/// Accumulates what a sync does: events, errors, waiting reasons and back-off ends.
struct SyncJournal {
    let podUID: String
    var events: [PodEvent] = []
    var errors: [PodSyncError] = []
    /// Waiting reasons set (non-nil) or cleared (nil) by this sync, by container name.
    var waiting: [String: WaitingReason?] = [:]
    /// Ends of back-offs met during the sync.
    var retryAt: [Date] = []
    /// How many sidecars this sync started.
    var startedSidecars = 0

    init(podUID: String) {
        self.podUID = podUID
    }

    mutating func event(_ type: PodEvent.Kind, _ reason: String, _ message: String, container: String? = nil) {
        self.events.append(
            PodEvent(type: type, reason: reason, message: message, podUID: self.podUID, containerName: container)
        )
    }

    mutating func fail(_ action: String, target: String, reason: String, message: String) {
        self.errors.append(PodSyncError(action: action, target: target, reason: reason, message: message))
    }

    /// A container did not start: it waits with `reason`, and the step failed.
    mutating func wait(_ container: String, reason: String, message: String) {
        self.waiting[container] = WaitingReason(reason: reason, message: message)
        self.fail("StartContainer", target: container, reason: reason, message: message)
    }

    mutating func merge(_ other: SyncJournal) {
        self.events += other.events
        self.errors += other.errors
        for (name, reason) in other.waiting { self.waiting[name] = reason }
        self.retryAt += other.retryAt
        self.startedSidecars += other.startedSidecars
    }
}

extension CRIError {
    /// The runtime's message, as upstream shows it in events and waiting messages (the gRPC status message).
    var runtimeMessage: String { self.message }
}

/// The message of any error the runtime returned.
func errorMessage(_ error: any Error) -> String {
    if let error = error as? CRIError { return error.runtimeMessage }
    return "\(error)"
}
