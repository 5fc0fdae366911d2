import CRIClient
import KubeAPI
import PodSandbox
import Testing

@Suite("ContainerConfigBuilder: security")
struct ConfigSecurityTests {
    static let profileRoot = ConfigFixtures.context.seccompProfileRoot

    func build(
        _ pod: Pod,
        imageUser: ImageUser = .unspecified,
        pidTarget: String? = nil,
        checker: FakeSeccompChecker = FakeSeccompChecker(),
        seccompDefault: Bool = false
    ) throws -> LinuxContainerSecurityContext {
        var context = ConfigFixtures.context
        context.seccompDefault = seccompDefault
        let builder = ContainerConfigBuilder(context: context, seccompChecker: checker)
        let plan = try VolumePlan.make(pod: pod, context: context)
        let config = try builder.build(
            ContainerConfigInput(pod: pod, container: pod.spec.containers[0], imageUser: imageUser,
                                 pidTargetID: pidTarget),
            volumes: plan)
        return config.linux.securityContext
    }

    @Test func defaults() throws {
        let security = try build(try ConfigFixtures.pod(container: ""))
        #expect(security.privileged == false)
        #expect(security.runAsUser == 0)  // an image without a user runs as root, said explicitly as upstream
        #expect(security.noNewPrivs == false)
        #expect(security.seccomp == .unconfined)
        #expect(security.maskedPaths == ContainerConfigBuilder.defaultMaskedPaths)
        #expect(security.readonlyPaths == ContainerConfigBuilder.defaultReadonlyPaths)
        #expect(security.namespaceOptions == NamespaceOptions(network: .pod, pid: .container, ipc: .pod))
        #expect(security.capabilities == nil)
    }

