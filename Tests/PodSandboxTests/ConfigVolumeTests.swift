import CRIClient
import Foundation
import KubeAPI
import PodSandbox
import Testing

@Suite("VolumePlan")
struct ConfigVolumePlanTests {
    @Test func emptyDirMemoryAndHostPath() throws {
        let pod = try ConfigFixtures.pod(uid: "u-1", spec: """
            {"volumes":[
               {"name":"cache","emptyDir":{}},
               {"name":"shm","emptyDir":{"medium":"Memory","sizeLimit":"64Mi"}},
               {"name":"big","emptyDir":{"medium":"Memory"}},
               {"name":"logs","hostPath":{"path":"/var/log//app/","type":"DirectoryOrCreate"}},
               {"name":"sock","hostPath":{"path":"/run/x.sock","type":"Socket"}},
               {"name":"plain","hostPath":{"path":"/data"}}],
             "containers":[{"name":"app","image":"x","resources":{"limits":{"memory":"256Mi"}}}]}
            """)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let root = "/var/lib/node-agent/pods/u-1/volumes/kubernetes.io~empty-dir"
        #expect(plan.podDirectory == "/var/lib/node-agent/pods/u-1")
        #expect(plan.volumes == [
            .init(name: "cache", hostPath: "\(root)/cache", kind: .emptyDir),
            .init(name: "shm", hostPath: "\(root)/shm", kind: .memory(sizeBytes: 64 << 20)),
            .init(name: "big", hostPath: "\(root)/big", kind: .memory(sizeBytes: 256 << 20)),
            .init(name: "logs", hostPath: "/var/log/app", kind: .hostPath(.directoryOrCreate)),
            .init(name: "sock", hostPath: "/run/x.sock", kind: .hostPath(.socket)),
            .init(name: "plain", hostPath: "/data", kind: .hostPath(.none)),
        ])
    }

    @Test func memorySizeFallsBackToAllocatable() throws {
        let pod = try ConfigFixtures.pod(spec: """
            {"volumes":[{"name":"shm","emptyDir":{"medium":"Memory","sizeLimit":"64Gi"}}],
             "containers":[{"name":"app","image":"x"}]}
            """)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        #expect(plan.volumes[0].kind == .memory(sizeBytes: 4 << 30))
    }

    @Test(arguments: [
        (#"{"name":"c","configMap":{"name":"cfg"}}"#, "spec.volumes[0] (c): configMap volumes needs the API server"),
        (#"{"name":"s","secret":{"secretName":"s"}}"#, "spec.volumes[0] (s): secret volumes"),
        (#"{"name":"h","hostPath":{"path":"relative"}}"#, "hostPath.path \"relative\" must be absolute"),
        (#"{"name":"h","hostPath":{"path":"/x","type":"Dir"}}"#, "hostPath.type \"Dir\" is not one of"),
        (#"{"name":"e","emptyDir":{"medium":"HugePages"}}"#, "emptyDir medium \"HugePages\" is not supported"),
        (#"{"name":"n"}"#, "spec.volumes[0] (n): the volume has no supported source"),
    ])
    func unsupportedVolumes(volume: String, message: String) throws {
        let pod = try ConfigFixtures.pod(spec: #"{"volumes":[\#(volume)],"containers":[{"name":"a","image":"x"}]}"#)
        #expect { try VolumePlan.make(pod: pod, context: ConfigFixtures.context) } throws: { error in
            (error as? ContainerConfigError)?.message.contains(message) == true
        }
    }

    func mounts(_ volumeMounts: String, env: [String: String] = [:], privileged: Bool = false) throws
        -> [VolumePlan.PlannedMount]
    {
        let security = privileged ? #","securityContext":{"privileged":true}"# : ""
        let pod = try ConfigFixtures.pod(uid: "u-1", spec: """
            {"volumes":[{"name":"data","emptyDir":{}},{"name":"host","hostPath":{"path":"/srv"}}],
             "containers":[{"name":"app","image":"x","volumeMounts":\(volumeMounts)\(security)}]}
            """)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        return try plan.mounts(for: pod.spec.containers[0], environment: env)
    }

    @Test func mountsWithSubPathsReadOnlyAndPropagation() throws {
        let result = try mounts("""
            [{"name":"data","mountPath":"/data"},
             {"name":"host","mountPath":"/cfg","subPath":"conf/app","readOnly":true},
             {"name":"data","mountPath":"/per-pod","subPathExpr":"logs/$(POD_NAME)"},
             {"name":"host","mountPath":"/h2c","mountPropagation":"HostToContainer"}]
            """, env: ["POD_NAME": "web"])
        let dataPath = "/var/lib/node-agent/pods/u-1/volumes/kubernetes.io~empty-dir/data"
        #expect(result.map(\.mount) == [
            Mount(containerPath: "/data", hostPath: dataPath),
            Mount(containerPath: "/cfg", hostPath: "/srv/conf/app", readonly: true),
            Mount(containerPath: "/per-pod", hostPath: dataPath + "/logs/web"),
            Mount(containerPath: "/h2c", hostPath: "/srv", propagation: .hostToContainer),
        ])
        #expect(result.map(\.subPath) == ["", "conf/app", "logs/web", ""])
    }

    @Test(arguments: [
        (#"[{"name":"data","mountPath":"/d","subPath":"../etc"}]"#, "subPath \"../etc\" must not contain '..'"),
        (#"[{"name":"data","mountPath":"/d","subPath":"a/../../b"}]"#, "must not contain '..'"),
        (#"[{"name":"data","mountPath":"/d","subPath":"/etc"}]"#, "subPath \"/etc\" must not be an absolute path"),
        (#"[{"name":"data","mountPath":"/d","subPathExpr":"$(NOPE)/x"}]"#, "missing value for NOPE"),
        (#"[{"name":"other","mountPath":"/d"}]"#, "cannot find volume \"other\""),
        (#"[{"name":"data","mountPath":"/d","mountPropagation":"Bidirectional"}]"#,
         "Bidirectional is available only to privileged containers"),
    ])
    func rejectedMounts(volumeMounts: String, message: String) throws {
        #expect { try mounts(volumeMounts) } throws: { error in
            (error as? ContainerConfigError)?.message.contains(message) == true
                && "\(error)".contains("container \"app\": volumeMounts[0]")
        }
    }

    @Test func bidirectionalForPrivileged() throws {
        let result = try mounts(#"[{"name":"host","mountPath":"/b","mountPropagation":"Bidirectional"}]"#,
                                privileged: true)
        #expect(result[0].mount.propagation == .bidirectional)
    }

    @Test func containerConfigCarriesMountsAndTerminationFile() throws {
        let pod = try ConfigFixtures.pod(uid: "u-1", spec: """
            {"volumes":[{"name":"data","emptyDir":{}}],
             "containers":[{"name":"app","image":"x","volumeMounts":[{"name":"data","mountPath":"/data"}]}]}
            """)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let file = plan.terminationMessageFile(containerName: "app", instance: "0")
        #expect(file == "/var/lib/node-agent/pods/u-1/containers/app/0")
        let builder = ContainerConfigBuilder(context: ConfigFixtures.context, seccompChecker: FakeSeccompChecker())
        let config = try builder.build(
            ContainerConfigInput(
                pod: pod, container: pod.spec.containers[0], imageUser: .uid(0), terminationMessageHostPath: file),
            volumes: plan)
        #expect(config.mounts.map(\.containerPath) == ["/data", "/dev/termination-log"])
        #expect(config.mounts.last?.hostPath == file)
    }
}
