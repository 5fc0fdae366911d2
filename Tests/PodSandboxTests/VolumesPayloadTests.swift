import Foundation
import KubeAPI
@testable import PodSandbox
import Synchronization
import Testing

@Suite("Volumes: payloads")
struct VolumesPayloadTests {
    let provider = FakeObjectProvider()

    func resolver(_ pod: Pod) -> VolumeDataResolver {
        VolumeDataResolver(
            pod: pod, context: ConfigFixtures.context, provider: self.provider, tokens: ServiceAccountTokens())
    }

    func payload(_ volume: String, pod extra: String = "") async throws -> [String: FileProjection] {
        let pod = try ConfigFixtures.pod(
            labels: ["app": "web", "tier": "front\"end"],
            annotations: ["note": "a\nb"],
            spec: #"{"volumes":[\#(volume)],"containers":[{"name":"app","image":"x","#
                + #""resources":{"limits":{"memory":"64Mi","cpu":"250m"}}}]\#(extra)}"#
        )
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context, allowAPIObjects: true)
        guard case .data(let source, _) = try #require(plan.volumes.first).kind else {
            Issue.record("not a data volume")
            return [:]
        }
        return try await self.resolver(pod).payload(source)
    }

    func text(_ payload: [String: FileProjection]) -> [String: String] {
        payload.mapValues { String(decoding: $0.data, as: UTF8.self) }
    }

    @Test func configMapAllKeysWithDefaultMode() async throws {
        self.provider.state.withLock {
            $0.configMaps["default/cfg"] = ConfigMap(
                metadata: ObjectMeta(name: "cfg", namespace: "default"),
                data: ["a.conf": "A"], binaryData: ["blob": Data([0, 1, 2])])
        }
        let payload = try await self.payload(#"{"name":"c","configMap":{"name":"cfg"}}"#)
        #expect(payload == [
            "a.conf": FileProjection("A", mode: 0o644),
            "blob": FileProjection(data: Data([0, 1, 2]), mode: 0o644),
        ])
    }

    @Test func itemsSelectRenameAndSetModes() async throws {
        self.provider.setConfigMap("cfg", ["a": "A", "b": "B", "c": "C"])
        let payload = try await self.payload(#"""
            {"name":"c","configMap":{"name":"cfg","defaultMode":288,
             "items":[{"key":"a","path":"dir/first"},{"key":"b","path":"second","mode":256}]}}
            """#)
        #expect(payload == [
            "dir/first": FileProjection("A", mode: 0o440),
            "second": FileProjection("B", mode: 0o400),
        ])
    }

    @Test(arguments: [
        (#"{"name":"c","configMap":{"name":"cfg","items":[{"key":"nope","path":"x"}]}}"#,
         "configmap references non-existent config key: nope"),
        (#"{"name":"c","configMap":{"name":"missing"}}"#, #"configmap "missing" not found"#),
        (#"{"name":"s","secret":{"secretName":"missing"}}"#, #"secret "missing" not found"#),
        (#"{"name":"s","secret":{"secretName":"db","items":[{"key":"nope","path":"x"}]}}"#,
         "references non-existent secret key: nope"),
    ])
    func missingObjectsAndKeysFail(volume: String, message: String) async throws {
        self.provider.setConfigMap("cfg", ["a": "A"])
        self.provider.setSecret("db", ["password": "s3cret"])
        await #expect { try await self.payload(volume) } throws: { error in
            (error as? VolumeSetupError)?.message == message
        }
    }

    @Test func optionalMissingObjectOrKeyGivesWhatExists() async throws {
        self.provider.setSecret("db", ["password": "s3cret"])
        #expect(try await self.payload(#"{"name":"c","configMap":{"name":"missing","optional":true}}"#).isEmpty)
        #expect(try await self.payload(#"{"name":"s","secret":{"secretName":"missing","optional":true}}"#).isEmpty)
        let partial = try await self.payload(#"""
            {"name":"s","secret":{"secretName":"db","optional":true,
             "items":[{"key":"password","path":"pw"},{"key":"user","path":"user"}]}}
            """#)
        #expect(self.text(partial) == ["pw": "s3cret"])
    }

    @Test func providerFailureIsReported() async throws {
        self.provider.state.withLock { $0.failing["secret/db"] = "connection refused" }
        await #expect { try await self.payload(#"{"name":"s","secret":{"secretName":"db"}}"#) } throws: { error in
            (error as? VolumeSetupError)?.message == "connection refused"
        }
    }

    @Test func downwardAPIFiles() async throws {
        let payload = try await self.payload(#"""
            {"name":"info","downwardAPI":{"items":[
              {"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},
              {"path":"annotations","fieldRef":{"fieldPath":"metadata.annotations"}},
              {"path":"name","fieldRef":{"fieldPath":"metadata.name"}},
              {"path":"ns","fieldRef":{"fieldPath":"metadata.namespace"}},
              {"path":"uid","fieldRef":{"fieldPath":"metadata.uid"},"mode":256},
              {"path":"app","fieldRef":{"fieldPath":"metadata.labels['app']"}},
              {"path":"mem","resourceFieldRef":{"containerName":"app","resource":"limits.memory","divisor":"1Mi"}},
              {"path":"cpu","resourceFieldRef":{"containerName":"app","resource":"limits.cpu","divisor":"1m"}},
              {"path":"cpu-request","resourceFieldRef":{"containerName":"app","resource":"requests.cpu"}}
            ]}}
            """#)
        #expect(self.text(payload) == [
            "labels": "app=\"web\"\ntier=\"front\\\"end\"",
            "annotations": "note=\"a\\nb\"",
            "name": "web",
            "ns": "default",
            "uid": "uid-1",
            "app": "web",
            "mem": "64",
            "cpu": "250",
            "cpu-request": "1",
        ])
        #expect(payload["uid"]?.mode == 0o400)
        #expect(payload["labels"]?.mode == 0o644)
    }

    @Test func downwardAPIErrorsAreAggregated() async throws {
        await #expect {
            try await self.payload(#"""
                {"name":"info","downwardAPI":{"items":[
                  {"path":"a","fieldRef":{"fieldPath":"spec.nodeName"}},
                  {"path":"b","resourceFieldRef":{"containerName":"ghost","resource":"limits.cpu"}}]}}
                """#)
        } throws: { error in
            (error as? VolumeSetupError)?.message
                == "[unsupported fieldPath: spec.nodeName, container ghost not found in pod default/web]"
        }
    }

    @Test func projectedCombinesSourcesLaterWins() async throws {
        self.provider.setConfigMap("cfg", ["shared": "from-configmap", "c": "C"])
        self.provider.setSecret("db", ["shared": "from-secret"])
        let payload = try await self.payload(#"""
            {"name":"all","projected":{"defaultMode":384,"sources":[
              {"configMap":{"name":"cfg"}},
              {"secret":{"name":"db"}},
              {"downwardAPI":{"items":[{"path":"name","fieldRef":{"fieldPath":"metadata.name"}}]}},
              {"serviceAccountToken":{"path":"token","audience":"vault"}}
            ]}}
            """#, pod: #","serviceAccountName":"builder""#)
        #expect(self.text(payload) == [
            "shared": "from-secret", "c": "C", "name": "web", "token": "token-1",
        ])
        #expect(payload.values.allSatisfy { $0.mode == 0o600 })
        #expect(self.provider.log.contains("token default/builder aud=vault exp=3600 pod=web/uid-1"))
    }

    @Test func projectedErrorsAreAggregatedAcrossSources() async throws {
        await #expect {
            try await self.payload(#"""
                {"name":"all","projected":{"sources":[
                  {"configMap":{"name":"gone"}},{"secret":{"name":"gone-too"}},
                  {"configMap":{"name":"optional","optional":true}}]}}
                """#)
        } throws: { error in
            (error as? VolumeSetupError)?.message == #"[configmap "gone" not found, secret "gone-too" not found]"#
        }
    }

    @Test func tokenFileIsPrivateWithFSGroup() async throws {
        let payload = try await self.payload(
            #"{"name":"t","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}}"#,
            pod: #","securityContext":{"fsGroup":2000}"#)
        #expect(payload["token"]?.mode == 0o600)
        #expect(self.provider.log == ["token default/default aud= exp=3600 pod=web/uid-1"])
    }
}
