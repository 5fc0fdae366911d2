import AgentTestKit
@testable import CRIClient
import GRPCCore
import Testing

/// The real CRIClient against an in-process gRPC server backed by the fake runtime: conversions both ways,
/// deadlines and the mapping of gRPC statuses to CRIError.
@Suite("CRIClient over an in-process gRPC server")
struct CRIClientInProcessTests {
    static let sandbox = PodSandboxConfig(
        metadata: PodSandboxMetadata(name: "web", uid: "uid-1", namespace: "default"),
        hostname: "web",
        logDirectory: "/var/log/pods/default_web_uid-1",
        labels: ["io.kubernetes.pod.uid": "uid-1"]
    )

    @Test func fullLifecycle() async throws {
        let fake = FakeContainerRuntime()
        try await withInProcessCRIClient(serving: fake) { runtime in
            let version = try await runtime.version()
            #expect(version.runtimeName == "fake")
            #expect(version.runtimeAPIVersion == "v1")
            #expect(try await runtime.status(verbose: false).isReady)

            let sandboxID = try await runtime.runPodSandbox(Self.sandbox, runtimeHandler: "")
            let sandboxStatus = try await runtime.podSandboxStatus(sandboxID)
            #expect(sandboxStatus.state == .ready)
            #expect(!sandboxStatus.ip.isEmpty)
            #expect(sandboxStatus.metadata == Self.sandbox.metadata)

            let config = ContainerConfig(
                metadata: ContainerMetadata(name: "app"),
                image: ImageSpec("docker.io/library/busybox:1.36"),
                command: ["sleep", "3600"],
                labels: ["io.kubernetes.container.name": "app"],
                logPath: "app/0.log"
            )
            let containerID = try await runtime.createContainer(inSandbox: sandboxID, config, sandboxConfig: Self.sandbox)
            try await runtime.startContainer(containerID)
            let running = try await runtime.containerStatus(containerID)
            #expect(running.state == .running)
            #expect(running.logPath == "/var/log/pods/default_web_uid-1/app/0.log")

            let exec = try await runtime.execSync(containerID, command: ["echo", "hi"], timeout: .seconds(5))
            #expect(exec.stdoutText == "echo hi\n")
            #expect(exec.exitCode == 0)

            let listed = try await runtime.listContainers(ContainerFilter(state: .running, podSandboxID: sandboxID))
            #expect(listed.map(\.id) == [containerID])
            #expect(listed.first?.labels["io.kubernetes.container.name"] == "app")
            let bySelector = try await runtime.listPodSandboxes(PodSandboxFilter(labelSelector: ["io.kubernetes.pod.uid": "uid-1"]))
            #expect(bySelector.map(\.id) == [sandboxID])

            try await runtime.stopContainer(containerID, timeout: .seconds(30))
            #expect(try await runtime.containerStatus(containerID).state == .exited)
            try await runtime.stopPodSandbox(sandboxID)
            try await runtime.removePodSandbox(sandboxID)
            #expect(try await runtime.listPodSandboxes(nil).isEmpty)
            #expect(try await runtime.listContainers(nil).isEmpty)
        }
        #expect(fake.calls.prefix(3) == ["Version", "Status", "RunPodSandbox"])
    }

