import CRIClient
import Foundation
import KubeAPI
@testable import PodSandbox
import Testing

struct PlannerCase: Sendable, CustomTestStringConvertible {
    var name: String
    var pod: Pod
    var runtime: RuntimePod?
    var probes: ProbeSnapshot = .empty
    var backOff = CrashLoopBackOff()
    var expected: PlanSummary

    var testDescription: String { self.name }
}

private typealias F = PlannerFixtures
private typealias R = RuntimeFixtures

private let initPod = F.pod(initContainers: [F.container("i1"), F.container("i2")])
private let sidecarPod = F.pod(initContainers: [F.container("sc", sidecar: true), F.container("i1")])
private let startupSidecarPod: Pod = {
    var pod = sidecarPod
    pod.spec.initContainers[0].startupProbe = Probe(exec: ExecAction(command: ["true"]))
    return pod
}()

private func running(_ name: String, at: Double = -90) -> RuntimeContainerStatus {
    R.instance(name, .running, hash: F.hash(name), at: at)
}

private func exited(_ name: String, _ code: Int32, at: Double = -90, finished: Double? = nil, restarts: Int = 0)
    -> RuntimeContainerStatus
{
    R.instance(name, .exited(code), hash: F.hash(name), restartCount: restarts, at: at, finished: finished)
}

private func withPolicy(_ policy: RestartPolicy, _ pod: Pod = F.pod()) -> Pod {
    var pod = pod
    pod.spec.restartPolicy = policy
    return pod
}

/// The back-off state after one restart of `app` whose previous instance finished at `lastUpdate`.
private func backOff(delay: Duration, lastUpdate: Double) -> CrashLoopBackOff {
    let key = CrashLoopBackOff.stableKey(pod: F.pod(), container: F.container("app"), hash: F.hash("app"))
    return CrashLoopBackOff(entries: [
        key: CrashLoopBackOff.Entry(delay: delay, lastUpdate: R.now.addingTimeInterval(lastUpdate))
    ])
}

