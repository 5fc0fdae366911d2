import AgentTestKit
import CRIClient
import KubeAPI
import Logging
import PodSandbox
import Synchronization
import Testing

/// A syncer that records what the engine asks of it and acts on the fake runtime minimally.
final class RecordingSyncer: PodSyncing {
    enum Call: Hashable { case sync(String, adopted: Bool), terminate(String), orphan(String), sawStopped(String) }
    let calls = Mutex<[Call]>([])
    let runtime: FakeContainerRuntime
    let relister: RuntimeRelister

    init(runtime: FakeContainerRuntime) {
        self.runtime = runtime
        self.relister = RuntimeRelister(runtime: runtime)
    }

    func sync(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?) async -> PodSyncOutcome {
        self.calls.withLock { $0.append(.sync(pod.metadata.uid, adopted: runtimePod != nil)) }
        if runtimePod?.latestSandbox?.state == .notReady {
            self.calls.withLock { $0.append(.sawStopped(pod.metadata.uid)) }
        }
        var current = runtimePod
        if current == nil {
            _ = try? await startSandbox(self.runtime, uid: pod.metadata.uid, name: pod.metadata.name)
            current = try? await self.relister.inspect(podUID: pod.metadata.uid)
        }
        return PodSyncOutcome(runtimePod: current, status: PodStatus(phase: .running))
    }

    func terminate(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?, gracePeriod: Duration) async -> PodTermination {
        self.calls.withLock { $0.append(.terminate(pod.metadata.uid)) }
        for sandbox in runtimePod?.sandboxes ?? [] { try? await self.runtime.removePodSandbox(sandbox.id) }
        return PodTermination(left: nil, finalStatus: PodStatus(phase: .failed))
    }

    func removeOrphan(_ runtimePod: RuntimePod) async -> RuntimePod? {
        self.calls.withLock { $0.append(.orphan(runtimePod.uid)) }
        for sandbox in runtimePod.sandboxes { try? await self.runtime.removePodSandbox(sandbox.id) }
        return nil
    }
}

@discardableResult
func startSandbox(_ runtime: FakeContainerRuntime, uid: String, name: String) async throws -> String {
    try await runtime.runPodSandbox(
        PodSandboxConfig(
            metadata: PodSandboxMetadata(name: name, uid: uid, namespace: "default", attempt: 0),
            labels: [RuntimeLabels.podUID: uid, RuntimeLabels.podName: name, RuntimeLabels.podNamespace: "default"]
        ),
        runtimeHandler: ""
    )
}

func makePod(_ name: String, uid: String) -> Pod {
    Pod(metadata: ObjectMeta(name: name, namespace: "default", uid: uid), spec: PodSpec(containers: [Container(name: "c", image: "busybox")]))
}

/// Runs an engine over a fake runtime for the duration of `body`.
func withEngine(
    runtime: FakeContainerRuntime,
    sources: Set<String> = ["file"],
    _ body: (PodEngine, RecordingSyncer) async throws -> Void
) async throws {
    let syncer = RecordingSyncer(runtime: runtime)
    var configuration = PodEngine.Configuration(sources: sources)
    configuration.relistPeriod = .milliseconds(20)
    configuration.housekeepingPeriod = .milliseconds(20)
    let engine = PodEngine(
        syncer: syncer,
        relister: RuntimeRelister(runtime: runtime),
        configuration: configuration,
        logger: Logger(label: "test")
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await engine.run() }
        try await body(engine, syncer)
        group.cancelAll()
    }
}

@Suite("PodEngine")
struct EngineTests {
    @Test("a desired pod is synced, and what already runs for it is adopted")
    func adoption() async throws {
        let runtime = FakeContainerRuntime()
        try await startSandbox(runtime, uid: "u1", name: "running")
        try await withEngine(runtime: runtime) { engine, syncer in
            engine.update(source: "file", pods: [makePod("running", uid: "u1"), makePod("new", uid: "u2")])
            try await poll("both synced") {
                let calls = syncer.calls.withLock { $0 }
                return calls.contains(.sync("u1", adopted: true)) && calls.contains(.sync("u2", adopted: false)) ? true : nil
            }
            #expect(!syncer.calls.withLock { $0 }.contains(.orphan("u1")))
            #expect(engine.pods().map(\.pod.metadata.name) == ["new", "running"])
        }
    }

