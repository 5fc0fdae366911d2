/// The sandbox configuration could not be generated from the pod (upstream: "GeneratePodSandboxConfig for
/// pod ... failed"); the message names the field at fault.
public struct PodSandboxConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason upstream reports when a sandbox cannot be created.
    public static let reason = "CreatePodSandboxError"

    /// What is wrong, naming the pod field.
    public var message: String

    /// - Parameter message: what is wrong, naming the pod field.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { self.message }
}

/// A container's configuration could not be generated from the pod spec. The worker reports it as the
/// container's waiting reason ``reason`` (`CreateContainerConfigError`) with ``message``, as upstream does.
public struct ContainerConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Upstream's `ErrCreateContainerConfig`.
    public static let createContainerConfigError = "CreateContainerConfigError"

    /// Always ``createContainerConfigError``.
    public var reason: String
    /// What is wrong, naming the container and the field.
    public var message: String

    /// - Parameter message: what is wrong, naming the container and the field.
    public init(_ message: String) {
        self.reason = Self.createContainerConfigError
        self.message = message
    }

    /// `<reason>: <message>`.
    public var description: String { "\(self.reason): \(self.message)" }
}
