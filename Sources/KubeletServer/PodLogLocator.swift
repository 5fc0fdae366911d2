public import KubeAPI

/// What the server needs to know about the agent's pods: a pure lookup, no runtime calls. The agent answers it
/// from its pod engine (each pod with its latest status: `containerStatuses` with `restartCount`, `state` and
/// `lastState`).
public protocol PodLogLocator: Sendable {
    /// The pods the agent runs, with their statuses (`GET /pods`, `/runningpods/`, log lookups).
    func pods() -> [Pod]
}

extension PodLogLocator {
    /// The pod `namespace/name`, nil when the agent does not run it.
    public func pod(namespace: String, name: String) -> Pod? {
        self.pods().first { $0.metadata.namespace == namespace && $0.metadata.name == name }
    }
}

/// A locator over a fixed closure (tests, wiring).
public struct PodLogLocatorClosure: PodLogLocator {
    let body: @Sendable () -> [Pod]
    public init(_ body: @escaping @Sendable () -> [Pod]) { self.body = body }
    public func pods() -> [Pod] { self.body() }
}

/// The log file of one container instance, as the agent writes it:
/// `<podLogsDir>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log`.
public struct ContainerLogTarget: Sendable, Equatable {
    public var podUID: String
    public var containerName: String
    /// The instance: the restart count it ran with, which names its file.
    public var instance: Int
    public var path: String

    /// Resolves which instance's log to read, with upstream's `validateContainerLogStatus` rules and messages:
    /// `previous` wants the last terminated instance; otherwise the running one, else the last terminated one;
    /// a container that never ran is `waiting to start: <reason>`.
    /// - Throws: ``ContainerLogError`` with upstream's text.
    public static func resolve(
        pod: Pod, container: String, previous: Bool, podLogsDirectory: String
    ) throws(ContainerLogError) -> ContainerLogTarget {
        let podName = pod.metadata.name
        let statuses = (pod.status?.containerStatuses ?? []) + (pod.status?.initContainerStatuses ?? [])
        guard let status = statuses.first(where: { $0.name == container }) else {
            throw ContainerLogError("container \"\(container)\" in pod \"\(podName)\" is not available")
        }
        let count = Int(status.restartCount)
        let state = status.state
        let lastTerminated = status.lastState?.terminated
        let instance: Int
        if previous {
            guard lastTerminated != nil else {
                throw ContainerLogError(
                    "previous terminated container \"\(container)\" in pod \"\(podName)\" not found")
            }
            // While an instance runs (or is the terminated state itself), the last one is the one before it;
            // while waiting to restart, the last terminated instance is the latest.
            instance = state?.running != nil || state?.terminated != nil ? count - 1 : count
            guard instance >= 0 else {
                throw ContainerLogError(
                    "previous terminated container \"\(container)\" in pod \"\(podName)\" not found")
            }
        } else if state?.running != nil || state?.terminated != nil || lastTerminated != nil {
            instance = count
        } else if let waiting = state?.waiting {
            let reason = waiting.reason ?? ""
            switch reason {
            case "ErrImagePull":
                throw ContainerLogError(
                    "container \"\(container)\" in pod \"\(podName)\" is waiting to start: image can't be pulled")
            case "ImagePullBackOff":
                throw ContainerLogError(
                    "container \"\(container)\" in pod \"\(podName)\" is waiting to start: trying and failing to pull image"
                )
            default:
                throw ContainerLogError(
                    "container \"\(container)\" in pod \"\(podName)\" is waiting to start: \(reason)")
            }
        } else {
            throw ContainerLogError(
                "container \"\(container)\" in pod \"\(podName)\" is waiting to start - no logs yet")
        }
        let uid = pod.metadata.uid
        let namespace = pod.metadata.namespace.isEmpty ? "default" : pod.metadata.namespace
        let directory = "\(podLogsDirectory)/\(namespace)_\(podName)_\(uid)/\(container)"
        return ContainerLogTarget(
            podUID: uid, containerName: container, instance: instance,
            path: "\(directory)/\(instance).log")
    }

    /// Whether this instance still runs in `pod` (a follower stops when it does not).
    public func isRunning(in pod: Pod?) -> Bool {
        guard let pod, pod.metadata.uid == self.podUID else { return false }
        let statuses = (pod.status?.containerStatuses ?? []) + (pod.status?.initContainerStatuses ?? [])
        guard let status = statuses.first(where: { $0.name == self.containerName }) else { return false }
        return status.state?.running != nil && Int(status.restartCount) == self.instance
    }
}

/// Logs cannot be served; the text is upstream's (the kubelet answers it with 400 Bad Request).
public struct ContainerLogError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
