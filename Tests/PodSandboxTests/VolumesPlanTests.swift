import CRIClient
import Foundation
import KubeAPI
import PodSandbox
import Testing

@Suite("Volumes: plan")
struct VolumesPlanTests {
    let context = ConfigFixtures.context

    func plan(_ volumes: String, mounts: String = "", annotations: [String: String] = [:], allow: Bool = true)
        throws -> VolumePlan
    {
        let pod = try ConfigFixtures.pod(
            annotations: annotations,
            spec: #"{"volumes":[\#(volumes)],"containers":[{"name":"app","image":"x","volumeMounts":[\#(mounts)]}]}"#)
        return try VolumePlan.make(pod: pod, context: self.context, allowAPIObjects: allow)
    }

    @Test func pluginDirectoriesAndTmpfsAsUpstream() throws {
        let plan = try self.plan(#"""
            {"name":"c","configMap":{"name":"cfg"}},{"name":"s","secret":{"secretName":"db"}},
            {"name":"d","downwardAPI":{"items":[]}},{"name":"p","projected":{"sources":[]}}
            """#)
        let root = "/var/lib/node-agent/pods/uid-1/volumes/"
        #expect(plan.volumes.map(\.hostPath) == [
            root + "kubernetes.io~configmap/c", root + "kubernetes.io~secret/s",
            root + "kubernetes.io~downward-api/d", root + "kubernetes.io~projected/p",
        ])
        let tmpfs = plan.volumes.map { volume -> Int64? in
            if case .data(_, let bytes) = volume.kind { return bytes }
            return -1
        }
        #expect(tmpfs == [nil, 4 << 30, nil, 4 << 30])
    }

    @Test func dataVolumesAreMountedReadOnly() throws {
        let plan = try self.plan(
            #"{"name":"c","configMap":{"name":"cfg"}},{"name":"e","emptyDir":{}}"#,
            mounts: #"{"name":"c","mountPath":"/etc/app"},{"name":"e","mountPath":"/cache"}"#)
        let pod = try ConfigFixtures.pod(container: #""volumeMounts":[{"name":"c","mountPath":"/etc/app"},"#
            + #"{"name":"e","mountPath":"/cache"}]"#)
        let mounts = try plan.mounts(for: pod.spec.containers[0], environment: [:])
        #expect(mounts.map(\.mount.readonly) == [true, false])
    }

    @Test(arguments: [
        (#"{"name":"c","configMap":{"name":"cfg"}}"#, "configMap volumes needs the API server"),
        (#"{"name":"s","secret":{"secretName":"db"}}"#, "secret volumes needs the API server"),
        (#"{"name":"p","projected":{"sources":[{"serviceAccountToken":{"path":"t"}}]}}"#,
         "projected volumes with secret, configMap or token sources needs the API server"),
    ])
    func apiObjectsRefusedWithoutAPIServer(volume: String, message: String) throws {
        #expect { try self.plan(volume, allow: false) } throws: { error in
            (error as? ContainerConfigError)?.message.contains(message) == true
        }
    }

    @Test func downwardAPINeedsNoAPIServer() throws {
        let plan = try self.plan(#"""
            {"name":"d","downwardAPI":{"items":[]}},
            {"name":"p","projected":{"sources":[{"downwardAPI":{"items":[]}}]}}
            """#, allow: false)
        #expect(plan.volumes.count == 2)
    }

    @Test func unsupportedProjectionsAreNamed() throws {
        #expect {
            try self.plan(#"{"name":"p","projected":{"sources":[{"clusterTrustBundle":{"name":"b","path":"x"}}]}}"#)
        } throws: { error in
            (error as? ContainerConfigError)?.message == "spec.volumes[0] (p): projected source clusterTrustBundle is not supported"
        }
    }

    @Test func projectedSourcesDecodeAndValidate() throws {
        let pod = try ConfigFixtures.pod(spec: #"""
            {"volumes":[{"name":"p","projected":{"sources":[
              {"serviceAccountToken":{"path":"token","expirationSeconds":60}},
              {"secret":{"name":"a"},"configMap":{"name":"b"}}]}}],
             "containers":[{"name":"a","image":"x"}]}
            """#)
        let token = try #require(pod.spec.volumes[0].projected?.sources[0].serviceAccountToken)
        #expect(token.effectiveExpirationSeconds == 60)
        let errors = PodValidation.validate(pod).map(\.description)
        #expect(errors.contains(
            "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: "
                + "may not specify a duration less than 10 minutes"))
        #expect(errors.contains(
            "spec.volumes[0].projected.sources[1]: Forbidden: may not specify more than 1 volume type per source"))
        let encoded = String(decoding: try JSONEncoder().encode(pod.spec.volumes[0]), as: UTF8.self)
        #expect(encoded.contains(#""serviceAccountToken":{"expirationSeconds":60,"path":"token"}"#)
            || encoded.contains(#""serviceAccountToken":{"path":"token","expirationSeconds":60}"#))
    }

    @Test func fileModesAndItemsAreValidated() throws {
        let pod = try ConfigFixtures.pod(spec: #"""
            {"volumes":[{"name":"s","secret":{"secretName":"db","defaultMode":1024,
                          "items":[{"key":"","path":"../x","mode":-1}]}}],
             "containers":[{"name":"a","image":"x"}]}
            """#)
        #expect(PodValidation.validate(pod).map(\.description) == [
            "spec.volumes[0].secret.defaultMode: Invalid value: 1024: must be a number between 0 and 0777 (octal), "
                + "both inclusive",
            "spec.volumes[0].secret.items[0].key: Required value",
            "spec.volumes[0].secret.items[0].path: Invalid value: \"../x\": must not contain '..'",
            "spec.volumes[0].secret.items[0].mode: Invalid value: -1: must be a number between 0 and 0777 (octal), "
                + "both inclusive",
        ])
    }

    @Test func secretAndConfigMapDecoding() throws {
        let secret = try KubeJSON.decoder().decode(Secret.self, from: Data(#"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"default"},
             "type":"Opaque","immutable":true,"data":{"password":"czNjcmV0"},"stringData":{"user":"admin"},
             "unknownField":1}
            """#.utf8))
        #expect(secret.data == ["password": Data("s3cret".utf8), "user": Data("admin".utf8)])
        #expect(secret.type == "Opaque" && secret.immutable == true)
        let configMap = try KubeJSON.decoder().decode(ConfigMap.self, from: Data(#"""
            {"metadata":{"name":"cfg"},"data":{"a":"A"},"binaryData":{"b":"AAEC"}}
            """#.utf8))
        #expect(configMap.data == ["a": "A"] && configMap.binaryData == ["b": Data([0, 1, 2])])
        #expect(throws: (any Error).self) {
            try KubeJSON.decoder().decode(Secret.self, from: Data(#"{"data":{"k":"%%%"}}"#.utf8))
        }
        let roundTrip = try KubeJSON.decoder().decode(Secret.self, from: try JSONEncoder().encode(secret))
        #expect(roundTrip.data == secret.data)
    }
}

@Suite("Volumes: object references")
struct VolumesReferencesTests {
    @Test func everyVolumeAndEnvReferenceIsCollected() throws {
        let pod = try ConfigFixtures.pod(spec: #"""
            {"volumes":[{"name":"c","configMap":{"name":"cfg"}},{"name":"s","secret":{"secretName":"db"}},
                        {"name":"p","projected":{"sources":[{"configMap":{"name":"proj-cfg"}},{"secret":{"name":"proj-db"}},
                                                            {"serviceAccountToken":{"path":"t"}}]}},
                        {"name":"e","emptyDir":{}}],
             "initContainers":[{"name":"i","image":"x","envFrom":[{"secretRef":{"name":"init-db"}}]}],
             "containers":[{"name":"a","image":"x","envFrom":[{"configMapRef":{"name":"env-cfg"}}],
                            "env":[{"name":"K","valueFrom":{"secretKeyRef":{"name":"key-db","key":"k"}}},
                                   {"name":"L","valueFrom":{"configMapKeyRef":{"name":"key-cfg","key":"k"}}}]}]}
            """#)
        let references = PodObjectReferences(pod)
        #expect(references.configMaps == ["cfg", "proj-cfg", "env-cfg", "key-cfg"])
        #expect(references.secrets == ["db", "proj-db", "init-db", "key-db"])
        #expect(references.serviceAccountToken)
        #expect(!references.isEmpty)
        #expect(PodObjectReferences(try ConfigFixtures.pod(container: "")).isEmpty)
    }
}