    @Test func containerSettings() throws {
        let pod = try ConfigFixtures.pod(
            container: """
                "securityContext":{"runAsUser":1001,"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false,
                  "capabilities":{"add":["NET_ADMIN"],"drop":["ALL"]}}
                """,
            podSpec: #""securityContext":{"runAsUser":5,"runAsGroup":7,"fsGroup":9,"supplementalGroups":[11]}"#)
        let security = try build(pod, imageUser: .uid(0))
        #expect(security.runAsUser == 1001)
        #expect(security.runAsGroup == 7)
        #expect(security.readonlyRootfs)
        #expect(security.noNewPrivs)
        #expect(security.capabilities?.add == ["NET_ADMIN"])
        #expect(security.capabilities?.drop == ["ALL"])
        #expect(security.supplementalGroups == [9, 11])
    }

    @Test func podLevelUserAndImageUser() throws {
        let podLevel = try ConfigFixtures.pod(container: "", podSpec: #""securityContext":{"runAsUser":42}"#)
        #expect(try build(podLevel, imageUser: .uid(7)).runAsUser == 42)
        let image = try ConfigFixtures.pod(container: "")
        #expect(try build(image, imageUser: .uid(7)).runAsUser == 7)
        let named = try build(image, imageUser: .username("nginx"))
        #expect(named.runAsUser == nil)
        #expect(named.runAsUsername == "nginx")
    }

    @Test func privilegedGetsNoMaskedPaths() throws {
        let pod = try ConfigFixtures.pod(container: #""securityContext":{"privileged":true}"#)
        let security = try build(pod)
        #expect(security.privileged)
        #expect(security.maskedPaths.isEmpty)
        #expect(security.readonlyPaths.isEmpty)
        let unmasked = try ConfigFixtures.pod(container: #""securityContext":{"procMount":"Unmasked"}"#)
        #expect(try build(unmasked).maskedPaths.isEmpty)
    }

    @Test func pidTargetOnlyForPerContainerPID() throws {
        let pod = try ConfigFixtures.pod(container: "")
        let targeted = try build(pod, pidTarget: "c123")
        #expect(targeted.namespaceOptions.pid == .target)
        #expect(targeted.namespaceOptions.targetID == "c123")
        let shared = try ConfigFixtures.pod(container: "", podSpec: #""shareProcessNamespace":true"#)
        #expect(try build(shared, pidTarget: "c123").namespaceOptions.pid == .pod)
    }

    struct NonRootCase: Sendable, CustomTestStringConvertible {
        var name: String
        var container: String
        var podSpec: String = ""
        var imageUser: ImageUser
        var error: String?
        var testDescription: String { self.name }
    }

    static let nonRootCases: [NonRootCase] = [
        .init(name: "not requested", container: "", imageUser: .unspecified, error: nil),
        .init(name: "image root", container: #""securityContext":{"runAsNonRoot":true}"#, imageUser: .uid(0),
              error: "container has runAsNonRoot and image will run as root"),
        .init(name: "image without user", container: #""securityContext":{"runAsNonRoot":true}"#,
              imageUser: .unspecified, error: "container has runAsNonRoot and image will run as root"),
        .init(name: "image non-root", container: #""securityContext":{"runAsNonRoot":true}"#, imageUser: .uid(1000),
              error: nil),
        .init(name: "image named user", container: #""securityContext":{"runAsNonRoot":true}"#,
              imageUser: .username("app"), error: "image has non-numeric user (app)"),
        .init(name: "runAsUser 0", container: #""securityContext":{"runAsNonRoot":true,"runAsUser":0}"#,
              imageUser: .uid(1000), error: "container's runAsUser breaks non-root policy"),
        .init(name: "pod-level nonRoot with pod-level user", container: "",
              podSpec: #""securityContext":{"runAsNonRoot":true,"runAsUser":1000}"#, imageUser: .uid(0), error: nil),
        .init(name: "container disables pod-level nonRoot", container: #""securityContext":{"runAsNonRoot":false}"#,
              podSpec: #""securityContext":{"runAsNonRoot":true}"#, imageUser: .uid(0), error: nil),
    ]

    @Test(arguments: nonRootCases)
    func runAsNonRoot(_ testCase: NonRootCase) throws {
        let pod = try ConfigFixtures.pod(container: testCase.container, podSpec: testCase.podSpec)
        if let expected = testCase.error {
            #expect {
                try ContainerConfigBuilder.verifyRunAsNonRoot(
                    pod: pod, container: pod.spec.containers[0], imageUser: testCase.imageUser)
            } throws: { error in
                (error as? ContainerConfigError)?.message.contains(expected) == true
                    && "\(error)".contains("container: app")
            }
            #expect(throws: ContainerConfigError.self) { try build(pod, imageUser: testCase.imageUser) }
        } else {
            try ContainerConfigBuilder.verifyRunAsNonRoot(
                pod: pod, container: pod.spec.containers[0], imageUser: testCase.imageUser)
            _ = try build(pod, imageUser: testCase.imageUser)
        }
    }

    struct SeccompCase: Sendable, CustomTestStringConvertible {
        var name: String
        var container: String
        var podSpec: String = ""
        var seccompDefault = false
        var expected: SecurityProfile
        var testDescription: String { self.name }
    }

    static let seccompCases: [SeccompCase] = [
        .init(name: "unset", container: "", expected: .unconfined),
        .init(name: "unset with seccompDefault", container: "", seccompDefault: true, expected: .runtimeDefault),
        .init(name: "RuntimeDefault", container: #""securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}"#,
              expected: .runtimeDefault),
        .init(name: "Unconfined", container: #""securityContext":{"seccompProfile":{"type":"Unconfined"}}"#,
              seccompDefault: true, expected: .unconfined),
        .init(name: "pod level Localhost", container: "",
              podSpec: #""securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p/a.json"}}"#,
              expected: .localhost(profileRoot + "/p/a.json")),
        .init(name: "container overrides pod",
              container: #""securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}"#,
              podSpec: #""securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"a.json"}}"#,
              expected: .runtimeDefault),
    ]

    @Test(arguments: seccompCases)
    func seccomp(_ testCase: SeccompCase) throws {
        let pod = try ConfigFixtures.pod(container: testCase.container, podSpec: testCase.podSpec)
        #expect(try build(pod, seccompDefault: testCase.seccompDefault).seccomp == testCase.expected)
    }

    @Test func seccompErrorsNameFieldAndProfile() throws {
        let missing = try ConfigFixtures.pod(container: #""securityContext":{"seccompProfile":{"type":"Localhost"}}"#)
        #expect { try build(missing) } throws: { error in
            "\(error)".contains("container \"app\": securityContext.seccompProfile: localhostProfile must be set")
        }
        let bad = try ConfigFixtures.pod(
            container: #""securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"bad.json"}}"#)
        let path = Self.profileRoot + "/bad.json"
        let checker = FakeSeccompChecker(
            failing: [path: "syscalls[0]: unknown syscall \"nosuch\" on this architecture"])
        #expect { try build(bad, checker: checker) } throws: { error in
            (error as? ContainerConfigError)?.reason == "CreateContainerConfigError"
                && "\(error)".contains("seccomp profile \(path): syscalls[0]: unknown syscall \"nosuch\"")
        }
        let escape = try ConfigFixtures.pod(
            container: #""securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"../../etc/x"}}"#)
        #expect { try build(escape) } throws: { "\($0)".contains("escapes the seccomp profile root") }
    }
}
