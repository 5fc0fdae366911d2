import CRIClient
import Foundation
import KubeAPI
import Logging
import PodSandbox
import ProbeRunner
import ServiceLifecycle
import Synchronization

/// Runs the probe workers and, every `feedPeriod`, tells the probe manager which containers run (from the engine's
/// pods and its last relist). Probe result changes resync the pod through the engine.
struct ProbeService: Service {
    let manager: ProbeManager
    let engine: PodEngine
    let executor: ProbeHandlers
    var feedPeriod: Duration = .milliseconds(500)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.manager.run() }
                while !Task.isCancelled {
                    self.manager.update(pods: Self.probedPods(self.engine))
                    do { try await Task.sleep(for: self.feedPeriod) } catch { break }
                }
                group.cancelAll()
            }
        }
        await self.executor.shutdown()
    }

    /// The engine's desired pods with the runtime's newest instance of each container.
    static func probedPods(_ engine: PodEngine) -> [ProbedPod] {
        let runtime = engine.runtimePods()
        return engine.pods().compactMap { view in
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

    /// The probe manager's results as the pod planner reads them.
    static func snapshot(_ results: PodProbeResults) -> ProbeSnapshot {
        ProbeSnapshot(
            livenessFailed: results.livenessFailed,
            startupSucceeded: results.startupSucceeded,
            startupFailed: results.startupFailed,
            ready: results.ready
        )
    }
}

/// Lets the probe manager (built before the engine, which needs the syncer, which reads the probes) resync pods.
final class ResyncRelay: Sendable {
    private let engine = Mutex<PodEngine?>(nil)

    func connect(_ engine: PodEngine) {
        self.engine.withLock { $0 = engine }
    }

    func resync(podUID: String) {
        self.engine.withLock { $0 }?.resync(podUID: podUID)
    }

    /// The engine's pod of `uid`, if any.
    func pod(uid: String) -> Pod? {
        self.engine.withLock { $0 }?.pods().first { $0.pod.metadata.uid == uid }?.pod
    }
}
