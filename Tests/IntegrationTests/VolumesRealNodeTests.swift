import AgentTestKit
import CRIClient
import Foundation
import KubeAPI
import Logging
import PodSandbox
import Synchronization
import Testing

/// ConfigMap, Secret and service-account token objects held in memory, as the API client would return them.
private final class InMemoryObjects: PodObjectProvider {
    let configMaps = Mutex<[String: ConfigMap]>([:])
    let secrets = Mutex<[String: Secret]>([:])

    func configMap(namespace: String, name: String) async throws -> ConfigMap? {
        self.configMaps.withLock { $0["\(namespace)/\(name)"] }
    }

    func secret(namespace: String, name: String) async throws -> Secret? {
        self.secrets.withLock { $0["\(namespace)/\(name)"] }
    }

    func serviceAccountToken(
        namespace: String,
        serviceAccountName: String,
        audience: String,
        expirationSeconds: Int64,
        podName: String,
        podUID: String
    ) async throws -> (token: String, expiration: Date) {
        ("token-for-\(serviceAccountName)-\(podName)", Date().addingTimeInterval(TimeInterval(expirationSeconds)))
    }
}

extension RealNodeTests {
    /// configMap, secret (tmpfs), downwardAPI and projected volumes and env from a ConfigMap through the PodSyncer
    /// on the real containerd: the files are read from inside the container, a ConfigMap change reaches them.
    @Suite("Volumes from API objects on the real containerd")
    struct VolumesRealNodeTests {
        static let namespace = "nodeagent-test"

