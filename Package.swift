// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Not MemberImportVisibility (STYLE.md lists it): with it, whether a Glibc struct (`stat`, `dirent`) counts as
    // Glibc's or CoreFoundation's depends on which clang module a build happens to parse first, so clean builds
    // failed at random in files that touch the file system through libc (seen on RestartCountFromLogs.swift and
    // AtomicWriter.swift, each fine in an incremental build).
]

let package = Package(
    name: "node-agent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "node-agent", targets: ["NodeAgent"]),
        .executable(name: "PodStartBenchmark", targets: ["PodStartBenchmark"]),
        .executable(name: "ProxyBenchmark", targets: ["ProxyBenchmark"]),
        .executable(name: "IPVSBenchmark", targets: ["IPVSBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Shared vocabulary: no NIO, no gRPC.
        .target(name: "AgentCore", swiftSettings: swiftSettings),
        .target(
            name: "CRIClient",
            dependencies: [
                "AgentCore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        // The Kubernetes API types the agent reads and writes (core/v1 subset, KubeletConfiguration),
        // with JSON and YAML decoding that names the field at fault.
        .target(
            name: "KubeAPI",
            dependencies: ["AgentCore", .product(name: "Yams", package: "Yams")],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        // The Kubernetes API client: kubeconfig, typed REST verbs, watches, list+watch, rate limiting.
        .target(
            name: "KubeClient",
            dependencies: [
                "AgentCore", "KubeAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .target(
            name: "ProbeRunner",
            dependencies: [
                "AgentCore", "KubeAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StaticPods",
            dependencies: [
                "AgentCore", "KubeAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceProxy",
            dependencies: ["AgentCore", "KubeAPI", .product(name: "Logging", package: "swift-log")],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        // IPVS mode: a C shim over libnl-3 / libnl-genl-3 (IPVS generic netlink, rtnetlink) and libipset.
        .target(
            name: "CNetlink",
            cSettings: [.unsafeFlags(["-I/usr/include/libnl3"])],
            linkerSettings: [.linkedLibrary("nl-genl-3"), .linkedLibrary("nl-3"), .linkedLibrary("ipset")]
        ),
        // The service proxy's IPVS mode (--proxy-mode=ipvs) over CNetlink.
        .target(
            name: "IPVSProxy",
            dependencies: ["ServiceProxy", "CNetlink", "AgentCore", .product(name: "Logging", package: "swift-log")],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PodSandbox",
            dependencies: [
                "AgentCore", "CRIClient", "KubeAPI", "ProbeRunner", "CSeccomp",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent's HTTP surface (/healthz, /metrics, /pods) and the `pods` table renderer.
        .target(
            name: "AgentHTTP",
            dependencies: [
                "AgentCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "NodeAgent",
            dependencies: [
                "AgentCore", "AgentHTTP", "ClusterMode", "CRIClient", "KubeAPI", "KubeClient", "PodSandbox", "ProbeRunner",
                "ServiceProxy", "IPVSProxy",
                "KubeletServer",
                "StaticPods",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The kubelet's own HTTPS API on :10250 (/containerLogs, /pods, /runningpods/, /metrics, /healthz).
        .target(
            name: "KubeletServer",
            dependencies: [
                "AgentCore", "KubeAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KubeletServerTests",
            dependencies: [
                "KubeletServer", "KubeAPI", "AgentTestKit", "FakeKubeAPIServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Cluster mode: node registration and lease, the API pod source, pod status, mirror pods and events.
        .target(
            name: "ClusterMode",
            dependencies: [
                "AgentCore", "KubeAPI", "KubeClient", "PodSandbox", "ServiceProxy",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Design.md"],
            swiftSettings: swiftSettings
        ),
        // Not a test: times pod start through the agent against containerd's own floor (see benchmarks/README.md).
        .executableTarget(
            name: "PodStartBenchmark",
            dependencies: [
                "CRIClient", "KubeAPI", "AgentCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "benchmarks/PodStartBenchmark",
            swiftSettings: swiftSettings
        ),
        // Not a test: times the service proxy's syncs against a plain iptables-restore (see benchmarks/README.md).
        .executableTarget(
            name: "ProxyBenchmark",
            dependencies: [
                "ProxyBenchmarkSupport",
                "ServiceProxy", "KubeAPI", "AgentCore", .product(name: "Logging", package: "swift-log"),
            ],
            path: "benchmarks/ProxyBenchmark",
            swiftSettings: swiftSettings
        ),
        // The workload both proxy benchmarks program (N services x M endpoints) and their small helpers.
        .target(
            name: "ProxyBenchmarkSupport",
            dependencies: ["ServiceProxy", "KubeAPI"],
            path: "benchmarks/ProxyBenchmarkSupport",
            swiftSettings: swiftSettings
        ),
        // IPVS mode against iptables mode at 1k-10k services (run in the QEMU VM of scripts/ipvs-vm).
        .executableTarget(
            name: "IPVSBenchmark",
            dependencies: [
                "IPVSProxy", "ServiceProxy", "ProxyBenchmarkSupport", "KubeAPI",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "benchmarks/IPVSBenchmark",
            swiftSettings: swiftSettings
        ),
        // Test-only helpers: fakes and the in-process CRI server.
        .target(
            name: "AgentTestKit",
            dependencies: [
                "AgentCore", "CRIClient",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRIClientTests",
            dependencies: [
                "CRIClient", "AgentTestKit",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AgentCoreTests", dependencies: ["AgentCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AgentHTTPTests",
            dependencies: [
                "AgentHTTP", "AgentCore", "AgentTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "KubeAPI", "AgentTestKit", "AgentCore", "FakeKubeAPIServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceProxyTests",
            dependencies: [
                "ServiceProxy", "KubeAPI", "AgentCore", "AgentTestKit", .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPVSProxyTests",
            dependencies: [
                "IPVSProxy", "ServiceProxy", "KubeAPI", "AgentCore", "AgentTestKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProbeRunnerTests",
            dependencies: [
                "ProbeRunner", "KubeAPI", "AgentTestKit", "AgentCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StaticPodsTests",
            dependencies: [
                "StaticPods", "KubeAPI", "AgentTestKit", "AgentCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PodSandboxTests",
            dependencies: ["PodSandbox", "KubeAPI", "CRIClient", "AgentTestKit", "AgentCore", "ProbeRunner"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "CRIClient", "AgentTestKit", "AgentCore", "KubeAPI", "FakeKubeAPIServer", "PodSandbox",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterModeTests",
            dependencies: [
                "ClusterMode", "KubeAPI", "KubeClient", "PodSandbox", "ServiceProxy", "AgentTestKit", "AgentCore",
                "FakeKubeAPIServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test-only: an in-process fake kube-apiserver (REST, watch, discovery) for cluster-mode tests.
        .target(
            name: "FakeKubeAPIServer",
            dependencies: [
                "KubeAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Design.md", "README-for-clients.md"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FakeKubeAPIServerTests",
            dependencies: [
                "FakeKubeAPIServer", "KubeAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
