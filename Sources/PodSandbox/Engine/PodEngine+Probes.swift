import CRIClient
import Foundation
import KubeAPI
public import ProbeRunner

extension PodEngine {
    /// What the probes run against: every desired pod that is not terminating and that the runtime runs, with the
    /// newest instance of each of its containers.
    public func probedPods() -> [ProbedPod] {
        let runtime = self.runtimePods()
        return self.pods().compactMap { view in
            guard !view.terminating, let runtimePod = runtime[view.pod.metadata.uid] else { return nil }
            let containers = runtimePod.latestContainers.values.map { status in
                ProbedContainer(
                    name: status.metadata.name,
                    containerID: status.id,
                    startedAt: status.startedAt > 0
                        ? Date(timeIntervalSince1970: Double(status.startedAt) / 1_000_000_000) : nil,
                    running: status.state == .running
                )
            }
            return ProbedPod(pod: view.pod, podIP: view.pod.status?.podIP, containers: containers)
        }
    }

    /// Keeps `manager` told which containers run until cancelled (upstream's prober manager learns of them from
    /// the pod workers and the status manager): at once whenever the engine's view changes (``changes()``: a sync
    /// that started a container, a relist that saw one exit), and every `period` regardless, as a safety net.
    ///
    /// - Parameters:
    ///   - manager: the probe manager to update.
    ///   - period: the longest time between two updates when nothing changes.
    public func feedProbes(to manager: ProbeManager, period: Duration = .seconds(10)) async {
        let changes = self.changes()
        let wakeup = Wakeup()
        await withDiscardingTaskGroup { group in
            // One long-lived consumer: the stream survives the timed waits below.
            group.addTask {
                for await _ in changes { wakeup.signal() }
            }
            while !Task.isCancelled {
                manager.update(pods: self.probedPods())
                await wakeup.wait(timeout: period)
            }
            group.cancelAll()
        }
    }
}
