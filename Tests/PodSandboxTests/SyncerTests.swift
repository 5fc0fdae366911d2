import AgentTestKit
import CRIClient
import Foundation
import KubeAPI
@testable import PodSandbox
import Testing

private let busybox = "docker.io/library/busybox:1.36"

private func pod(
    containers: [Container] = [Container(name: "app", image: busybox)],
    initContainers: [Container] = [],
    restartPolicy: RestartPolicy? = nil,
    grace: Int64? = nil
) -> Pod {
    Pod(
        metadata: ObjectMeta(name: "web", namespace: "default", uid: "uid-1"),
        spec: PodSpec(
            initContainers: initContainers,
            containers: containers,
            restartPolicy: restartPolicy,
            terminationGracePeriodSeconds: grace
        )
    )
}

private func newestID(_ result: PodSyncResult, _ name: String) throws -> String {
    let runtimePod = try #require(result.runtimePod)
    return try #require(runtimePod.newest(name)).id
}

extension SyncerHarness {
    func sync(_ pod: Pod, _ runtimePod: RuntimePod?, previous: PodStatus? = nil) async -> PodSyncResult {
        await self.syncer.sync(pod: pod, runtimePod: runtimePod, probes: .empty, previousStatus: previous)
    }

    /// Syncs with what the runtime runs now, as the engine does after the relist saw a change.
    func resync(_ pod: Pod, previous: PodStatus? = nil) async throws -> PodSyncResult {
        let current = try await RuntimeRelister(runtime: self.fake).inspect(podUID: pod.metadata.uid)
        return await self.sync(pod, current, previous: previous)
    }
}

