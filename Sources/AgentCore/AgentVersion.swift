/// The agent's own version, and the Kubernetes release whose kubelet and kube-proxy behaviour it follows.
public enum AgentVersion {
    /// node-agent's version.
    public static let version = "0.1.0"
    /// The Kubernetes minor release node-agent is compatible with (reported as the kubelet version).
    public static let kubernetesVersion = "v1.34.0"
    /// The version string printed by `node-agent --version`.
    public static let description = "node-agent \(version) (Kubernetes \(kubernetesVersion))"
}
