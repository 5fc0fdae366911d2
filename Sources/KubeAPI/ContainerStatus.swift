public import Foundation

/// The observed state of one container (`v1 ContainerStatus` subset).
public struct ContainerStatus: Codable, Hashable, Sendable {
    /// Container name, as in the spec.
    public var name: String
    /// Current state.
    public var state: ContainerState?
    /// The previous instance's last state (usually terminated).
    public var lastState: ContainerState?
    /// Whether the readiness probe passed (true without a probe when running).
    public var ready: Bool
    /// How many times the container was restarted.
    public var restartCount: Int32
    /// Image the container runs.
    public var image: String
    /// Image ID (the runtime's image reference).
    public var imageID: String
    /// `<runtime>://<id>`.
    public var containerID: String?
    /// Whether the container passed its startup probe (true without one when running).
    public var started: Bool?

    /// Creates a `ContainerStatus`; every parameter defaults to unset.
    public init(
        name: String = "",
        state: ContainerState? = nil,
        lastState: ContainerState? = nil,
        ready: Bool = false,
        restartCount: Int32 = 0,
        image: String = "",
        imageID: String = "",
        containerID: String? = nil,
        started: Bool? = nil
    ) {
        self.name = name
        self.state = state
        self.lastState = lastState
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
        self.started = started
    }

    private enum CodingKeys: String, CodingKey {
        case name, state, lastState, ready, restartCount, image, imageID, containerID, started
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.state = try container.value(.state)
        self.lastState = try container.value(.lastState)
        self.ready = try container.value(.ready, default: false)
        self.restartCount = try container.value(.restartCount, default: 0)
        self.image = try container.value(.image, default: "")
        self.imageID = try container.value(.imageID, default: "")
        self.containerID = try container.value(.containerID)
        self.started = try container.value(.started)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encodeIfPresent(self.state, forKey: .state)
        try container.encodeIfPresent(self.lastState, forKey: .lastState)
        try container.encode(self.ready, forKey: .ready)
        try container.encode(self.restartCount, forKey: .restartCount)
        try container.encode(self.image, forKey: .image)
        try container.encode(self.imageID, forKey: .imageID)
        try container.encodeIfPresent(self.containerID, forKey: .containerID)
        try container.encodeIfPresent(self.started, forKey: .started)
    }
}

/// The state of a container (`v1 ContainerState`): at most one member is set; none means waiting.
public struct ContainerState: Codable, Hashable, Sendable {
    /// Not running yet.
    public var waiting: ContainerStateWaiting?
    /// Running.
    public var running: ContainerStateRunning?
    /// Exited.
    public var terminated: ContainerStateTerminated?

    /// Creates a `ContainerState`; every parameter defaults to unset.
    public init(
        waiting: ContainerStateWaiting? = nil,
        running: ContainerStateRunning? = nil,
        terminated: ContainerStateTerminated? = nil
    ) {
        self.waiting = waiting
        self.running = running
        self.terminated = terminated
    }
}

/// A waiting container (`v1 ContainerStateWaiting`).
public struct ContainerStateWaiting: Codable, Hashable, Sendable {
    /// Why it is waiting: ContainerCreating, PodInitializing, CrashLoopBackOff, ErrImagePull, ...
    public var reason: String?
    /// Details.
    public var message: String?

    /// Creates a `ContainerStateWaiting`; every parameter defaults to unset.
    public init(reason: String? = nil, message: String? = nil) {
        self.reason = reason
        self.message = message
    }
}

/// A running container (`v1 ContainerStateRunning`).
public struct ContainerStateRunning: Codable, Hashable, Sendable {
    /// When it (last) started.
    public var startedAt: Date?

    /// Creates a `ContainerStateRunning`; every parameter defaults to unset.
    public init(startedAt: Date? = nil) {
        self.startedAt = startedAt
    }
}

/// An exited container (`v1 ContainerStateTerminated`).
public struct ContainerStateTerminated: Codable, Hashable, Sendable {
    /// Exit status of the last termination.
    public var exitCode: Int32
    /// Signal of the last termination.
    public var signal: Int32?
    /// Completed, Error, OOMKilled, ...
    public var reason: String?
    /// Details (the termination message).
    public var message: String?
    /// When it started.
    public var startedAt: Date?
    /// When it exited.
    public var finishedAt: Date?
    /// `<runtime>://<id>` of the exited container.
    public var containerID: String?

    /// Creates a `ContainerStateTerminated`; every parameter defaults to unset.
    public init(
        exitCode: Int32 = 0,
        signal: Int32? = nil,
        reason: String? = nil,
        message: String? = nil,
        startedAt: Date? = nil,
        finishedAt: Date? = nil,
        containerID: String? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.containerID = containerID
    }

    private enum CodingKeys: String, CodingKey {
        case exitCode, signal, reason, message, startedAt, finishedAt, containerID
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.exitCode = try container.value(.exitCode, default: 0)
        self.signal = try container.value(.signal)
        self.reason = try container.value(.reason)
        self.message = try container.value(.message)
        self.startedAt = try container.value(.startedAt)
        self.finishedAt = try container.value(.finishedAt)
        self.containerID = try container.value(.containerID)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.exitCode, forKey: .exitCode)
        try container.encodeIfPresent(self.signal, forKey: .signal)
        try container.encodeIfPresent(self.reason, forKey: .reason)
        try container.encodeIfPresent(self.message, forKey: .message)
        try container.encodeIfPresent(self.startedAt, forKey: .startedAt)
        try container.encodeIfPresent(self.finishedAt, forKey: .finishedAt)
        try container.encodeIfPresent(self.containerID, forKey: .containerID)
    }
}
