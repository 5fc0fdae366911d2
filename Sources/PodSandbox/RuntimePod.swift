public import CRIClient

/// Everything the runtime reports for one pod: its sandboxes (newest first) and its containers
/// (newest first), with full statuses. Built by the relist from `ListPodSandbox`/`ListContainers`
/// and the status calls, grouped by the `io.kubernetes.pod.uid` label.
public struct RuntimePod: Hashable, Sendable {
    public var uid: String
    public var name: String
    public var namespace: String
    public var sandboxes: [PodSandboxStatus]
    public var containers: [ContainerStatus]

    public init(
        uid: String,
        name: String,
        namespace: String,
        sandboxes: [PodSandboxStatus] = [],
        containers: [ContainerStatus] = []
    ) {
        self.uid = uid
        self.name = name
        self.namespace = namespace
        self.sandboxes = sandboxes.sorted { $0.createdAt > $1.createdAt }
        self.containers = containers.sorted { $0.createdAt > $1.createdAt }
    }

    /// The newest sandbox, the one the pod's containers belong to.
    public var latestSandbox: PodSandboxStatus? { sandboxes.first }

    /// The newest container instance of each container name.
    public var latestContainers: [String: ContainerStatus] {
        var result: [String: ContainerStatus] = [:]
        for container in containers where result[container.metadata.name] == nil {
            result[container.metadata.name] = container
        }
        return result
    }
}
