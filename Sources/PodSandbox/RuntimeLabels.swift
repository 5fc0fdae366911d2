// The labels and annotations the agent puts on sandboxes and containers, with upstream's keys
// (k/k pkg/kubelet/types/labels.go, pkg/kubelet/kuberuntime/labels.go), so that the agent can
// rebuild its whole view of a node from the runtime alone after a restart.

/// Label and annotation keys on CRI sandboxes and containers.
public enum RuntimeLabels {
    // Labels on sandboxes and containers.
    public static let podName = "io.kubernetes.pod.name"
    public static let podNamespace = "io.kubernetes.pod.namespace"
    public static let podUID = "io.kubernetes.pod.uid"
    public static let containerName = "io.kubernetes.container.name"


    // Annotations on containers.
    public static let containerHash = "io.kubernetes.container.hash"
    public static let containerRestartCount = "io.kubernetes.container.restartCount"
    public static let terminationMessagePath = "io.kubernetes.container.terminationMessagePath"
    public static let terminationMessagePolicy = "io.kubernetes.container.terminationMessagePolicy"
    public static let preStopHandler = "io.kubernetes.container.preStopHandler"
    public static let containerPorts = "io.kubernetes.container.ports"
    public static let podDeletionGracePeriod = "io.kubernetes.pod.deletionGracePeriod"
    public static let podTerminationGracePeriod = "io.kubernetes.pod.terminationGracePeriod"

    // Pod annotation: where this pod came from (static pods: file/http; cluster: api).
    public static let configSource = "kubernetes.io/config.source"
}
