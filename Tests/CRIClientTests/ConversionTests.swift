@testable import CRIClient
import Testing

@Suite("Proto <-> domain conversions")
struct ConversionTests {
    static let sandbox = PodSandboxConfig(
        metadata: PodSandboxMetadata(name: "web", uid: "1234-abcd", namespace: "default", attempt: 2),
        hostname: "web",
        logDirectory: "/var/log/pods/default_web_1234-abcd",
        dnsConfig: DNSConfig(
            servers: ["10.96.0.10"],
            searches: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
            options: ["ndots:5"]
        ),
        portMappings: [
            PortMapping(protocol: .tcp, containerPort: 80, hostPort: 8080, hostIP: "0.0.0.0"),
            PortMapping(protocol: .udp, containerPort: 53, hostPort: 5353),
            PortMapping(protocol: .sctp, containerPort: 9000),
        ],
        labels: ["io.kubernetes.pod.name": "web", "io.kubernetes.pod.uid": "1234-abcd"],
        annotations: ["kubernetes.io/config.source": "file"],
        linux: LinuxPodSandboxConfig(
            cgroupParent: "/kubepods/besteffort/pod1234-abcd",
            securityContext: LinuxSandboxSecurityContext(
                namespaceOptions: NamespaceOptions(network: .node, pid: .container, ipc: .pod),
                runAsUser: 1000,
                runAsGroup: 3000,
                readonlyRootfs: true,
                supplementalGroups: [4000, 5000],
                privileged: false,
                seccomp: .runtimeDefault
            ),
            sysctls: ["net.ipv4.ip_unprivileged_port_start": "0"],
            resources: LinuxContainerResources(cpuShares: 2, memoryLimitInBytes: 64 << 20)
        )
    )

    static let container = ContainerConfig(
        metadata: ContainerMetadata(name: "nginx", attempt: 3),
        image: ImageSpec("docker.io/library/busybox:1.36", annotations: ["a": "b"], userSpecifiedImage: "busybox:1.36"),
        command: ["/bin/sh", "-c"],
        args: ["httpd -f -p 80"],
        workingDir: "/www",
        envs: [EnvVar("POD_NAME", "web"), EnvVar("EMPTY", "")],
        mounts: [
            Mount(containerPath: "/data", hostPath: "/var/lib/pods/x/volumes/data", readonly: true),
            Mount(containerPath: "/shared", hostPath: "/mnt/shared", propagation: .hostToContainer),
            Mount(containerPath: "/bidi", hostPath: "/mnt/bidi", selinuxRelabel: true, propagation: .bidirectional),
        ],
        devices: [Device(containerPath: "/dev/fuse", hostPath: "/dev/fuse", permissions: "rw")],
        labels: ["io.kubernetes.container.name": "nginx"],
        annotations: ["io.kubernetes.container.hash": "abc123", "io.kubernetes.container.restartCount": "3"],
        logPath: "nginx/3.log",
        stdin: true,
        stdinOnce: true,
        tty: true,
        linux: LinuxContainerConfig(
            resources: LinuxContainerResources(
                cpuPeriod: 100_000,
                cpuQuota: 50_000,
                cpuShares: 512,
                memoryLimitInBytes: 128 << 20,
                oomScoreAdj: 1000,
                cpusetCpus: "0-1",
                cpusetMems: "0",
                hugepageLimits: [HugepageLimit(pageSize: "2MB", limit: 0)],
                unified: ["memory.high": "100000000"],
                memorySwapLimitInBytes: 128 << 20
            ),
            securityContext: LinuxContainerSecurityContext(
                capabilities: Capabilities(add: ["NET_ADMIN"], drop: ["ALL"], addAmbient: ["NET_BIND_SERVICE"]),
                privileged: false,
                namespaceOptions: NamespaceOptions(network: .pod, pid: .target, ipc: .pod, targetID: "other"),
                runAsUser: 0,
                runAsUsername: "",
                runAsGroup: 0,
                readonlyRootfs: true,
                supplementalGroups: [1],
                noNewPrivs: true,
                maskedPaths: ["/proc/kcore"],
                readonlyPaths: ["/proc/sys"],
                seccomp: .localhost("/var/lib/kubelet/seccomp/audit.json"),
                apparmor: .unconfined
            )
        )
    )

    @Test func podSandboxConfigRoundTrips() {
        #expect(PodSandboxConfig(Self.sandbox.proto) == Self.sandbox)
    }

    @Test func containerConfigRoundTrips() {
        #expect(ContainerConfig(Self.container.proto) == Self.container)
    }

    @Test func unsetOptionalsStayUnset() {
        let minimal = PodSandboxConfig(metadata: PodSandboxMetadata(name: "a", uid: "u", namespace: "n"))
        let proto = minimal.proto
        #expect(!proto.hasDnsConfig)
        #expect(!proto.linux.securityContext.hasRunAsUser)
        #expect(!proto.linux.securityContext.hasSeccomp)
        #expect(!proto.linux.hasResources)
        #expect(PodSandboxConfig(proto) == minimal)
        // A user of 0 (root) is a set value, distinct from "not set".
        var root = minimal
        root.linux.securityContext.runAsUser = 0
        #expect(root.proto.linux.securityContext.hasRunAsUser)
        #expect(PodSandboxConfig(root.proto).linux.securityContext.runAsUser == 0)
    }

