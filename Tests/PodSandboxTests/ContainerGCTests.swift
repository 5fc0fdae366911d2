import CRIClient
import PodSandbox
import Testing

@Suite("ContainerGC")
struct ContainerGCTests {
    func container(_ id: String, _ name: String, _ state: RuntimeContainerState, at time: Int64) -> RuntimeContainerStatus {
        RuntimeContainerStatus(id: id, metadata: ContainerMetadata(name: name), state: state, createdAt: time)
    }

    func sandbox(_ id: String, _ state: PodSandboxState, at time: Int64) -> PodSandboxStatus {
        PodSandboxStatus(id: id, metadata: PodSandboxMetadata(name: "p", uid: "u", namespace: "d"), state: state, createdAt: time)
    }

    @Test("keeps the newest dead instance per container and every running one")
    func keepsNewestDead() {
        let pod = RuntimePod(
            uid: "u", name: "p", namespace: "d",
            sandboxes: [self.sandbox("s1", .ready, at: 1)],
            containers: [
                self.container("a0", "app", .exited, at: 10),
                self.container("a1", "app", .exited, at: 20),
                self.container("a2", "app", .exited, at: 30),
                self.container("a3", "app", .running, at: 40),
                self.container("b0", "side", .exited, at: 15),
            ]
        )
        let plan = ContainerGC().plan(["u": pod])
        #expect(Set(plan.containers) == ["a0", "a1"], "a2 is the newest dead app; b0 the only dead side")
        #expect(plan.sandboxes.isEmpty)
    }

    @Test("removes an old dead sandbox once its containers are gone, never the newest")
    func oldSandboxes() {
        let pod = RuntimePod(
            uid: "u", name: "p", namespace: "d",
            sandboxes: [self.sandbox("s1", .notReady, at: 1), self.sandbox("s2", .notReady, at: 100)],
            containers: [self.container("c2", "app", .exited, at: 110)]
        )
        #expect(ContainerGC().plan(["u": pod]).sandboxes == ["s1"])
    }
}
