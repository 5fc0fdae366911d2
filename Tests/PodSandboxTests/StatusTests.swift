import CRIClient
import Foundation
import KubeAPI
@testable import PodSandbox
import Testing

private typealias F = PlannerFixtures
private typealias R = RuntimeFixtures

private let builder = PodStatusBuilder(runtimeName: "containerd", nodeIPs: ["192.168.1.10"])

private func build(
    _ pod: Pod,
    _ runtime: RuntimePod?,
    waiting: [String: WaitingReason] = [:],
    probes: ProbeSnapshot = .empty,
    previous: PodStatus? = nil,
    now: Date = R.now
) -> PodStatus {
    builder.build(pod: pod, runtimePod: runtime, waitingReasons: waiting, probes: probes, previous: previous, now: now)
}

private func condition(_ status: PodStatus, _ type: PodConditionType) -> PodCondition? {
    status.conditions.first { $0.type == type }
}

private func running(_ name: String, at: Double = -90, restarts: Int = 0) -> RuntimeContainerStatus {
    R.instance(name, .running, hash: F.hash(name), restartCount: restarts, at: at)
}

private func exited(_ name: String, _ code: Int32, at: Double = -90, restarts: Int = 0) -> RuntimeContainerStatus {
    R.instance(name, .exited(code), hash: F.hash(name), restartCount: restarts, at: at)
}

private func withPolicy(_ policy: RestartPolicy, _ pod: Pod = F.pod()) -> Pod {
    var pod = pod
    pod.spec.restartPolicy = policy
    return pod
}