    @Test func containerStatusRoundTrips() {
        let status = ContainerStatus(
            id: "c1",
            metadata: ContainerMetadata(name: "app", attempt: 1),
            state: .exited,
            createdAt: 1,
            startedAt: 2,
            finishedAt: 3,
            exitCode: 137,
            image: ImageSpec("busybox"),
            imageRef: "sha256:aa",
            imageID: "sha256:bb",
            reason: "OOMKilled",
            message: "out of memory",
            labels: ["l": "v"],
            annotations: ["a": "v"],
            mounts: [Mount(containerPath: "/a", hostPath: "/b")],
            logPath: "/var/log/pods/x/app/1.log",
            resources: LinuxContainerResources(memoryLimitInBytes: 1 << 25)
        )
        #expect(ContainerStatus(status.proto) == status)
    }

    @Test(arguments: [ContainerState.created, .running, .exited, .unknown])
    func containerStatesRoundTrip(state: ContainerState) {
        #expect(ContainerState(state.proto) == state)
    }

    @Test func sandboxStatusRoundTrips() {
        let status = PodSandboxStatus(
            id: "s1",
            metadata: PodSandboxMetadata(name: "p", uid: "u", namespace: "n", attempt: 1),
            state: .notReady,
            createdAt: 42,
            ip: "10.88.0.5",
            additionalIPs: ["fd00::5"],
            namespaceOptions: NamespaceOptions(network: .node),
            labels: ["a": "b"],
            annotations: ["c": "d"],
            runtimeHandler: "runc"
        )
        #expect(PodSandboxStatus(status.proto) == status)
    }

    @Test func filtersRoundTrip() {
        let sandboxFilter = PodSandboxFilter(id: "x", state: .ready, labelSelector: ["k": "v"])
        #expect(PodSandboxFilter(sandboxFilter.proto) == sandboxFilter)
        let containerFilter = ContainerFilter(id: nil, state: .created, podSandboxID: "s", labelSelector: [:])
        #expect(ContainerFilter(containerFilter.proto) == containerFilter)
        // CONTAINER_CREATED is proto's zero value: the wrapper message must still mark it as set.
        #expect(containerFilter.proto.hasState)
        #expect(ContainerFilter(ContainerFilter().proto) == ContainerFilter())
    }

    @Test func statsAndImagesRoundTrip() {
        let stats = ContainerStats(
            id: "c",
            metadata: ContainerMetadata(name: "n", attempt: 0),
            cpu: CPUUsage(timestamp: 1, usageCoreNanoSeconds: 0, usageNanoCores: nil),
            memory: MemoryUsage(timestamp: 2, workingSetBytes: 10, rssBytes: 0),
            writableLayer: FilesystemUsage(timestamp: 3, mountpoint: "/x", usedBytes: 5, inodesUsed: nil)
        )
        #expect(ContainerStats(stats.proto) == stats)
        let image = ImageInfo(id: "sha256:1", repoTags: ["a:1"], repoDigests: ["a@sha256:2"], size: 9, uid: 0, pinned: true)
        #expect(ImageInfo(image.proto) == image)
        let status = RuntimeStatus(
            conditions: [RuntimeCondition(type: "RuntimeReady", status: true), RuntimeCondition(type: "NetworkReady", status: false, reason: "NetworkPluginNotReady", message: "cni config uninitialized")],
            info: ["config": "{}"]
        )
        #expect(RuntimeStatus(status.proto) == status)
        #expect(!status.isReady)
    }

    /// Field numbers are the wire contract with containerd: spot-check the encoded tags of fields that are easy to
    /// renumber by mistake.
    @Test func wireTagsMatchUpstreamFieldNumbers() throws {
        func tag(_ field: Int, wireType: Int) -> [UInt8] {
            var value = (field << 3) | wireType
            var bytes: [UInt8] = []
            repeat {
                var byte = UInt8(value & 0x7F)
                value >>= 7
                if value != 0 { byte |= 0x80 }
                bytes.append(byte)
            } while value != 0
            return bytes
        }
        func encoded(_ message: some SwiftProtobufMessage) throws -> [UInt8] { try message.serializedBytesArray() }

        var status = Runtime_V1_ContainerStatus()
        status.imageID = "x"  // image_id = 17
        #expect(try encoded(status) == tag(17, wireType: 2) + [1, UInt8(ascii: "x")])

        var config = Runtime_V1_PodSandboxConfig()
        config.logDirectory = "y"  // log_directory = 3
        #expect(try encoded(config) == tag(3, wireType: 2) + [1, UInt8(ascii: "y")])

        var security = Runtime_V1_LinuxContainerSecurityContext()
        security.runAsGroup = Runtime_V1_Int64Value(5)  // run_as_group = 12, Int64Value.value = 1
        #expect(try encoded(security) == tag(12, wireType: 2) + [2] + tag(1, wireType: 0) + [5])

        var resources = Runtime_V1_LinuxContainerResources()
        resources.memorySwapLimitInBytes = 1  // memory_swap_limit_in_bytes = 10
        #expect(try encoded(resources) == tag(10, wireType: 0) + [1])

        var exec = Runtime_V1_ExecSyncRequest()
        exec.timeout = 2  // timeout = 3
        #expect(try encoded(exec) == tag(3, wireType: 0) + [2])
    }
}

@Suite("stop_signal conversion")
struct StopSignalConversionTests {
    @Test func stopSignalRoundTripsByName() {
        var config = ContainerConfig(metadata: ContainerMetadata(name: "c", attempt: 0), image: ImageSpec("busybox"))
        #expect(config.proto.stopSignal == .runtimeDefault)
        config.stopSignal = "SIGUSR1"
        #expect(config.proto.stopSignal == .sigusr1)
        #expect(ContainerConfig(config.proto).stopSignal == "SIGUSR1")
        config.stopSignal = "SIGNOPE"
        #expect(config.proto.stopSignal == .runtimeDefault)
    }
}