    @Test("pods no source wants are removed, but only once every source has reported")
    func orphansWaitForSources() async throws {
        let runtime = FakeContainerRuntime()
        try await startSandbox(runtime, uid: "old", name: "old")
        try await withEngine(runtime: runtime, sources: ["file", "http"]) { engine, syncer in
            engine.update(source: "file", pods: [])
            try await poll("a few relists") { engine.heartbeats().relist != nil ? true : nil }
            #expect(syncer.calls.withLock { $0 }.isEmpty)
            engine.update(source: "http", pods: [])
            try await poll("orphan removed") { syncer.calls.withLock { $0 }.contains(.orphan("old")) ? true : nil }
        }
    }

    @Test("a deleted pod is terminated and forgotten")
    func deletion() async throws {
        let runtime = FakeContainerRuntime()
        try await withEngine(runtime: runtime) { engine, syncer in
            engine.update(source: "file", pods: [makePod("web", uid: "u1")])
            try await poll("synced") { syncer.calls.withLock { $0 }.contains(.sync("u1", adopted: false)) ? true : nil }
            engine.update(source: "file", pods: [])
            try await poll("terminated") { syncer.calls.withLock { $0 }.contains(.terminate("u1")) ? true : nil }
            try await poll("forgotten") { engine.pods().isEmpty ? true : nil }
            #expect(try await runtime.listPodSandboxes(nil).isEmpty)
        }
    }

    @Test("a pod replaced under a new UID starts after the old one is gone")
    func replacement() async throws {
        let runtime = FakeContainerRuntime()
        try await withEngine(runtime: runtime) { engine, syncer in
            engine.update(source: "file", pods: [makePod("web", uid: "v1")])
            try await poll("v1 synced") { syncer.calls.withLock { $0 }.contains(.sync("v1", adopted: false)) ? true : nil }
            engine.update(source: "file", pods: [makePod("web", uid: "v2")])
            try await poll("v2 synced") { syncer.calls.withLock { $0 }.contains(.sync("v2", adopted: false)) ? true : nil }
            let calls = syncer.calls.withLock { $0 }
            let terminated = try #require(calls.firstIndex(of: .terminate("v1")))
            let started = try #require(calls.firstIndex(of: .sync("v2", adopted: false)))
            #expect(terminated < started)
        }
    }

    @Test("a container dying in the runtime makes the relist wake the pod's worker")
    func relistWakesWorker() async throws {
        let runtime = FakeContainerRuntime()
        try await withEngine(runtime: runtime) { engine, syncer in
            engine.update(source: "file", pods: [makePod("web", uid: "u1")])
            try await poll("synced") { syncer.calls.withLock { $0 }.isEmpty ? nil : true }
            let sandbox = try #require(try await runtime.listPodSandboxes(nil).first)
            try await runtime.stopPodSandbox(sandbox.id)
            try await poll("a sync that sees the stopped sandbox") {
                syncer.calls.withLock { $0 }.contains(.sawStopped("u1")) ? true : nil
            }
        }
    }
}

@Suite("PodLifecycleEvent.diff")
struct LifecycleEventTests {
    @Test func containerTransitions() {
        func pod(_ state: RuntimeContainerState?) -> [String: RuntimePod] {
            guard let state else { return ["u": RuntimePod(uid: "u", name: "p", namespace: "d")] }
            return ["u": RuntimePod(uid: "u", name: "p", namespace: "d", containers: [RuntimeContainerStatus(id: "c1", metadata: ContainerMetadata(name: "c"), state: state)])]
        }
        #expect(PodLifecycleEvent.diff(old: pod(nil), new: pod(.running)).map(\.kind) == [.containerStarted])
        #expect(PodLifecycleEvent.diff(old: pod(.running), new: pod(.exited)).map(\.kind) == [.containerDied])
        #expect(PodLifecycleEvent.diff(old: pod(.exited), new: pod(nil)).map(\.kind) == [.containerRemoved])
        #expect(PodLifecycleEvent.diff(old: pod(nil), new: pod(.created)).map(\.kind) == [.containerChanged])
        #expect(PodLifecycleEvent.diff(old: pod(.running), new: pod(.running)).isEmpty)
    }
}
