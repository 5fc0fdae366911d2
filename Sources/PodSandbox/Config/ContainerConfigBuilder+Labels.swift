import Foundation
public import KubeAPI

extension ContainerConfigBuilder {
    /// The API default of `terminationMessagePath`.
    public static let defaultTerminationMessagePath = "/dev/termination-log"
    /// The API default of `terminationMessagePolicy`.
    public static let defaultTerminationMessagePolicy = "File"

    /// `io.kubernetes.pod.name`, `.namespace`, `.uid` and `io.kubernetes.container.name` (upstream's
    /// `newContainerLabels`).
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container.
    /// - Returns: the container labels.
    public static func containerLabels(pod: Pod, container: Container) -> [String: String] {
        [
            RuntimeLabels.podName: pod.metadata.name,
            RuntimeLabels.podNamespace: pod.metadata.namespace,
            RuntimeLabels.podUID: pod.metadata.uid,
            RuntimeLabels.containerName: container.name,
        ]
    }

    /// What the agent needs to know about a container after a restart, from the runtime alone (upstream's
    /// `newContainerAnnotations`): spec hash, restart count, termination message path and policy, the pod's
    /// deletion and termination grace periods, the preStop handler and the ports as JSON.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container.
    ///   - restartCount: the container's restart count.
    /// - Returns: the container annotations.
    public static func containerAnnotations(pod: Pod, container: Container, restartCount: Int) -> [String: String] {
        var annotations: [String: String] = [
            RuntimeLabels.containerHash: ContainerHash.compute(container),
            RuntimeLabels.containerRestartCount: String(restartCount),
            RuntimeLabels.terminationMessagePath: container.terminationMessagePath
                ?? Self.defaultTerminationMessagePath,
            RuntimeLabels.terminationMessagePolicy: container.terminationMessagePolicy?.rawValue
                ?? Self.defaultTerminationMessagePolicy,
        ]
        if let grace = pod.metadata.deletionGracePeriodSeconds {
            annotations[RuntimeLabels.podDeletionGracePeriod] = String(grace)
        }
        if let grace = pod.spec.terminationGracePeriodSeconds {
            annotations[RuntimeLabels.podTerminationGracePeriod] = String(grace)
        }
        if let preStop = container.lifecycle?.preStop, let json = Self.json(preStop) {
            annotations[RuntimeLabels.preStopHandler] = json
        }
        if !container.ports.isEmpty, let json = Self.json(container.ports) {
            annotations[RuntimeLabels.containerPorts] = json
        }
        return annotations
    }

    private static func json<Value: Encodable>(_ value: Value) -> String? {
        guard let data = try? KubeJSON.encoder(sorted: true).encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
