import CRIClient
import KubeAPI
@testable import PodSandbox
import Testing

@Suite("EngineState transitions")
struct EngineStateTests {
    let clock = ContinuousClock()

    func sandbox(_ uid: String, name: String, _ state: PodSandboxState) -> PodSandboxStatus {
        PodSandboxStatus(
            id: "s-\(uid)",
            metadata: PodSandboxMetadata(name: name, uid: uid, namespace: "default"),
            state: state,
            labels: [RuntimeLabels.podUID: uid]
        )
    }

    @Test("a relist that started before a worker's write does not overwrite the newer view")
    func staleRelist() {
        var state = EngineState(sources: ["file"])
        let started = self.clock.now
        let fresh = RuntimePod(uid: "u", name: "web", namespace: "default", sandboxes: [self.sandbox("u", name: "web", .ready)])
        _ = state.apply(source: "file", pods: [makePod("web", uid: "u")])
        state.finishSync("u", outcome: PodSyncOutcome(runtimePod: fresh, status: PodStatus()), now: self.clock.now)
        _ = state.applyRelist([:], started: started)
        #expect(state.runtime["u"] == fresh)
        // A later relist is authoritative again.
        _ = state.applyRelist([:], started: self.clock.now)
        #expect(state.runtime["u"] == nil)
    }

    @Test("an orphan of the same name blocks a new static pod until it is gone")
    func orphanPredecessor() {
        var state = EngineState(sources: ["file"])
        let old = RuntimePod(uid: "old", name: "web", namespace: "default", sandboxes: [self.sandbox("old", name: "web", .ready)])
        _ = state.applyRelist(["old": old], started: self.clock.now)
        let (_, spawn) = state.apply(source: "file", pods: [makePod("web", uid: "new")])
        #expect(Set(spawn) == ["new", "old"])
        guard case .wait = state.nextStep("new") else {
            Issue.record("the new pod must wait for the orphan")
            return
        }
        _ = state.startWorker("new")
        let (done, wake) = state.finishRemoval("old", left: nil, now: self.clock.now)
        #expect(done)
        #expect(wake.count == 1)
        guard case .sync = state.nextStep("new") else {
            Issue.record("the new pod syncs once the orphan is gone")
            return
        }
    }

    @Test("a removal that left containers running is retried, and keeps the record")
    func failedRemoval() {
        var state = EngineState(sources: ["file"])
        _ = state.apply(source: "file", pods: [makePod("web", uid: "u")])
        _ = state.apply(source: "file", pods: [])
        let now = self.clock.now
        let left = RuntimePod(uid: "u", name: "web", namespace: "default", sandboxes: [self.sandbox("u", name: "web", .ready)])
        let (done, _) = state.finishRemoval("u", left: left, now: now)
        #expect(!done)
        #expect(state.records["u"]?.retryAt == now + .seconds(10))
    }

    @Test("a container that started and died between two relists is reported even if the worker saw it die")
    func diedBetweenRelists() {
        var state = EngineState(sources: ["file"])
        _ = state.apply(source: "file", pods: [makePod("crash", uid: "u")])
        let sandbox = self.sandbox("u", name: "crash", .ready)
        _ = state.applyRelist(["u": RuntimePod(uid: "u", name: "crash", namespace: "default", sandboxes: [sandbox])], started: self.clock.now)
        let dead = RuntimePod(
            uid: "u", name: "crash", namespace: "default", sandboxes: [sandbox],
            containers: [RuntimeContainerStatus(id: "c1", metadata: ContainerMetadata(name: "fails", attempt: 2), state: .exited)]
        )
        // The worker's own read-back already shows the container dead...
        state.finishSync("u", outcome: PodSyncOutcome(runtimePod: dead, status: PodStatus()), now: self.clock.now)
        // ...and the next relist still wakes the pod: relist is compared with relist.
        #expect(state.applyRelist(["u": dead], started: self.clock.now) == ["u"])
    }

    @Test("a change a relist saw while a worker's newer read-back won is reported again by the next relist")
    func changeRacingAWorkerIsNotLost() {
        var state = EngineState(sources: ["file"])
        _ = state.apply(source: "file", pods: [makePod("web", uid: "u")])
        let ready = RuntimePod(uid: "u", name: "web", namespace: "default", sandboxes: [self.sandbox("u", name: "web", .ready)])
        let stopped = RuntimePod(uid: "u", name: "web", namespace: "default", sandboxes: [self.sandbox("u", name: "web", .notReady)])
        // The relist starts (and sees the sandbox stopped); meanwhile a worker writes its read-back from just before.
        let relistStarted = self.clock.now
        state.finishSync("u", outcome: PodSyncOutcome(runtimePod: ready, status: PodStatus()), now: self.clock.now)
        #expect(state.applyRelist(["u": stopped], started: relistStarted) == ["u"])
        // The worker's view won, so the worker synced on "ready"...
        #expect(state.runtime["u"] == ready)
        // ...and the next relist, seeing the same stopped sandbox, reports it again, now with the relist's view.
        #expect(state.applyRelist(["u": stopped], started: self.clock.now) == ["u"])
        #expect(state.runtime["u"] == stopped)
        // Once seen, it is quiet.
        #expect(state.applyRelist(["u": stopped], started: self.clock.now).isEmpty)
    }
}
