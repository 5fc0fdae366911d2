import CRIClient
import KubeAPI
import PodSandbox
import Testing

@Suite("PodSandboxConfigBuilder")
struct ConfigSandboxTests {
    let builder = PodSandboxConfigBuilder(context: ConfigFixtures.context)
    let host = ResolvConf(nameservers: ["192.168.1.1"], searches: ["lan"])

    @Test func metadataLogDirectoryLabelsAndAnnotations() throws {
        let pod = try ConfigFixtures.pod(
            name: "web-node-1", namespace: "prod", uid: "abc", labels: ["app": "web"],
            annotations: ["kubernetes.io/config.source": "file"],
            spec: #"{"containers":[{"name":"app","image":"busybox"}]}"#)
        let config = try builder.build(pod: pod, attempt: 2, hostResolvConf: host)
        #expect(config.metadata == PodSandboxMetadata(name: "web-node-1", uid: "abc", namespace: "prod", attempt: 2))
        #expect(config.logDirectory == "/var/log/pods/prod_web-node-1_abc")
        #expect(config.hostname == "web-node-1")
        #expect(config.labels == [
            "app": "web", "io.kubernetes.pod.name": "web-node-1", "io.kubernetes.pod.namespace": "prod",
            "io.kubernetes.pod.uid": "abc",
        ])
        #expect(config.annotations == ["kubernetes.io/config.source": "file"])
        #expect(config.linux.cgroupParent == "")
        #expect(config.linux.securityContext.seccomp == .runtimeDefault)
        #expect(config.dnsConfig?.servers == ["10.96.0.10"])
        #expect(config.dnsConfig?.searches.first == "prod.svc.cluster.local")
    }

    struct HostnameCase: Sendable, CustomTestStringConvertible {
        var podName: String
        var spec: String
        var expected: String?
        var testDescription: String { "\(self.podName) \(self.spec)" }
    }

    static let hostnameCases: [HostnameCase] = [
        .init(podName: "web", spec: "", expected: "web"),
        .init(podName: "web", spec: #", "hostname":"front""#, expected: "front"),
        .init(podName: String(repeating: "a", count: 62) + "-b", spec: "", expected: String(repeating: "a", count: 62)),
        .init(podName: String(repeating: "a", count: 70), spec: "", expected: String(repeating: "a", count: 63)),
        .init(podName: "web", spec: #", "hostname":"Front_1""#, expected: nil),
        .init(podName: "web", spec: #", "hostNetwork":true"#, expected: ""),
    ]

    @Test(arguments: hostnameCases)
    func hostname(_ testCase: HostnameCase) throws {
        let pod = try ConfigFixtures.pod(
            name: testCase.podName, spec: #"{"containers":[{"name":"app","image":"x"}]"# + testCase.spec + "}")
        if let expected = testCase.expected {
            #expect(try builder.build(pod: pod, attempt: 0, hostResolvConf: host).hostname == expected)
        } else {
            #expect { try builder.build(pod: pod, attempt: 0, hostResolvConf: host) } throws: { error in
                "\(error)".hasPrefix("spec.hostname: \"Front_1\" is not a valid DNS label")
            }
        }
    }

    @Test func portMappingsFromContainerPorts() throws {
        let pod = try ConfigFixtures.pod(spec: """
            {"containers":[
              {"name":"a","image":"x","ports":[
                {"name":"http","containerPort":80,"hostPort":8080},
                {"containerPort":53,"protocol":"UDP","hostPort":5353,"hostIP":"127.0.0.1"},
                {"name":"http","containerPort":81},
                {"containerPort":9090}]},
              {"name":"b","image":"x","ports":[{"containerPort":443,"hostPort":8443,"protocol":"SCTP"}]}]}
            """)
        let config = try builder.build(pod: pod, attempt: 0, hostResolvConf: host)
        #expect(config.portMappings == [
            PortMapping(protocol: .tcp, containerPort: 80, hostPort: 8080, hostIP: ""),
            PortMapping(protocol: .udp, containerPort: 53, hostPort: 5353, hostIP: "127.0.0.1"),
            PortMapping(protocol: .tcp, containerPort: 9090, hostPort: 0, hostIP: ""),
            PortMapping(protocol: .sctp, containerPort: 443, hostPort: 8443, hostIP: ""),
        ])
    }

    struct NamespaceCase: Sendable, CustomTestStringConvertible {
        var spec: String
        var expected: NamespaceOptions
        var testDescription: String { self.spec.isEmpty ? "defaults" : self.spec }
    }

    static let namespaceCases: [NamespaceCase] = [
        .init(spec: "", expected: NamespaceOptions(network: .pod, pid: .container, ipc: .pod)),
        .init(spec: #", "hostNetwork":true"#, expected: NamespaceOptions(network: .node, pid: .container, ipc: .pod)),
        .init(spec: #", "hostPID":true"#, expected: NamespaceOptions(network: .pod, pid: .node, ipc: .pod)),
        .init(spec: #", "hostIPC":true"#, expected: NamespaceOptions(network: .pod, pid: .container, ipc: .node)),
        .init(spec: #", "shareProcessNamespace":true"#,
              expected: NamespaceOptions(network: .pod, pid: .pod, ipc: .pod)),
        .init(spec: #", "hostPID":true, "shareProcessNamespace":true"#,
              expected: NamespaceOptions(network: .pod, pid: .node, ipc: .pod)),
    ]

    @Test(arguments: namespaceCases)
    func namespaces(_ testCase: NamespaceCase) throws {
        let pod = try ConfigFixtures.pod(spec: #"{"containers":[{"name":"app","image":"x"}]"# + testCase.spec + "}")
        let config = try builder.build(pod: pod, attempt: 0, hostResolvConf: host)
        #expect(config.linux.securityContext.namespaceOptions == testCase.expected)
    }

    @Test func sysctlsAndPodSecurityContext() throws {
        let pod = try ConfigFixtures.pod(spec: """
            {"securityContext":{"runAsUser":1000,"runAsGroup":3000,"fsGroup":2000,"supplementalGroups":[4000],
              "sysctls":[{"name":"net.ipv4.ip_local_port_range","value":"1024 65000"}]},
             "containers":[{"name":"app","image":"x","securityContext":{"privileged":true}}]}
            """)
        let linux = try builder.build(pod: pod, attempt: 0, hostResolvConf: host).linux
        #expect(linux.sysctls == ["net.ipv4.ip_local_port_range": "1024 65000"])
        #expect(linux.securityContext.runAsUser == 1000)
        #expect(linux.securityContext.runAsGroup == 3000)
        #expect(linux.securityContext.supplementalGroups == [2000, 4000])
        #expect(linux.securityContext.privileged)
    }

    @Test func cgroupParentFromContext() throws {
        var context = ConfigFixtures.context
        context.cgroupParent = "/kubepods/besteffort"
        let pod = try ConfigFixtures.pod(container: "")
        let config = try PodSandboxConfigBuilder(context: context).build(pod: pod, attempt: 0, hostResolvConf: host)
        #expect(config.linux.cgroupParent == "/kubepods/besteffort")
    }

    @Test func sandboxResourcesSumTheContainers() throws {
        let pod = try ConfigFixtures.pod(spec: """
            {"initContainers":[{"name":"init","image":"x","resources":{"limits":{"cpu":"2","memory":"64Mi"}}}],
             "containers":[
               {"name":"a","image":"x",
                "resources":{"requests":{"cpu":"250m"},"limits":{"cpu":"500m","memory":"128Mi"}}},
               {"name":"b","image":"x","resources":{"limits":{"cpu":"250m","memory":"128Mi"}}}]}
            """)
        let resources = try builder.build(pod: pod, attempt: 0, hostResolvConf: host).linux.resources
        // requests: max(250m + 250m, 2000m) = 2000m; limits: max(750m, 2000m) cpu, max(256Mi, 64Mi) memory.
        #expect(resources == LinuxContainerResources(
            cpuPeriod: 100_000, cpuQuota: 200_000, cpuShares: 2048, memoryLimitInBytes: 256 << 20))
        let bestEffort = try builder.build(pod: try ConfigFixtures.pod(container: ""), attempt: 0, hostResolvConf: host)
        #expect(bestEffort.linux.resources == LinuxContainerResources(cpuPeriod: 100_000, cpuShares: 2))
    }
}