private let cases: [PlannerCase] = [
    PlannerCase(
        name: "first start creates the sandbox and starts the containers",
        pod: F.pod(containers: [F.container("a"), F.container("b")]),
        runtime: nil,
        expected: PlanSummary(killPod: true, createSandbox: true, start: ["a", "b"])
    ),
    PlannerCase(
        name: "first start of a pod with init containers starts only the first one",
        pod: initPod,
        runtime: nil,
        expected: PlanSummary(killPod: true, createSandbox: true, startInit: ["i1"])
    ),
    PlannerCase(
        name: "init order: the next init container after a success",
        pod: initPod,
        runtime: R.runtimePod(containers: [exited("i1", 0)]),
        expected: PlanSummary(startInit: ["i2"])
    ),
    PlannerCase(
        name: "init order: a running init container is waited for",
        pod: initPod,
        runtime: R.runtimePod(containers: [exited("i1", 0), running("i2", at: -50)]),
        expected: PlanSummary()
    ),
    PlannerCase(
        name: "init done: the app containers start",
        pod: initPod,
        runtime: R.runtimePod(containers: [exited("i1", 0), exited("i2", 0, at: -50)]),
        expected: PlanSummary(start: ["app"])
    ),
    PlannerCase(
        name: "init failure under Always restarts the init container",
        pod: initPod,
        runtime: R.runtimePod(containers: [exited("i1", 1)]),
        expected: PlanSummary(startInit: ["i1"])
    ),
    PlannerCase(
        name: "init failure under OnFailure restarts the init container",
        pod: withPolicy(.onFailure, initPod),
        runtime: R.runtimePod(containers: [exited("i1", 1)]),
        expected: PlanSummary(startInit: ["i1"])
    ),
    PlannerCase(
        name: "init failure under Never fails the pod",
        pod: withPolicy(.never, initPod),
        runtime: R.runtimePod(containers: [exited("i1", 1)]),
        expected: PlanSummary(killPod: true, podFailed: true)
    ),
    PlannerCase(
        name: "sidecar first: started before the next init container",
        pod: sidecarPod,
        runtime: R.runtimePod(),
        expected: PlanSummary(startInit: ["sc"])
    ),
    PlannerCase(
        name: "sidecar running: the next init container starts",
        pod: sidecarPod,
        runtime: R.runtimePod(containers: [running("sc")]),
        expected: PlanSummary(startInit: ["i1"])
    ),
    PlannerCase(
        name: "sidecar with a startup probe that has not succeeded holds the next init container",
        pod: startupSidecarPod,
        runtime: R.runtimePod(containers: [R.instance("sc", .running, hash: F.hash("sc"))]),
        expected: PlanSummary()
    ),
    PlannerCase(
        name: "sidecar whose startup probe succeeded lets the next init container start",
        pod: startupSidecarPod,
        runtime: R.runtimePod(containers: [R.instance("sc", .running, hash: F.hash("sc"))]),
        probes: ProbeSnapshot(startupSucceeded: ["sc"]),
        expected: PlanSummary(startInit: ["i1"])
    ),
    PlannerCase(
        name: "sidecar that exited after initialization is restarted whatever the pod policy",
        pod: withPolicy(.never, sidecarPod),
        runtime: R.runtimePod(containers: [
            exited("sc", 0, at: -80), exited("i1", 0, at: -70), running("app", at: -60),
        ]),
        expected: PlanSummary(startInit: ["sc"])
    ),
    PlannerCase(
        name: "crash under Always restarts",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [exited("app", 1)]),
        expected: PlanSummary(start: ["app"])
    ),
    PlannerCase(
        name: "success under Always restarts too",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [exited("app", 0)]),
        expected: PlanSummary(start: ["app"])
    ),
    PlannerCase(
        name: "crash under OnFailure restarts",
        pod: withPolicy(.onFailure),
        runtime: R.runtimePod(containers: [exited("app", 2)]),
        expected: PlanSummary(start: ["app"])
    ),
    PlannerCase(
        name: "all succeeded under OnFailure: nothing restarted, the sandbox stopped",
        pod: withPolicy(.onFailure),
        runtime: R.runtimePod(containers: [exited("app", 0)]),
        expected: PlanSummary(killPod: true)
    ),
    PlannerCase(
        name: "crash under Never: nothing restarted, the sandbox stopped",
        pod: withPolicy(.never),
        runtime: R.runtimePod(containers: [exited("app", 1)]),
        expected: PlanSummary(killPod: true)
    ),
    PlannerCase(
        name: "all done under Never with the sandbox already stopped: nothing to do",
        pod: withPolicy(.never),
        runtime: R.runtimePod(sandboxes: [R.sandbox(ready: false)], containers: [exited("app", 0)]),
        expected: PlanSummary(attempt: 1)
    ),
    PlannerCase(
        name: "back-off not yet due: the start is held back",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [exited("app", 1, at: -30, finished: -5, restarts: 1)]),
        backOff: backOff(delay: .seconds(10), lastUpdate: -40),
        expected: PlanSummary(start: ["app"], backedOff: ["app"])
    ),
    PlannerCase(
        name: "back-off due: the start goes ahead",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [exited("app", 1, at: -30, finished: -15, restarts: 1)]),
        backOff: backOff(delay: .seconds(10), lastUpdate: -40),
        expected: PlanSummary(start: ["app"])
    ),
    PlannerCase(
        name: "back-off forgotten after twice the cap without failures",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [exited("app", 1, at: -30, finished: -1, restarts: 1)]),
        backOff: backOff(delay: .seconds(300), lastUpdate: -700),
        expected: PlanSummary(start: ["app"])
    ),
    PlannerCase(
        name: "spec change replaces the running container",
        pod: F.pod(containers: [F.container("app", image: "docker.io/library/busybox:1.37")]),
        runtime: R.runtimePod(containers: [running("app")]),
        expected: PlanSummary(kill: ["app:specChanged"], start: ["app"])
    ),
    PlannerCase(
        name: "failed liveness probe kills and restarts",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [running("app")]),
        probes: ProbeSnapshot(livenessFailed: ["app"]),
        expected: PlanSummary(kill: ["app:livenessProbe"], start: ["app"])
    ),
    PlannerCase(
        name: "failed liveness of the current instance (by ID) kills it",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [running("app")]),
        probes: ProbeSnapshot(livenessFailed: ["app-0"]),
        expected: PlanSummary(kill: ["app:livenessProbe"], start: ["app"])
    ),
    PlannerCase(
        name: "failed liveness of a replaced instance (by ID) is ignored",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [R.instance("app", .running, hash: F.hash("app"), restartCount: 1)]),
        probes: ProbeSnapshot(livenessFailed: ["app-0"]),
        expected: PlanSummary()
    ),
    PlannerCase(
        name: "unknown state is killed before the restart",
        pod: F.pod(),
        runtime: R.runtimePod(containers: [R.instance("app", .unknown, hash: F.hash("app"))]),
        expected: PlanSummary(kill: ["app:unknownState"], start: ["app"])
    ),
    PlannerCase(
        name: "deletion stops everything and starts nothing",
        pod: {
            var pod = F.pod()
            pod.metadata.deletionTimestamp = R.now
            return pod
        }(),
        runtime: R.runtimePod(containers: [exited("app", 1)]),
        expected: PlanSummary(killPod: true)
    ),
    PlannerCase(
        name: "sandbox died: everything recreated with attempt+1",
        pod: initPod,
        runtime: R.runtimePod(
            sandboxes: [R.sandbox(attempt: 2, ready: false)],
            containers: [exited("i1", 0), exited("i2", 0), exited("app", 137)]
        ),
        expected: PlanSummary(killPod: true, createSandbox: true, attempt: 3, startInit: ["i1"])
    ),
    PlannerCase(
        name: "two ready sandboxes are reconciled into a new one",
        pod: F.pod(),
        runtime: R.runtimePod(
            sandboxes: [R.sandbox("a", attempt: 0, at: -100), R.sandbox("b", attempt: 1, at: -50)],
            containers: [running("app")]
        ),
        expected: PlanSummary(killPod: true, createSandbox: true, attempt: 2, start: ["app"])
    ),
    PlannerCase(
        name: "sandbox without an IP is recreated",
        pod: F.pod(),
        runtime: R.runtimePod(sandboxes: [R.sandbox(ip: "")], containers: [running("app")]),
        expected: PlanSummary(killPod: true, createSandbox: true, attempt: 1, start: ["app"])
    ),
    PlannerCase(
        name: "everything running: nothing to do",
        pod: initPod,
        runtime: R.runtimePod(containers: [exited("i1", 0), exited("i2", 0), running("app", at: -10)]),
        expected: PlanSummary()
    ),
]

