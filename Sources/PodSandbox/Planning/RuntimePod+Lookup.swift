import CRIClient
import Foundation

extension RuntimePod {
    /// The instances of the container `name`, newest first (``RuntimePod/containers`` is sorted that way).
    func instances(of name: String) -> [ContainerStatus] {
        self.containers.filter { $0.metadata.name == name }
    }

    /// The newest instance of the container `name` (upstream's `FindContainerStatusByName`).
    func newest(_ name: String) -> ContainerStatus? {
        self.containers.first { $0.metadata.name == name }
    }

    /// The newest exited instance of the container `name`: the one the restart back-off is measured from.
    func newestExited(_ name: String) -> ContainerStatus? {
        self.containers.first { $0.metadata.name == name && $0.state == .exited }
    }

    /// Whether something of the pod still runs: a ready sandbox, or a running or unknown container.
    var hasAnythingAlive: Bool {
        self.sandboxes.contains { $0.state == .ready }
            || self.containers.contains { $0.state == .running || $0.state == .unknown }
    }

    /// The highest sandbox attempt seen.
    var maxSandboxAttempt: UInt32 {
        self.sandboxes.map(\.metadata.attempt).max() ?? 0
    }
}

extension Date {
    /// A CRI timestamp (nanoseconds since the Unix epoch), or `nil` for 0 (not reached).
    init?(criNanoseconds: Int64) {
        guard criNanoseconds > 0 else { return nil }
        self.init(timeIntervalSince1970: Double(criNanoseconds) / 1e9)
    }
}

extension ContainerStatus {
    /// The restart count the agent recorded on the instance (`io.kubernetes.container.restartCount`), falling back
    /// to the metadata attempt.
    var restartCount: Int32 {
        if let text = self.annotations[RuntimeLabels.containerRestartCount], let count = Int32(text) { return count }
        return Int32(clamping: self.metadata.attempt)
    }
}