@Suite struct StatusTests {
    @Test func beforeAnythingRuns() throws {
        let status = build(F.pod(), nil)
        #expect(status.phase == .pending)
        #expect(status.containerStatuses.map(\.name) == ["app"])
        #expect(status.containerStatuses[0].state?.waiting?.reason == "ContainerCreating")
        #expect(status.containerStatuses[0].ready == false)
        #expect(status.containerStatuses[0].image == F.image)
        #expect(status.conditions.map(\.type) == [
            .podReadyToStartContainers, .initialized, .ready, .containersReady, .podScheduled,
        ])
        #expect(condition(status, .podReadyToStartContainers)?.status == .false)
        #expect(condition(status, .initialized)?.status == .true)
        let ready = try #require(condition(status, .ready))
        #expect(ready.status == .false)
        #expect(ready.reason == "ContainersNotReady")
        #expect(ready.message == "containers with unready status: [app]")
        #expect(condition(status, .podScheduled)?.status == .true)
        #expect(status.startTime == R.now)
        #expect(status.hostIP == "192.168.1.10")
        #expect(status.qosClass == .bestEffort)
    }

    @Test func initContainersNotRunYet() throws {
        let pod = F.pod(initContainers: [F.container("i1"), F.container("i2")])
        let status = build(pod, R.runtimePod(containers: [running("i1")]))
        #expect(status.phase == .pending)
        #expect(status.initContainerStatuses.map(\.name) == ["i1", "i2"])
        #expect(status.initContainerStatuses[0].state?.running != nil)
        #expect(status.initContainerStatuses[1].state?.waiting?.reason == "PodInitializing")
        #expect(status.containerStatuses[0].state?.waiting?.reason == "PodInitializing")
        let initialized = try #require(condition(status, .initialized))
        #expect(initialized.status == .false)
        #expect(initialized.reason == "ContainersNotInitialized")
        #expect(initialized.message == "containers with incomplete status: [i1 i2]")
    }

    @Test func runningPod() throws {
        let status = build(F.pod(containers: [F.container("a"), F.container("b")]), R.runtimePod(containers: [
            running("a"), running("b", at: -80),
        ]))
        #expect(status.phase == .running)
        let first = status.containerStatuses[0]
        #expect(first.ready && first.started == true)
        #expect(first.containerID == "containerd://a-0")
        #expect(first.imageID == "sha256:feed")
        #expect(first.state?.running?.startedAt == R.now.addingTimeInterval(-89))
        #expect(status.podIP == "10.88.0.5")
        #expect(status.podIPs.map(\.ip) == ["10.88.0.5"])
        for type in [PodConditionType.podReadyToStartContainers, .initialized, .ready, .containersReady] {
            #expect(condition(status, type)?.status == .true, "\(type)")
        }
    }

    @Test func readinessProbeDecidesReady() {
        var pod = F.pod()
        pod.spec.containers[0].readinessProbe = Probe(exec: ExecAction(command: ["true"]))
        let runtime = R.runtimePod(containers: [running("app")])
        let notReady = build(pod, runtime)
        #expect(notReady.containerStatuses[0].ready == false)
        #expect(condition(notReady, .containersReady)?.message == "containers with unready status: [app]")
        let ready = build(pod, runtime, probes: ProbeSnapshot(ready: ["app"]))
        #expect(ready.containerStatuses[0].ready)
        #expect(condition(ready, .ready)?.status == .true)
    }

    @Test func crashLoopShowsTheWaitingReasonAndLastState() throws {
        let runtime = R.runtimePod(containers: [
            exited("app", 1, at: -20, restarts: 2), exited("app", 1, at: -60, restarts: 1),
        ])
        let message = "back-off 20s restarting failed container=app pod=web_default(uid-1)"
        let waiting = ["app": WaitingReason(reason: "CrashLoopBackOff", message: message)]
        let status = build(F.pod(), runtime, waiting: waiting)
        let app = status.containerStatuses[0]
        #expect(app.state?.waiting == ContainerStateWaiting(reason: "CrashLoopBackOff", message: message))
        let last = try #require(app.lastState?.terminated)
        #expect(last.exitCode == 1)
        #expect(last.reason == "Error")
        #expect(last.containerID == "containerd://app-2")
        #expect(app.restartCount == 2)
        #expect(status.phase == .running)
    }

    @Test func runningAfterRestartKeepsThePreviousInstanceAsLastState() {
        let runtime = R.runtimePod(containers: [running("app", at: -10, restarts: 1), exited("app", 137, at: -60)])
        let status = build(F.pod(), runtime)
        #expect(status.containerStatuses[0].state?.running != nil)
        #expect(status.containerStatuses[0].lastState?.terminated?.exitCode == 137)
        #expect(status.containerStatuses[0].restartCount == 1)
    }

    @Test(arguments: [
        (RestartPolicy.always, Int32(0), PodPhase.running),
        (.always, 1, .running),
        (.onFailure, 0, .succeeded),
        (.onFailure, 1, .running),
        (.never, 0, .succeeded),
        (.never, 1, .failed),
    ])
    func phaseOfAStoppedPod(policy: RestartPolicy, exitCode: Int32, phase: PodPhase) {
        let status = build(withPolicy(policy), R.runtimePod(containers: [exited("app", exitCode)]))
        #expect(status.phase == phase)
    }

    @Test func completedPodConditions() throws {
        let status = build(withPolicy(.never), R.runtimePod(containers: [exited("app", 0)]))
        #expect(condition(status, .containersReady)?.reason == "PodCompleted")
        #expect(condition(status, .ready)?.reason == "PodCompleted")
        #expect(condition(status, .initialized)?.status == .true)
        let failed = build(withPolicy(.never), R.runtimePod(containers: [exited("app", 3)]))
        #expect(condition(failed, .containersReady)?.reason == "PodFailed")
    }

    @Test func initFailureUnderNeverFailsThePod() {
        let pod = withPolicy(.never, F.pod(initContainers: [F.container("i1")]))
        let status = build(pod, R.runtimePod(containers: [exited("i1", 1)]))
        #expect(status.phase == .failed)
        #expect(status.initContainerStatuses[0].state?.terminated?.exitCode == 1)
        #expect(status.initContainerStatuses[0].ready == false)
        // Not restarted: no waiting reason applies.
        let withReason = build(pod, R.runtimePod(containers: [exited("i1", 1)]), waiting: [
            "i1": WaitingReason(reason: "CrashLoopBackOff", message: "m")
        ])
        #expect(withReason.initContainerStatuses[0].state?.terminated != nil)
    }

    @Test func succeededInitContainerIsReady() {
        let pod = F.pod(initContainers: [F.container("i1")])
        let status = build(pod, R.runtimePod(containers: [exited("i1", 0), running("app", at: -10)]))
        #expect(status.initContainerStatuses[0].ready)
        #expect(condition(status, .initialized)?.status == .true)
        #expect(status.phase == .running)
    }

    @Test func sidecarNotStartedKeepsThePodPending() {
        var pod = F.pod(initContainers: [F.container("sc", sidecar: true)])
        pod.spec.initContainers[0].startupProbe = Probe(exec: ExecAction(command: ["true"]))
        let runtime = R.runtimePod(containers: [running("sc")])
        let status = build(pod, runtime)
        #expect(status.phase == .pending)
        #expect(status.initContainerStatuses[0].started == false)
        #expect(condition(status, .initialized)?.status == .false)
        let started = build(pod, runtime, probes: ProbeSnapshot(startupSucceeded: ["sc"]))
        #expect(started.initContainerStatuses[0].started == true)
        #expect(condition(started, .initialized)?.status == .true)
    }

    @Test func transitionTimesAndStartTimeCarryOver() throws {
        let runtime = R.runtimePod(containers: [running("app")])
        let first = build(F.pod(), runtime, now: R.now)
        let later = R.now.addingTimeInterval(60)
        let second = build(F.pod(), runtime, previous: first, now: later)
        #expect(condition(second, .ready)?.lastTransitionTime == R.now)
        #expect(second.startTime == R.now)
        let crashed = build(F.pod(), R.runtimePod(containers: [exited("app", 1)]), previous: second, now: later)
        #expect(condition(crashed, .ready)?.status == .false)
        #expect(condition(crashed, .ready)?.lastTransitionTime == later)
        #expect(condition(crashed, .podScheduled)?.lastTransitionTime == R.now)
    }

    @Test func terminalPhaseIsKept() {
        var pod = withPolicy(.never)
        pod.status = PodStatus(phase: .succeeded)
        let status = build(pod, R.runtimePod(containers: [running("app")]))
        #expect(status.phase == .succeeded)
    }

    @Test func hostNetworkPodUsesTheNodeIP() {
        var pod = F.pod()
        pod.spec.hostNetwork = true
        let status = build(pod, R.runtimePod(sandboxes: [R.sandbox(ip: "")], containers: [running("app")]))
        #expect(status.podIP == "192.168.1.10")
        #expect(status.hostIPs.map(\.ip) == ["192.168.1.10"])
    }

    @Test func containerCreatingWithAReasonFromTheLastSync() {
        let status = build(F.pod(), R.runtimePod(), waiting: [
            "app": WaitingReason(reason: "ErrImageNeverPull", message: "Container image \"x\" is not present"),
        ])
        #expect(status.containerStatuses[0].state?.waiting?.reason == "ErrImageNeverPull")
        #expect(status.phase == .pending)
        #expect(condition(status, .podReadyToStartContainers)?.status == .true)
    }

    @Test func terminationMessageIsAppended() {
        let runtime = R.runtimePod(containers: [exited("app", 2)])
        let status = builder.build(
            pod: withPolicy(.never),
            runtimePod: runtime,
            waitingReasons: [:],
            probes: .empty,
            previous: nil,
            now: R.now,
            terminationMessages: ["app-0": "disk full"]
        )
        #expect(status.containerStatuses[0].state?.terminated?.message == "disk full")
    }

    @Test func logTailKeepsTheLastLinesOfTheContainer() {
        let log = """
            2026-11-29T10:00:00.000000001Z stdout F starting
            2026-11-29T10:00:01.000000001Z stderr P par
            2026-11-29T10:00:01.000000002Z stderr F tial
            2026-11-29T10:00:02.000000001Z stderr F boom

            """
        #expect(TerminationMessages.parseLogTail(log) == "starting\npartial\nboom\n")
    }
}
