import CRIClient
import Foundation
import KubeAPI
import Logging
import PodSandbox
import ProbeRunner
import ServiceLifecycle
import Synchronization

/// Runs the probe workers and keeps the probe manager told which containers run: at once when the engine's view
/// changes (a sync started a container, a relist saw one exit), and every `feedPeriod` regardless. Probe result
/// changes resync the pod through the engine.
struct ProbeService: Service {
    let manager: ProbeManager
    let engine: PodEngine
    let executor: ProbeHandlers
    var feedPeriod: Duration = .seconds(10)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.manager.run() }
                await self.engine.feedProbes(to: self.manager, period: self.feedPeriod)
                group.cancelAll()
            }
        }
        await self.executor.shutdown()
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

/// The engine, for the parts built before it (the probe manager, the event recorder and the status manager: the
/// engine needs the syncer, which needs them).
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
        self.engine.withLock { $0 }?.pod(uid: uid)?.pod
    }

    /// The engine's pods (none before it is connected).
    func pods() -> [PodEngine.PodView] {
        self.engine.withLock { $0 }?.pods() ?? []
    }
}
