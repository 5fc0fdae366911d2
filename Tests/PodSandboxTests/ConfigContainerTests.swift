import CRIClient
import KubeAPI
import PodSandbox
import Testing

@Suite("ContainerConfigBuilder: env, command, labels, resources")
struct ConfigContainerTests {
    let builder = ContainerConfigBuilder(context: ConfigFixtures.context, seccompChecker: FakeSeccompChecker())

    func build(_ pod: Pod, restartCount: Int = 0, podIPs: [String] = ["10.1.0.5"], imageUser: ImageUser = .uid(0))
        throws -> ContainerConfig
    {
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let container = try #require(pod.spec.containers.first)
        return try builder.build(
            ContainerConfigInput(pod: pod, container: container, restartCount: restartCount, podIPs: podIPs,
                                 imageUser: imageUser),
            volumes: plan)
    }

    func env(_ config: ContainerConfig) -> [String: String] {
        Dictionary(config.envs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test func envFieldRefsAndExpansion() throws {
        let pod = try ConfigFixtures.pod(
            name: "web", namespace: "prod", uid: "u-1", labels: ["app": "web", "tier": "front"],
            annotations: ["note": "hi"],
            spec: """
                {"nodeName":"node-1","serviceAccountName":"sa",
                 "containers":[{"name":"app","image":"busybox","env":[
                   {"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                   {"name":"POD_NS","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}},
                   {"name":"POD_UID","valueFrom":{"fieldRef":{"fieldPath":"metadata.uid"}}},
                   {"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}},
                   {"name":"NOTE","valueFrom":{"fieldRef":{"fieldPath":"metadata.annotations['note']"}}},
                   {"name":"LABELS","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels"}}},
                   {"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},
                   {"name":"SA","valueFrom":{"fieldRef":{"fieldPath":"spec.serviceAccountName"}}},
                   {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
                   {"name":"POD_IPS","valueFrom":{"fieldRef":{"fieldPath":"status.podIPs"}}},
                   {"name":"HOST_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}},
                   {"name":"URL","value":"http://$(POD_IP):80/$(UNKNOWN)/$$(POD_NAME)"},
                   {"name":"LATER","value":"$(AFTER)"},
                   {"name":"AFTER","value":"x"}]}]}
                """)
        let config = try build(pod, podIPs: ["10.1.0.5", "fd00::5"])
        let env = env(config)
        #expect(env["POD_NAME"] == "web")
        #expect(env["POD_NS"] == "prod")
        #expect(env["POD_UID"] == "u-1")
        #expect(env["APP"] == "web")
        #expect(env["NOTE"] == "hi")
        #expect(env["LABELS"] == "app=\"web\"\ntier=\"front\"")
        #expect(env["NODE"] == "node-1")
        #expect(env["SA"] == "sa")
        #expect(env["POD_IP"] == "10.1.0.5")
        #expect(env["POD_IPS"] == "10.1.0.5,fd00::5")
        #expect(env["HOST_IP"] == "192.168.1.10")
        #expect(env["URL"] == "http://10.1.0.5:80/$(UNKNOWN)/$(POD_NAME)")
        #expect(env["LATER"] == "$(AFTER)")
        #expect(config.envs.map(\.name).prefix(3) == ["POD_NAME", "POD_NS", "POD_UID"])
    }

    @Test func commandAndArgsExpandFromTheFinalEnvironment() throws {
        let pod = try ConfigFixtures.pod(container: """
            "command":["/bin/sh","-c","echo $(GREETING) $$HOME $(MISSING)"],"args":["$(GREETING)"],
            "workingDir":"/work","env":[{"name":"GREETING","value":"hello"}]
            """)
        let config = try build(pod)
        #expect(config.command == ["/bin/sh", "-c", "echo hello $HOME $(MISSING)"])
        #expect(config.args == ["hello"])
        #expect(config.workingDir == "/work")
    }

    struct ResourceCase: Sendable, CustomTestStringConvertible {
        var resource: String
        var divisor: String?
        var resources: String
        var expected: String
        var testDescription: String { "\(self.resource) / \(self.divisor ?? "1") with \(self.resources)" }
    }

    static let resourceCases: [ResourceCase] = [
        .init(resource: "limits.cpu", divisor: nil, resources: #"{"limits":{"cpu":"250m"}}"#, expected: "1"),
        .init(resource: "limits.cpu", divisor: "1m", resources: #"{"limits":{"cpu":"250m"}}"#, expected: "250"),
        .init(resource: "requests.cpu", divisor: "1m", resources: #"{"requests":{"cpu":"100m"}}"#, expected: "100"),
        .init(resource: "requests.cpu", divisor: "1m", resources: #"{"limits":{"cpu":"300m"}}"#, expected: "300"),
        .init(resource: "limits.memory", divisor: "1Mi", resources: #"{"limits":{"memory":"64Mi"}}"#, expected: "64"),
        .init(resource: "limits.memory", divisor: nil, resources: #"{"limits":{"memory":"1Ki"}}"#, expected: "1024"),
        .init(resource: "requests.memory", divisor: "1Gi", resources: #"{"requests":{"memory":"1.5Gi"}}"#,
              expected: "2"),
        // Missing limits fall back to node allocatable (2 CPUs, 4Gi, 100Gi in the fixture).
        .init(resource: "limits.cpu", divisor: "1m", resources: "{}", expected: "2000"),
        .init(resource: "limits.memory", divisor: "1Mi", resources: "{}", expected: "4096"),
        .init(resource: "limits.ephemeral-storage", divisor: "1Gi", resources: "{}", expected: "100"),
        .init(resource: "requests.memory", divisor: nil, resources: "{}", expected: "0"),
    ]

    @Test(arguments: resourceCases)
    func resourceFieldRef(_ testCase: ResourceCase) throws {
        let divisor = testCase.divisor.map { #","divisor":"\#($0)""# } ?? ""
        let pod = try ConfigFixtures.pod(container: """
            "resources":\(testCase.resources),
            "env":[{"name":"V","valueFrom":{"resourceFieldRef":{"resource":"\(testCase.resource)"\(divisor)}}}]
            """)
        #expect(env(try build(pod))["V"] == testCase.expected)
    }

    @Test func configMapAndSecretReferencesFailUnlessOptional() throws {
        let failing = try ConfigFixtures.pod(container: """
            "env":[{"name":"A","value":"1"},
                   {"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]
            """)
        #expect { try build(failing) } throws: { error in
            let error = error as? ContainerConfigError
            return error?.reason == "CreateContainerConfigError"
                && error?.message.contains("container \"app\": env[1] (PASSWORD).valueFrom.secretKeyRef") == true
                && error?.message.contains("Secret \"default/db\"") == true
                && error?.message.contains("optional: true") == true
        }
        let optional = try ConfigFixtures.pod(container: """
            "env":[{"name":"PASSWORD","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"k","optional":true}}}],
            "envFrom":[{"configMapRef":{"name":"all","optional":true}}]
            """)
        #expect(try build(optional).envs.isEmpty)
        let envFrom = try ConfigFixtures.pod(container: #""envFrom":[{"secretRef":{"name":"all"}}]"#)
        #expect { try build(envFrom) } throws: { "\($0)".contains("envFrom[0]") }
    }

    @Test func unsupportedFieldPathIsNamed() throws {
        let pod = try ConfigFixtures.pod(container: """
            "env":[{"name":"X","valueFrom":{"fieldRef":{"fieldPath":"spec.hostname"}}}]
            """)
        #expect { try build(pod) } throws: { "\($0)".contains("unsupported fieldPath \"spec.hostname\"") }
    }

    @Test func labelsAnnotationsAndLogPath() throws {
        let pod = try ConfigFixtures.pod(
            name: "web", namespace: "prod", uid: "u-1",
            spec: """
                {"terminationGracePeriodSeconds":45,
                 "containers":[{"name":"app","image":"busybox:1.36",
                   "ports":[{"name":"http","containerPort":80}],
                   "lifecycle":{"preStop":{"exec":{"command":["sleep","5"]}}}}]}
                """)
        let config = try build(pod, restartCount: 3)
        #expect(config.metadata == ContainerMetadata(name: "app", attempt: 3))
        #expect(config.image.image == "busybox:1.36")
        #expect(config.image.userSpecifiedImage == "busybox:1.36")
        #expect(config.logPath == "app/3.log")
        #expect(config.labels == [
            "io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "prod", "io.kubernetes.pod.uid": "u-1",
            "io.kubernetes.container.name": "app",
        ])
        let annotations = config.annotations
        #expect(annotations["io.kubernetes.container.hash"] == ContainerHash.compute(pod.spec.containers[0]))
        #expect(annotations["io.kubernetes.container.restartCount"] == "3")
        #expect(annotations["io.kubernetes.container.terminationMessagePath"] == "/dev/termination-log")
        #expect(annotations["io.kubernetes.container.terminationMessagePolicy"] == "File")
        #expect(annotations["io.kubernetes.pod.terminationGracePeriod"] == "45")
        #expect(annotations["io.kubernetes.container.preStopHandler"] == #"{"exec":{"command":["sleep","5"]}}"#)
        #expect(annotations["io.kubernetes.container.ports"] == #"[{"containerPort":80,"name":"http"}]"#)
    }

    @Test func imageRefAndMissingImage() throws {
        let pod = try ConfigFixtures.pod(container: "")
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let config = try builder.build(
            ContainerConfigInput(
                pod: pod, container: pod.spec.containers[0], imageRef: "sha256:abc", imageUser: .uid(0)),
            volumes: plan)
        #expect(config.image.image == "sha256:abc")
        #expect(config.image.userSpecifiedImage == "busybox")
        var noImage = pod.spec.containers[0]
        noImage.image = nil
        let input = ContainerConfigInput(pod: pod, container: noImage, imageUser: .uid(0))
        #expect { try builder.build(input, volumes: plan) } throws: {
            "\($0)".contains("container \"app\": image: must be set")
        }
    }

    struct LinuxResourceCase: Sendable, CustomTestStringConvertible {
        var name: String
        var resources: String
        var expected: LinuxContainerResources
        var testDescription: String { self.name }
    }

    static let linuxResourceCases: [LinuxResourceCase] = [
        .init(name: "best effort", resources: "{}",
              expected: .init(cpuPeriod: 100_000, cpuQuota: 0, cpuShares: 2, memoryLimitInBytes: 0, oomScoreAdj: 1000)),
        .init(name: "guaranteed", resources: #"{"limits":{"cpu":"500m","memory":"128Mi"}}"#,
              expected: .init(cpuPeriod: 100_000, cpuQuota: 50_000, cpuShares: 512, memoryLimitInBytes: 134_217_728,
                              oomScoreAdj: -997)),
        .init(name: "burstable request only", resources: #"{"requests":{"cpu":"100m","memory":"1Gi"}}"#,
              expected: .init(cpuPeriod: 100_000, cpuQuota: 0, cpuShares: 102, memoryLimitInBytes: 0,
                              oomScoreAdj: 875)),
        .init(name: "tiny limit gets the minimum quota",
              resources: #"{"requests":{"cpu":"1m"},"limits":{"cpu":"5m"}}"#,
              expected: .init(cpuPeriod: 100_000, cpuQuota: 1000, cpuShares: 2, memoryLimitInBytes: 0,
                              oomScoreAdj: 999)),
    ]

    @Test(arguments: linuxResourceCases)
    func linuxResources(_ testCase: LinuxResourceCase) throws {
        let pod = try ConfigFixtures.pod(container: "\"resources\":\(testCase.resources)")
        #expect(try build(pod).linux.resources == testCase.expected)
    }

    @Test func sidecarOOMScoreFollowsTheSmallestRegularContainer() throws {
        let pod = try ConfigFixtures.pod(spec: """
            {"initContainers":[{"name":"proxy","image":"x","restartPolicy":"Always"}],
             "containers":[{"name":"app","image":"x","resources":{"requests":{"memory":"2Gi"}}}]}
            """)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let config = try builder.build(
            ContainerConfigInput(pod: pod, container: pod.spec.initContainers[0], imageUser: .uid(0)), volumes: plan)
        // 1000 - 1000 * 2Gi / 8Gi = 750, below the sidecar's own 999.
        #expect(config.linux.resources?.oomScoreAdj == 750)
    }
}

@Suite("ContainerConfigBuilder: lifecycle.stopSignal")
struct ConfigStopSignalTests {
    @Test func stopSignalReachesTheCRIConfig() throws {
        let builder = ContainerConfigBuilder(context: ConfigFixtures.context, seccompChecker: FakeSeccompChecker())
        let pod = try ConfigFixtures.pod(
            name: "web", namespace: "default", uid: "u-1",
            spec: """
                {"containers":[{"name":"app","image":"busybox","lifecycle":{"stopSignal":"SIGUSR1"}}]}
                """
        )
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let container = try #require(pod.spec.containers.first)
        let config = try builder.build(
            ContainerConfigInput(pod: pod, container: container, restartCount: 0, podIPs: [], imageUser: .uid(0)),
            volumes: plan
        )
        #expect(config.stopSignal == "SIGUSR1")
    }
}
