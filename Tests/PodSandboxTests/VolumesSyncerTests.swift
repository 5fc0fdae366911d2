import AgentTestKit
import CRIClient
import Foundation
import KubeAPI
import Logging
@testable import PodSandbox
import Synchronization
import Testing

/// The syncer with an object provider: configMap volumes written under a temporary pods directory (no tmpfs,
/// so no root), env references resolved, failures reported as upstream does.
@Suite("Volumes: syncer")
struct VolumesSyncerTests {
    let root: String
    let provider = FakeObjectProvider()
    let runtime = RecordingRuntime(
        FakeContainerRuntime(images: ["registry.k8s.io/pause:3.9", "docker.io/library/busybox:1.36"]))
    let syncer: PodSyncer

    init() throws {
        self.root = try ConfigFixtures.temporaryDirectory()
        self.syncer = Self.syncer(root: self.root, runtime: self.runtime, provider: self.provider)
    }

    static func syncer(root: String, runtime: RecordingRuntime, provider: FakeObjectProvider?) -> PodSyncer {
        PodSyncer(
            runtime: runtime,
            context: PodConfigContext(
                nodeName: "node-1", nodeIPs: ["192.168.1.10"], resolvConfPath: "",
                podLogsDirectory: root + "/logs", podsDirectory: root + "/pods"),
            volumes: HostVolumeSetup(),
            restartBackOff: BackOffStore(policy: .crashLoop()),
            seccompChecker: FakeSeccompChecker(),
            objects: provider,
            logger: Logger(label: "volumes-syncer-test")
        )
    }

    func pod(env: String = "", annotations: [String: String] = [:]) throws -> Pod {
        try ConfigFixtures.pod(
            annotations: annotations,
            spec: #"""
                {"volumes":[{"name":"config","configMap":{"name":"app-config"}},
                            {"name":"info","downwardAPI":{"items":[{"path":"name","fieldRef":{"fieldPath":"metadata.name"}}]}}],
                 "containers":[{"name":"app","image":"docker.io/library/busybox:1.36",
                   "volumeMounts":[{"name":"config","mountPath":"/etc/app"}]\#(env)}]}
                """#)
    }

    var configFile: String { self.root + "/pods/uid-1/volumes/kubernetes.io~configmap/config/app.conf" }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    func sync(_ pod: Pod, _ previous: PodSyncResult? = nil) async -> PodSyncResult {
        await self.syncer.sync(
            pod: pod, runtimePod: previous?.runtimePod, probes: .empty, previousStatus: previous?.status)
    }

    @Test func missingConfigMapIsFailedMountRetriedUntilItAppears() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        let pod = try self.pod()
        let failed = await self.sync(pod)
        let message = #"MountVolume.SetUp failed for volume "config" : configmap "app-config" not found"#
        #expect(failed.errors.map(\.reason) == ["FailedMount"])
        #expect(failed.errors.first?.message == message)
        #expect(failed.events.contains { $0.reason == "FailedMount" && $0.type == .warning && $0.message == message })
        #expect(!self.runtime.entries.contains { $0.hasPrefix("RunPodSandbox") })
        #expect(failed.status.containerStatuses.first?.state?.waiting?.reason == "ContainerCreating")
        // The downward API volume needs nothing from the API and was written anyway.
        #expect(self.read(self.root + "/pods/uid-1/volumes/kubernetes.io~downward-api/info/name") == "web")

        self.provider.setConfigMap("app-config", ["app.conf": "v1"])
        let started = await self.sync(pod, failed)
        #expect(started.errors.isEmpty, "\(started.errors)")
        #expect(started.status.containerStatuses.first?.state?.running != nil)
        #expect(self.read(self.configFile) == "v1")
        let mounts = try await self.runtime.fake.containerStatus(
            try #require(started.runtimePod?.newest("app")).id).mounts
        let mount = try #require(mounts.first { $0.containerPath == "/etc/app" })
        #expect(mount.readonly)
        #expect(mount.hostPath == self.root + "/pods/uid-1/volumes/kubernetes.io~configmap/config")
    }

    @Test func configMapChangesReachTheFilesOnTheNextSyncOrRefresh() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        let pod = try self.pod()
        self.provider.setConfigMap("app-config", ["app.conf": "v1"])
        let first = await self.sync(pod)
        #expect(self.read(self.configFile) == "v1")

        self.provider.setConfigMap("app-config", ["app.conf": "v2"])
        let second = await self.sync(pod, first)
        #expect(second.actions.isNothingToDo)
        #expect(self.read(self.configFile) == "v2")

        self.provider.setConfigMap("app-config", ["app.conf": "v3", "extra": "x"])
        #expect(await self.syncer.refreshVolumes(pod: pod).isEmpty)
        #expect(self.read(self.configFile) == "v3")
        #expect(self.read(self.root + "/pods/uid-1/volumes/kubernetes.io~configmap/config/extra") == "x")

        self.provider.state.withLock { $0.configMaps = [:] }
        let errors = await self.syncer.refreshVolumes(pod: pod)
        #expect(errors.map(\.message) == [
            #"MountVolume.SetUp failed for volume "config" : configmap "app-config" not found"#
        ])
        #expect(self.read(self.configFile) == "v3")  // the last good content stays
    }

    @Test func missingEnvKeyWaitsWithCreateContainerConfigError() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        self.provider.setConfigMap("app-config", ["app.conf": "v1"])
        let pod = try self.pod(env: #","env":[{"name":"LEVEL","valueFrom":{"configMapKeyRef":{"name":"app-config","key":"level"}}}]"#)
        let result = await self.sync(pod)
        let waiting = try #require(result.status.containerStatuses.first?.state?.waiting)
        #expect(waiting.reason == "CreateContainerConfigError")
        #expect(waiting.message == "couldn't find key level in ConfigMap default/app-config")
        #expect(result.events.contains { $0.reason == "Failed" && $0.message == "Error: couldn't find key level in ConfigMap default/app-config" })
        #expect(!self.runtime.entries.contains { $0.hasPrefix("CreateContainer") })

        self.provider.setConfigMap("app-config", ["app.conf": "v1", "level": "7"])
        let fixed = await self.sync(pod, result)
        #expect(fixed.status.containerStatuses.first?.state?.running != nil)
    }

    @Test func staticPodsMayNotReferenceAPIObjects() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        self.provider.setConfigMap("app-config", ["app.conf": "v1"])
        let pod = try self.pod(annotations: ["kubernetes.io/config.source": "file"])
        let result = await self.sync(pod)
        #expect(result.errors.first?.reason == "FailedMount")
        #expect(result.errors.first?.message.contains("configMap volumes needs the API server") == true)
        #expect(self.provider.log.isEmpty)
    }
}