    @Test func imagesAndStats() async throws {
        let fake = FakeContainerRuntime()
        try await withInProcessCRIClient(serving: fake) { runtime in
            let present = try await runtime.imageStatus(ImageSpec("docker.io/library/busybox:1.36"))
            #expect(present?.repoTags == ["docker.io/library/busybox:1.36"])
            #expect(try await runtime.imageStatus(ImageSpec("example.com/absent:1")) == nil)
            #expect(try await runtime.listImages(nil).count == 2)
            let filesystems = try await runtime.imageFsInfo()
            #expect(filesystems.first?.usedBytes == 1 << 20)
            let pull = await #expect(throws: CRIError.self) {
                try await runtime.pullImage(ImageSpec("example.com/absent:1"), auth: nil, sandboxConfig: nil)
            }
            #expect(pull?.method == "PullImage")
            #expect(pull?.message.contains("example.com/absent:1") == true)
        }
    }

    @Test(arguments: [
        (CRIError.Code.notFound, "sandbox gone"),
        (.unavailable, "runtime restarting"),
        (.internal, "failed to create containerd task"),
        (.invalidArgument, "bad config"),
        (.alreadyExists, "name reserved"),
        (.resourceExhausted, "too many"),
    ])
    func runtimeErrorsKeepCodeAndMessage(code: CRIError.Code, message: String) async throws {
        let fake = FakeContainerRuntime()
        fake.failNext("RunPodSandbox", code: code, message: message)
        try await withInProcessCRIClient(serving: fake) { runtime in
            let error = await #expect(throws: CRIError.self) {
                try await runtime.runPodSandbox(Self.sandbox, runtimeHandler: "")
            }
            #expect(error?.code == code)
            #expect(error?.method == "RunPodSandbox")
            #expect(error?.message == message)
            // The failure was scripted once: the next call succeeds.
            let id = try await runtime.runPodSandbox(Self.sandbox, runtimeHandler: "")
            #expect(!id.isEmpty)
        }
    }

    @Test func missingObjectsAreNotFound() async throws {
        try await withInProcessCRIClient(serving: FakeContainerRuntime()) { runtime in
            let status = await #expect(throws: CRIError.self) { try await runtime.containerStatus("nope") }
            #expect(status?.code == .notFound)
            let create = await #expect(throws: CRIError.self) {
                let id = try await runtime.runPodSandbox(Self.sandbox, runtimeHandler: "")
                _ = try await runtime.createContainer(
                    inSandbox: id,
                    ContainerConfig(metadata: ContainerMetadata(name: "x"), image: ImageSpec("example.com/none:1")),
                    sandboxConfig: Self.sandbox
                )
            }
            #expect(create?.code == .notFound)
            #expect(create?.message.contains("example.com/none:1") == true)
        }
    }

    @Test func slowStatusCallsHitTheirShortDeadline() async throws {
        let fake = FakeContainerRuntime()
        fake.setDelay("Status", .seconds(30))
        var configuration = CRIClientConfiguration(socketPath: "/nonexistent.sock")
        configuration.statusTimeout = .milliseconds(200)
        try await withInProcessCRIClient(serving: fake, configuration: configuration) { runtime in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: CRIError.self) { try await runtime.status(verbose: false) }
            #expect(error?.code == .deadlineExceeded)
            #expect(clock.now - start < .seconds(10))
            // Calls that do work have the longer request deadline and are unaffected.
            let id = try await runtime.runPodSandbox(Self.sandbox, runtimeHandler: "")
            #expect(!id.isEmpty)
        }
    }

    @Test func unavailableNamesAMissingSocket() {
        let rpc = RPCError(code: .unavailable, message: "connection refused")
        let missing = CRIError(rpcError: rpc, method: "Version", socketPath: "/run/definitely-missing/c.sock")
        #expect(missing.code == .unavailable)
        #expect(missing.message.contains("/run/definitely-missing/c.sock does not exist"))
        let present = CRIError(rpcError: rpc, method: "Version", socketPath: "/")
        #expect(present.message == "connection refused")
        #expect("\(present)" == "CRI Version failed (unavailable): connection refused")
    }

    @Test func durationsRoundUpToWholeSeconds() {
        #expect(Duration.zero.wholeSecondsRoundedUp == 0)
        #expect(Duration.milliseconds(1).wholeSecondsRoundedUp == 1)
        #expect(Duration.seconds(30).wholeSecondsRoundedUp == 30)
        #expect(Duration.milliseconds(30_500).wholeSecondsRoundedUp == 31)
    }
}

@Suite("Runtime endpoints")
struct EndpointTests {
    @Test(arguments: [
        ("unix:///run/containerd/containerd.sock", "/run/containerd/containerd.sock"),
        ("/run/crio/crio.sock", "/run/crio/crio.sock"),
    ])
    func acceptsUnixSockets(endpoint: String, path: String) throws {
        #expect(try CRIClientConfiguration(endpoint: endpoint).socketPath == path)
    }

    @Test(arguments: ["tcp://127.0.0.1:1234", "npipe:////./pipe/containerd", "run/relative.sock", "unix://relative"])
    func rejectsOthersNamingTheEndpoint(endpoint: String) {
        let error = #expect(throws: CRIEndpointError.self) { try CRIClientConfiguration(endpoint: endpoint) }
        #expect(error?.description.contains(endpoint) == true)
    }

    @Test func defaultsFollowUpstream() {
        let configuration = CRIClientConfiguration(socketPath: "/x")
        #expect(configuration.requestTimeout == .seconds(120))
        #expect(configuration.statusTimeout < configuration.requestTimeout)
        #expect(configuration.pullTimeout == nil)
    }
}
