import CRIClient
import Foundation
import KubeAPI
@testable import PodSandbox
import Synchronization
import Testing

@Suite("Volumes: env from ConfigMaps and Secrets")
struct VolumesEnvTests {
    let provider = FakeObjectProvider()

    init() {
        self.provider.setConfigMap("cfg", ["mode": "fast", "level": "3", "bad=key": "x"])
        self.provider.setSecret("db", ["password": "s3cret", "user": "admin"])
    }

    func build(_ container: String) async throws -> [String: String] {
        let pod = try ConfigFixtures.pod(container: container)
        let objects = await PodAPIObjects.fetch(
            for: pod.spec.containers[0], namespace: "default", provider: self.provider)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context, allowAPIObjects: true)
        let config = try ContainerConfigBuilder(context: ConfigFixtures.context, seccompChecker: FakeSeccompChecker())
            .build(
                ContainerConfigInput(
                    pod: pod, container: pod.spec.containers[0], imageUser: .uid(0), apiObjects: objects),
                volumes: plan)
        return Dictionary(config.envs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test func keyReferencesResolve() async throws {
        let env = try await self.build(#"""
            "env":[{"name":"MODE","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"mode"}}},
                   {"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}},
                   {"name":"URL","value":"db://$(PASSWORD)@host/$(MODE)"}]
            """#)
        #expect(env == ["MODE": "fast", "PASSWORD": "s3cret", "URL": "db://s3cret@host/fast"])
    }

    @Test func envFromWithPrefixSkipsInvalidNamesAndEnvWins() async throws {
        let container = #"""
            "envFrom":[{"configMapRef":{"name":"cfg"},"prefix":"CFG_"},{"secretRef":{"name":"db"}}],
            "env":[{"name":"user","value":"override"},{"name":"X","value":"$(CFG_level)"}]
            """#
        let env = try await self.build(container)
        #expect(env == [
            "CFG_mode": "fast", "CFG_level": "3", "password": "s3cret", "user": "override", "X": "3",
        ])
        let pod = try ConfigFixtures.pod(container: container)
        let objects = await PodAPIObjects.fetch(for: pod.spec.containers[0], namespace: "default", provider: self.provider)
        let warnings = try ContainerEnvironment(
            pod: pod, container: pod.spec.containers[0], podIPs: [], context: ConfigFixtures.context, objects: objects
        ).makeWithWarnings().warnings
        #expect(warnings == [
            "Keys [CFG_bad=key] from the EnvFrom configMap default/cfg were skipped since they are considered "
                + "invalid environment variable names."
        ])
    }

    @Test(arguments: [
        (#""env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"nope","key":"k"}}}]"#,
         #"configmap "nope" not found"#),
        (#""env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"nope","key":"k"}}}]"#,
         #"secret "nope" not found"#),
        (#""env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"k"}}}]"#,
         "couldn't find key k in ConfigMap default/cfg"),
        (#""env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"db","key":"k"}}}]"#,
         "couldn't find key k in Secret default/db"),
        (#""envFrom":[{"configMapRef":{"name":"nope"}}]"#, #"configmap "nope" not found"#),
        (#""envFrom":[{"secretRef":{"name":"broken"}}]"#, "the server is unreachable"),
    ])
    func missingObjectsAndKeysAreCreateContainerConfigErrors(container: String, message: String) async throws {
        self.provider.state.withLock { $0.failing["secret/broken"] = "the server is unreachable" }
        await #expect { try await self.build(container) } throws: { error in
            let error = error as? ContainerConfigError
            return error?.reason == "CreateContainerConfigError" && error?.message == message
        }
    }

    @Test func optionalReferencesAreSkipped() async throws {
        let env = try await self.build(#"""
            "envFrom":[{"configMapRef":{"name":"nope","optional":true}}],
            "env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"k","optional":true}}},
                   {"name":"B","valueFrom":{"secretKeyRef":{"name":"nope","key":"k","optional":true}}},
                   {"name":"C","value":"c"}]
            """#)
        #expect(env == ["C": "c"])
    }
}
