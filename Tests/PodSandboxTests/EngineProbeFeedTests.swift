import AgentTestKit
import CRIClient
import KubeAPI
import Logging
import PodSandbox
import ProbeRunner
import Synchronization
import Testing

/// Starts the pod's sandbox and its containers on the fake runtime on the first sync; reports what runs.
private final class StartingSyncer: PodSyncing {
    let runtime: FakeContainerRuntime

    init(runtime: FakeContainerRuntime) { self.runtime = runtime }

    func sync(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?) async -> PodSyncOutcome {
        let uid = pod.metadata.uid
        if runtimePod == nil {
            let sandboxConfig = PodSandboxConfig(
                metadata: PodSandboxMetadata(name: pod.metadata.name, uid: uid, namespace: "default", attempt: 0),
                labels: [RuntimeLabels.podUID: uid, RuntimeLabels.podName: pod.metadata.name,
                         RuntimeLabels.podNamespace: "default"]
            )
            if let sandbox = try? await self.runtime.runPodSandbox(sandboxConfig, runtimeHandler: "") {
                for container in pod.spec.containers {
                    let config = ContainerConfig(
                        metadata: ContainerMetadata(name: container.name, attempt: 0),
                        image: ImageSpec("docker.io/library/busybox:1.36"),
                        labels: [RuntimeLabels.podUID: uid, RuntimeLabels.containerName: container.name],
                        logPath: "\(container.name)/0.log"
                    )
                    if let id = try? await self.runtime.createContainer(inSandbox: sandbox, config, sandboxConfig: sandboxConfig) {
                        try? await self.runtime.startContainer(id)
                    }
                }
            }
        }
        let current = try? await RuntimeRelister(runtime: self.runtime).inspect(podUID: uid)
        return PodSyncOutcome(runtimePod: current, status: PodStatus(phase: .running))
    }

    func terminate(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?, gracePeriod: Duration) async
        -> PodTermination
    {
        PodTermination(left: nil)
    }

    func removeOrphan(_ runtimePod: RuntimePod) async -> RuntimePod? { nil }
}

/// Counts probe runs by container name; every probe succeeds.
private final class CountingProbes: ProbeExecuting {
    let runs = Mutex<[String: Int]>([:])

    func run(_ probe: Probe, kind: ProbeKind, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome {
        self.runs.withLock { $0[target.container.name, default: 0] += 1 }
        return ProbeOutcome(.success)
    }
}

@Suite("PodEngine feeds the probe manager")
struct EngineProbeFeedTests {
    /// The relist and the feed's own period are an hour here: the only way the probe manager can learn of the
    /// new container in time is the engine's change signal after the sync that started it.
    @Test func aStartedContainerIsProbedWithoutWaitingForARelistOrAPeriod() async throws {
        let runtime = FakeContainerRuntime()
        var configuration = PodEngine.Configuration(sources: ["file"])
        configuration.relistPeriod = .seconds(3600)
        configuration.housekeepingPeriod = .milliseconds(20)
        configuration.garbageCollectionPeriod = nil
        let engine = PodEngine(
            syncer: StartingSyncer(runtime: runtime),
            relister: RuntimeRelister(runtime: runtime),
            configuration: configuration,
            logger: Logger(label: "test")
        )
        let probes = CountingProbes()
        var probeConfiguration = ProbeManager.Configuration()
        probeConfiguration.jitterFirstProbe = false
        let manager = ProbeManager(executor: probes, configuration: probeConfiguration, logger: Logger(label: "test")) {
            engine.resync(podUID: $0)
        }
        var container = Container(name: "app", image: "docker.io/library/busybox:1.36")
        container.readinessProbe = Probe(exec: ExecAction(command: ["true"]), periodSeconds: 3600)
        let pod = Pod(
            metadata: ObjectMeta(name: "web", namespace: "default", uid: "u1"),
            spec: PodSpec(containers: [container])
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await engine.run() }
            group.addTask { await manager.run() }
            group.addTask { await engine.feedProbes(to: manager, period: .seconds(3600)) }
            try await poll("the engine relisted once") { engine.heartbeats().relist != nil ? true : nil }
            engine.update(source: "file", pods: [pod])
            try await poll("the readiness probe ran", timeout: .seconds(20)) {
                probes.runs.withLock { $0["app"] ?? 0 } >= 1 ? true : nil
            }
            try await poll("the result reached the manager") {
                manager.results(podUID: "u1").ready.isEmpty ? nil : true
            }
            group.cancelAll()
        }
    }
}