        static func pod(uid: String) throws -> Pod {
            let json = #"""
                {"apiVersion":"v1","kind":"Pod",
                 "metadata":{"name":"volumes","namespace":"nodeagent-test","uid":"\#(uid)",
                             "labels":{"app":"volumes"},"annotations":{"kubernetes.io/config.source":"api"}},
                 "spec":{"terminationGracePeriodSeconds":1,"serviceAccountName":"builder",
                   "securityContext":{"fsGroup":2000},
                   "volumes":[
                     {"name":"config","configMap":{"name":"app-config"}},
                     {"name":"secret","secret":{"secretName":"app-secret","defaultMode":256}},
                     {"name":"info","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}},
                     {"name":"token","projected":{"sources":[
                        {"serviceAccountToken":{"path":"token","expirationSeconds":3600}},
                        {"configMap":{"name":"app-config","items":[{"key":"app.conf","path":"copy.conf"}]}}]}}],
                   "containers":[{"name":"app","image":"docker.io/library/busybox:1.36",
                     "command":["sh","-c","exec sleep 3600"],
                     "env":[{"name":"LEVEL","valueFrom":{"configMapKeyRef":{"name":"app-config","key":"level"}}}],
                     "volumeMounts":[{"name":"config","mountPath":"/etc/config"},
                                     {"name":"secret","mountPath":"/etc/secret"},
                                     {"name":"info","mountPath":"/etc/info"},
                                     {"name":"token","mountPath":"/var/run/secrets/tokens"}]}]}}
                """#
            return try KubeJSON.decoder().decode(Pod.self, from: Data(json.utf8))
        }

        static func mounted(_ path: String) -> String? {
            let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
            return mounts.split(separator: "\n").first { $0.split(separator: " ").dropFirst().first == Substring(path) }
                .map { String($0.split(separator: " ")[2]) }
        }

        @Test func filesAreReadInsideTheContainerAndFollowConfigMapChanges() async throws {
            let uid = UUID().uuidString.lowercased()
            let podsDirectory = "/var/lib/node-agent-test/volumes-\(uid)/pods"
            defer { try? FileManager.default.removeItem(atPath: "/var/lib/node-agent-test/volumes-\(uid)") }
            let objects = InMemoryObjects()
            let namespace = Self.namespace
            objects.configMaps.withLock {
                $0["\(namespace)/app-config"] = ConfigMap(
                    metadata: ObjectMeta(name: "app-config", namespace: namespace),
                    data: ["app.conf": "version=1", "level": "3"])
            }
            objects.secrets.withLock {
                $0["\(namespace)/app-secret"] = Secret(
                    metadata: ObjectMeta(name: "app-secret", namespace: namespace), strings: ["password": "s3cret"])
            }
            let pod = try Self.pod(uid: uid)
            try await withCRIClient(try RealNode.configuration()) { runtime in
                let syncer = PodSyncer(
                    runtime: runtime,
                    context: PodConfigContext(
                        nodeName: "node-1", podsDirectory: podsDirectory,
                        allocatable: .init(milliCPU: 2000, memoryBytes: 1 << 30)),
                    volumes: HostVolumeSetup(),
                    restartBackOff: BackOffStore(policy: .crashLoop()),
                    objects: objects,
                    logger: Logger(label: "volumes-real-node")
                )
                var runtimePod: RuntimePod?
                do {
                    let result = await syncer.sync(pod: pod, runtimePod: nil, probes: .empty, previousStatus: nil)
                    runtimePod = result.runtimePod
                    #expect(result.errors.isEmpty, "\(result.errors)")
                    let id = try #require(result.runtimePod?.latestContainers["app"]?.id)
                    func run(_ script: String) async throws -> String {
                        let exec = try await runtime.execSync(id, command: ["sh", "-c", script], timeout: .seconds(10))
                        return exec.stdoutText + exec.stderrText
                    }
                    #expect(try await run("cat /etc/config/app.conf") == "version=1")
                    #expect(try await run("cat /etc/secret/password") == "s3cret")
                    // fsGroup: the group owns the files and may read them (0400 -> 0440, the token 0600 -> 0640).
                    #expect(try await run("stat -L -c '%a %g' /etc/secret/password") == "440 2000\n")
                    #expect(try await run("stat -L -c '%a %g' /var/run/secrets/tokens/token") == "640 2000\n")
                    #expect(try await run("stat -L -c '%a %g' /etc/config/app.conf") == "644 2000\n")
                    #expect(try await run("cat /etc/info/labels") == "app=\"volumes\"")
                    #expect(try await run("cat /var/run/secrets/tokens/token") == "token-for-builder-volumes")
                    #expect(try await run("cat /var/run/secrets/tokens/copy.conf") == "version=1")
                    #expect(try await run("echo $LEVEL") == "3\n")
                    // Read-only mounts, the upstream layout, and the secret on its own tmpfs.
                    #expect(try await run("touch /etc/config/new 2>&1; echo $?").hasSuffix("1\n"))
                    #expect(try await run("readlink /etc/config/app.conf; readlink /etc/config/..data | cut -c1-3")
                        == "..data/app.conf\n..2\n")
                    let volumes = podsDirectory + "/\(uid)/volumes"
                    #expect(Self.mounted(volumes + "/kubernetes.io~secret/secret") == "tmpfs")
                    #expect(Self.mounted(volumes + "/kubernetes.io~projected/token") == "tmpfs")
                    #expect(Self.mounted(volumes + "/kubernetes.io~configmap/config") == nil)

                    objects.configMaps.withLock {
                        $0["\(namespace)/app-config"]?.data["app.conf"] = "version=2"
                    }
                    #expect(await syncer.refreshVolumes(pod: pod).isEmpty)
                    #expect(try await run("cat /etc/config/app.conf") == "version=2")
                    #expect(try await run("cat /var/run/secrets/tokens/copy.conf") == "version=2")

                    // A periodic sync of the running pod re-syncs the files too.
                    objects.configMaps.withLock {
                        $0["\(namespace)/app-config"]?.data["app.conf"] = "version=3"
                    }
                    let resync = await syncer.sync(
                        pod: pod, runtimePod: result.runtimePod, probes: .empty, previousStatus: result.status)
                    #expect(resync.actions.isNothingToDo)
                    #expect(try await run("cat /etc/config/app.conf") == "version=3")

                    let left = await syncer.terminate(pod: pod, runtimePod: resync.runtimePod, gracePeriod: .seconds(1))
                    runtimePod = left.left
                    #expect(left.left == nil)
                    #expect(Self.mounted(volumes + "/kubernetes.io~secret/secret") == nil)
                    #expect(!FileManager.default.fileExists(atPath: podsDirectory + "/\(uid)"))
                } catch {
                    if let runtimePod { _ = await syncer.terminate(pod: pod, runtimePod: runtimePod, gracePeriod: .seconds(1)) }
                    throw error
                }
            }
        }
    }
}
