import KubeAPI
import Testing

@Suite struct PodValidationTests {
    static func valid() -> Pod {
        Pod(
            apiVersion: "v1", kind: "Pod", metadata: ObjectMeta(name: "web"),
            spec: PodSpec(
                volumes: [Volume(name: "data", emptyDir: EmptyDirVolumeSource())],
                containers: [
                    Container(
                        name: "web", image: "busybox", ports: [ContainerPort(containerPort: 80)],
                        volumeMounts: [VolumeMount(name: "data", mountPath: "/data")]
                    )
                ]
            )
        )
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var mutate: @Sendable (inout Pod) -> Void
        var expected: [String]
        var testDescription: String { self.name }
    }

    @Test func validPodHasNoErrors() {
        #expect(PodValidation.validate(Self.valid()) == [])
    }

    @Test(arguments: [
        Case(name: "no name", mutate: { $0.metadata.name = "" }, expected: [
            "metadata.name: Required value: name or generateName is required"
        ]),
        Case(name: "bad name", mutate: { $0.metadata.name = "Web_1" }, expected: [
            "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of"
        ]),
        Case(name: "no containers", mutate: { $0.spec.containers = [] }, expected: ["spec.containers: Required value"]),
        Case(name: "duplicate across init", mutate: {
            $0.spec.initContainers = [Container(name: "web", image: "busybox")]
        }, expected: ["spec.containers[0].name: Duplicate value: \"web\""]),
        Case(name: "bad container name", mutate: { $0.spec.containers[0].name = "Web" }, expected: [
            "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of"
        ]),
        Case(name: "no image", mutate: { $0.spec.containers[0].image = "" }, expected: [
            "spec.containers[0].image: Required value"
        ]),
        Case(name: "port range", mutate: { $0.spec.containers[0].ports[0].containerPort = 70000 }, expected: [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"
        ]),
        Case(name: "protocol", mutate: { $0.spec.containers[0].ports[0].protocol = "ICMP" }, expected: [
            "spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": "
                + "supported values: \"SCTP\", \"TCP\", \"UDP\""
        ]),
        Case(name: "restart policy", mutate: { $0.spec.restartPolicy = "Sometimes" }, expected: [
            "spec.restartPolicy: Unsupported value: \"Sometimes\": "
                + "supported values: \"Always\", \"Never\", \"OnFailure\""
        ]),
        Case(name: "sidecar on app container", mutate: { $0.spec.containers[0].restartPolicy = .always }, expected: [
            "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"
        ]),
        Case(name: "init restart policy", mutate: {
            $0.spec.initContainers = [Container(name: "init", image: "busybox", restartPolicy: "Never")]
        }, expected: [
            "spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        ]),
        Case(name: "unknown volume", mutate: { $0.spec.containers[0].volumeMounts[0].name = "cache" }, expected: [
            "spec.containers[0].volumeMounts[0].name: Not found: \"cache\""
        ]),
        Case(name: "duplicate volume", mutate: { $0.spec.volumes.append($0.spec.volumes[0]) }, expected: [
            "spec.volumes[1].name: Duplicate value: \"data\""
        ]),
        Case(name: "relative hostPath", mutate: {
            $0.spec.volumes[0] = Volume(name: "data", hostPath: HostPathVolumeSource(path: "var/data"))
        }, expected: ["spec.volumes[0].hostPath.path: Invalid value: \"var/data\": must be an absolute path"]),
        Case(name: "hostPath type", mutate: {
            $0.spec.volumes[0] = Volume(name: "data", hostPath: HostPathVolumeSource(path: "/d", type: "Folder"))
        }, expected: [
            "spec.volumes[0].hostPath.type: Unsupported value: \"Folder\": supported values: \"\", \"BlockDevice\""
        ]),
        Case(name: "emptyDir medium", mutate: { $0.spec.volumes[0].emptyDir?.medium = "Disk" }, expected: [
            "spec.volumes[0].emptyDir.medium: Unsupported value: \"Disk\": supported values: \"\", \"Memory\""
        ]),
        Case(name: "liveness success threshold", mutate: {
            $0.spec.containers[0].livenessProbe = Probe(exec: ExecAction(command: ["true"]), successThreshold: 2)
        }, expected: ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
        Case(name: "probe without handler", mutate: { $0.spec.containers[0].readinessProbe = Probe() }, expected: [
            "spec.containers[0].readinessProbe: Required value: must specify a handler type"
        ]),
        Case(name: "negative period", mutate: {
            $0.spec.containers[0].readinessProbe = Probe(exec: ExecAction(command: ["true"]), periodSeconds: -1)
        }, expected: [
            "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"
        ]),
        Case(name: "pull policy", mutate: { $0.spec.containers[0].imagePullPolicy = "Sometimes" }, expected: [
            "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": "
                + "supported values: \"Always\", \"IfNotPresent\", \"Never\""
        ]),
        Case(name: "dns policy", mutate: { $0.spec.dnsPolicy = "Google" }, expected: [
            "spec.dnsPolicy: Unsupported value: \"Google\""
        ]),
        Case(name: "dns None without config", mutate: { $0.spec.dnsPolicy = DNSPolicy.none }, expected: [
            "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"
        ]),
        Case(name: "request above limit", mutate: {
            $0.spec.containers[0].resources = ResourceRequirements(limits: ["cpu": "1"], requests: ["cpu": "2"])
        }, expected: [
            "spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": "
                + "must be less than or equal to cpu limit of 1"
        ]),
    ])
    func reportsUpstreamMessages(_ testCase: Case) {
        var pod = Self.valid()
        testCase.mutate(&pod)
        let errors = PodValidation.validate(pod).map(\.description)
        #expect(errors.count == testCase.expected.count, "\(errors)")
        for (error, expected) in zip(errors, testCase.expected) {
            #expect(error.hasPrefix(expected), "\(error)")
        }
    }
}