@Suite struct PlannerTests {
    @Test(arguments: cases)
    func plans(_ testCase: PlannerCase) {
        let actions = F.plan(testCase.pod, testCase.runtime, backOff: testCase.backOff, probes: testCase.probes)
        #expect(PlanSummary(actions) == testCase.expected)
    }

    @Test func nothingToDoWhenRunning() {
        let actions = F.plan(F.pod(), R.runtimePod(containers: [running("app")]))
        #expect(actions.isNothingToDo)
        #expect(actions.sandboxID == "sb0")
    }

    @Test func backOffCarriesUpstreamMessageAndDueTime() throws {
        let actions = F.plan(
            F.pod(),
            R.runtimePod(containers: [exited("app", 1, at: -30, finished: -5, restarts: 1)]),
            backOff: backOff(delay: .seconds(20), lastUpdate: -40)
        )
        let start = try #require(actions.containersToStart.first)
        let backOff = try #require(start.backOff)
        #expect(backOff.message == "back-off 20s restarting failed container=app pod=web_default(uid-1)")
        #expect(backOff.until == R.now.addingTimeInterval(15))
        #expect(actions.nextBackOffEnd == R.now.addingTimeInterval(15))
        #expect(start.lastFinishedAt == R.now.addingTimeInterval(-5))
    }

    @Test func firstRestartIsImmediate() throws {
        // No back-off entry yet: the first crash restarts at once; the syncer then records the entry.
        let actions = F.plan(F.pod(), R.runtimePod(containers: [exited("app", 1, finished: -1)]))
        let start = try #require(actions.containersToStart.first)
        #expect(start.backOff == nil)
        #expect(start.lastFinishedAt == R.now.addingTimeInterval(-1))
    }

    @Test func specChangeMessages() throws {
        let actions = F.plan(
            F.pod(containers: [F.container("app", image: "other:1")]),
            R.runtimePod(containers: [running("app")])
        )
        let kill = try #require(actions.containersToKill.first)
        #expect(kill.message == "Container app definition changed, will be restarted")
        #expect(kill.containerID == "app-0")
    }
}