@Suite struct SyncerTests {
    @Test func firstStartCreatesTheSandboxThenTheContainersInOrder() async throws {
        let harness = SyncerHarness()
        let spec = pod(containers: [Container(name: "a", image: busybox), Container(name: "b", image: busybox)])
        let result = await harness.syncer.sync(pod: spec, runtimePod: nil, probes: .empty, previousStatus: nil)

        #expect(result.errors.isEmpty, "\(result.errors)")
        let order = harness.runtime.entries.filter {
            $0.hasPrefix("RunPodSandbox") || $0.hasPrefix("CreateContainer") || $0.hasPrefix("StartContainer")
        }
        #expect(order == [
            "RunPodSandbox 0", "CreateContainer a", "StartContainer a", "CreateContainer b", "StartContainer b",
        ])
        // The result is read back from the runtime: no relist needed.
        let runtimePod = try #require(result.runtimePod)
        #expect(runtimePod.sandboxes.count == 1)
        #expect(runtimePod.containers.map(\.state) == [.running, .running])
        #expect(result.status.phase == .running)
        #expect(result.status.containerStatuses.map(\.ready) == [true, true])
        #expect(result.status.podIP == runtimePod.latestSandbox?.ip)
        #expect(result.events.map(\.reason).filter { $0 != "Pulled" } == ["Created", "Started", "Created", "Started"])
        #expect(harness.volumes.entries.contains("writeFile /tmp/node-agent-test/pods/uid-1/etc-hosts"))

        // A second sync finds nothing to do.
        let again = await harness.syncer.sync(
            pod: spec,
            runtimePod: result.runtimePod,
            probes: .empty,
            previousStatus: result.status
        )
        #expect(again.actions.isNothingToDo)
        #expect(again.runtimePod == result.runtimePod)
    }

    @Test func initContainersRunOneAfterAnother() async throws {
        let harness = SyncerHarness()
        let spec = pod(initContainers: [Container(name: "i1", image: busybox), Container(name: "i2", image: busybox)])
        var result = await harness.syncer.sync(pod: spec, runtimePod: nil, probes: .empty, previousStatus: nil)
        #expect(harness.log("CreateContainer") == ["i1"])
        #expect(result.status.phase == .pending)

        harness.fake.exitContainer(try newestID(result, "i1"), exitCode: 0)
        result = try await harness.resync(spec)
        #expect(harness.log("CreateContainer") == ["i1", "i2"])

        harness.fake.exitContainer(try newestID(result, "i2"), exitCode: 0)
        result = try await harness.resync(spec)
        #expect(harness.log("CreateContainer") == ["i1", "i2", "app"])
        #expect(result.status.phase == .running)
        #expect(result.status.initContainerStatuses.map(\.ready) == [true, true])
    }

    @Test func crashRestartsWithBackOff() async throws {
        let harness = SyncerHarness()
        let spec = pod()
        var result = await harness.syncer.sync(pod: spec, runtimePod: nil, probes: .empty, previousStatus: nil)

        // First crash: restarted at once.
        harness.fake.exitContainer(try newestID(result, "app"), exitCode: 1)
        result = try await harness.resync(spec)
        #expect(harness.log("CreateContainer") == ["app", "app"])
        #expect(result.status.containerStatuses[0].restartCount == 1)
        #expect(result.retryAfter == nil)

        // Second crash: held back 10 s.
        harness.fake.exitContainer(try newestID(result, "app"), exitCode: 1)
        result = try await harness.resync(spec)
        #expect(harness.log("CreateContainer").count == 2)
        let waiting = try #require(result.status.containerStatuses[0].state?.waiting)
        #expect(waiting.reason == "CrashLoopBackOff")
        #expect(waiting.message == "back-off 10s restarting failed container=app pod=web_default(uid-1)")
        #expect(result.status.containerStatuses[0].lastState?.terminated?.exitCode == 1)
        #expect(result.events.contains {
            $0.reason == "BackOff" && $0.message == "Back-off restarting failed container app in pod web_default(uid-1)"
        })
        let retry = try #require(result.retryAfter)
        #expect(retry > .seconds(9) && retry <= .seconds(10))

        // After the delay: restarted, and the next delay doubles.
        harness.clock.advance(seconds: 11)
        result = await harness.sync(spec, result.runtimePod)
        #expect(harness.log("CreateContainer").count == 3)
        #expect(result.status.containerStatuses[0].state?.running != nil)
        #expect(result.status.containerStatuses[0].restartCount == 2)
        harness.fake.exitContainer(try newestID(result, "app"), exitCode: 1)
        result = try await harness.resync(spec)
        #expect(result.status.containerStatuses[0].state?.waiting?.message?.hasPrefix("back-off 20s") == true)
    }

    @Test func presentImageIsNotPulled() async throws {
        let harness = SyncerHarness()
        let result = await harness.syncer.sync(pod: pod(), runtimePod: nil, probes: .empty, previousStatus: nil)
        #expect(harness.log("PullImage").isEmpty)
        #expect(result.events.contains {
            $0.reason == "Pulled" && $0.message == "Container image \"\(busybox)\" already present on machine"
        })
    }

    @Test func neverPolicyWithAMissingImage() async throws {
        let harness = SyncerHarness()
        let spec = pod(containers: [Container(name: "app", image: "example.com/missing:1", imagePullPolicy: .never)])
        let result = await harness.syncer.sync(pod: spec, runtimePod: nil, probes: .empty, previousStatus: nil)
        #expect(harness.log("PullImage").isEmpty)
        #expect(harness.log("CreateContainer").isEmpty)
        let waiting = try #require(result.status.containerStatuses[0].state?.waiting)
        #expect(waiting.reason == "ErrImageNeverPull")
        #expect(waiting.message == "Container image \"example.com/missing:1\" is not present with pull policy of Never")
        #expect(result.status.phase == .pending)
        #expect(result.errors.map(\.reason) == ["ErrImageNeverPull"])
    }

    @Test func failedPullBacksOff() async throws {
        let harness = SyncerHarness()
        let spec = pod(containers: [Container(name: "app", image: "example.com/missing:1")])
        var result = await harness.syncer.sync(pod: spec, runtimePod: nil, probes: .empty, previousStatus: nil)
        #expect(harness.log("PullImage") == ["example.com/missing:1"])
        #expect(result.status.containerStatuses[0].state?.waiting?.reason == "ErrImagePull")
        #expect(result.retryAfter == .seconds(10))

        result = await harness.sync(spec, result.runtimePod)
        #expect(harness.log("PullImage").count == 1)
        #expect(result.status.containerStatuses[0].state?.waiting?.reason == "ImagePullBackOff")
        let message = result.status.containerStatuses[0].state?.waiting?.message
        #expect(message == "Back-off pulling image \"example.com/missing:1\"")

        harness.clock.advance(seconds: 10)
        result = await harness.sync(spec, result.runtimePod)
        #expect(harness.log("PullImage").count == 2)
        #expect(result.retryAfter == .seconds(20))
    }

    @Test func failingPostStartHookKillsTheContainer() async throws {
        let harness = SyncerHarness()
        harness.fake.setExecHandler { _, command in
            ExecResult(stderr: Array("nope\n".utf8), exitCode: command == ["fail"] ? 1 : 0)
        }
        var container = Container(name: "app", image: busybox)
        container.lifecycle = Lifecycle(postStart: LifecycleHandler(exec: ExecAction(command: ["fail"])))
        let result = await harness.sync(pod(containers: [container]), nil)
        #expect(harness.log("ExecSync") == ["app"])
        #expect(harness.log("StopContainer") == ["app"])
        let waiting = try #require(result.status.containerStatuses[0].state?.waiting)
        #expect(waiting.reason == "PostStartHookError")
        #expect(waiting.message?.contains("exited with 1") == true)
        #expect(result.events.map(\.reason).contains("FailedPostStartHook"))
    }

    @Test func specChangeReplacesTheContainer() async throws {
        let harness = SyncerHarness(images: ["docker.io/library/busybox:1.36", "docker.io/library/busybox:1.37"])
        var result = await harness.syncer.sync(pod: pod(), runtimePod: nil, probes: .empty, previousStatus: nil)
        let changed = pod(containers: [Container(name: "app", image: "docker.io/library/busybox:1.37")])
        result = await harness.sync(changed, result.runtimePod, previous: result.status)
        #expect(harness.log("StopContainer") == ["app"])
        #expect(harness.log("CreateContainer") == ["app", "app"])
        #expect(result.events.contains { $0.reason == "Killing" && $0.message.contains("definition changed") })
        #expect(result.status.containerStatuses[0].image == "docker.io/library/busybox:1.37")
        #expect(result.status.containerStatuses[0].restartCount == 1)
    }

    @Test func deadSandboxIsRecreatedWithTheNextAttempt() async throws {
        let harness = SyncerHarness()
        var result = await harness.syncer.sync(pod: pod(), runtimePod: nil, probes: .empty, previousStatus: nil)
        let sandbox = try #require(result.runtimePod?.latestSandbox)
        try await harness.fake.stopPodSandbox(sandbox.id)
        let runtimePod = try await RuntimeRelister(runtime: harness.fake).inspect(podUID: "uid-1")
        result = await harness.syncer.sync(pod: pod(), runtimePod: runtimePod, probes: .empty, previousStatus: nil)
        #expect(harness.log("RunPodSandbox") == ["0", "1"])
        #expect(result.events.map(\.reason).contains("SandboxChanged"))
        #expect(result.runtimePod?.latestSandbox?.metadata.attempt == 1)
        #expect(result.status.containerStatuses[0].state?.running != nil)
    }

    @Test func terminateRunsPreStopThenStopsMainContainersThenSidecarsInReverse() async throws {
        let harness = SyncerHarness()
        var main = Container(name: "main", image: busybox)
        main.lifecycle = Lifecycle(preStop: LifecycleHandler(exec: ExecAction(command: ["drain"])))
        let spec = pod(
            containers: [main],
            initContainers: [
                Container(name: "s1", image: busybox, restartPolicy: .always),
                Container(name: "s2", image: busybox, restartPolicy: .always),
            ],
            grace: 20
        )
        var result = await harness.syncer.sync(pod: spec, runtimePod: nil, probes: .empty, previousStatus: nil)
        for _ in 0..<3 {
            result = await harness.sync(spec, result.runtimePod)
        }
        #expect(harness.log("StartContainer") == ["s1", "s2", "main"])

        let termination = await harness.syncer.terminate(pod: spec, runtimePod: result.runtimePod, gracePeriod: .seconds(20))
        #expect(termination.left == nil)
        // The final status is read after the stop, before the removal: every container terminated, phase terminal.
        let final = try #require(termination.finalStatus)
        #expect(final.phase == .failed || final.phase == .succeeded)
        #expect(final.containerStatuses.allSatisfy { $0.state?.terminated != nil })
        let stops = harness.runtime.entries.filter { $0.hasPrefix("StopContainer") || $0.hasPrefix("ExecSync") }
        #expect(stops == ["ExecSync main", "StopContainer main", "StopContainer s2", "StopContainer s1"])
        #expect(harness.runtime.entries.suffix(2) == ["StopPodSandbox", "RemovePodSandbox"])
        #expect(harness.volumes.entries.last == "tearDown uid-1")
        #expect(try await harness.fake.listContainers(nil).isEmpty)
    }

    @Test func orphanIsStoppedWithItsAnnotatedPreStopAndRemoved() async throws {
        let harness = SyncerHarness()
        var container = Container(name: "app", image: busybox)
        container.lifecycle = Lifecycle(preStop: LifecycleHandler(exec: ExecAction(command: ["bye"])))
        let result = await harness.sync(pod(containers: [container], grace: 5), nil)
        let runtimePod = try #require(result.runtimePod)
        let (restored, grace) = PodSyncer.restoreSpec(try #require(runtimePod.newest("app")))
        #expect(restored.lifecycle?.preStop?.exec?.command == ["bye"])
        #expect(grace == .seconds(5))

        let left = await harness.syncer.removeOrphan(runtimePod)
        #expect(left == nil)
        #expect(harness.log("ExecSync") == ["app"])
        #expect(harness.log("StopContainer") == ["app"])
        #expect(try await harness.fake.listPodSandboxes(nil).isEmpty)
    }

    @Test func runAsNonRootIsCheckedAgainstTheImageUser() async throws {
        let harness = SyncerHarness()
        var container = Container(name: "app", image: busybox)
        container.securityContext = SecurityContext(runAsNonRoot: true)
        let result = await harness.sync(pod(containers: [container]), nil)
        #expect(harness.log("CreateContainer").isEmpty)
        let waiting = try #require(result.status.containerStatuses[0].state?.waiting)
        #expect(waiting.reason == "CreateContainerConfigError")
        #expect(waiting.message?.hasPrefix("container has runAsNonRoot and image will run as root") == true)
        #expect(result.events.contains { $0.type == .warning && $0.reason == "Failed" })
    }

    @Test func deletedPodIsStoppedBySync() async throws {
        let harness = SyncerHarness()
        var spec = pod(grace: 3)
        let started = await harness.sync(spec, nil)
        spec.metadata.deletionTimestamp = harness.clock.now
        let result = await harness.sync(spec, started.runtimePod, previous: started.status)
        #expect(result.actions.killPod)
        #expect(harness.log("StopContainer") == ["app"])
        #expect(harness.runtime.entries.last == "StopPodSandbox")
        #expect(result.status.containerStatuses[0].state?.terminated?.exitCode == 137)
    }

    @Test func sidecarsAndTheAppStartInOneSync() async throws {
        let harness = SyncerHarness()
        let spec = pod(initContainers: [
            Container(name: "s1", image: busybox, restartPolicy: .always),
            Container(name: "s2", image: busybox, restartPolicy: .always),
        ])
        let result = await harness.sync(spec, nil)
        #expect(harness.log("StartContainer") == ["s1", "s2", "app"])
        #expect(harness.log("RunPodSandbox") == ["0"])
        #expect(result.actions.createSandbox)
        #expect(result.status.phase == .running)
        #expect(result.status.initContainerStatuses.map(\.started) == [true, true])
        #expect(await harness.sync(spec, result.runtimePod).actions.isNothingToDo)
    }
}
