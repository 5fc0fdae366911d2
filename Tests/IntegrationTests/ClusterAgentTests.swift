import AgentTestKit
import CRIClient
import FakeKubeAPIServer
import Foundation
import KubeAPI
import Testing

/// An API pod bound to the test node: busybox httpd on 8080.
func apiPodJSON(
    name: String,
    namespace: String = "default",
    grace: Int = 3,
    container edit: (inout JSON) -> Void = { _ in },
    volumes: JSON? = nil
) -> JSON {
    var container: JSON = [
        "name": "httpd",
        "image": "docker.io/library/busybox:1.36",
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", "mkdir -p /www && echo api-pod > /www/index.html && exec httpd -f -p 8080 -h /www"],
        "readinessProbe": ["tcpSocket": ["port": 8080], "periodSeconds": 1],
    ]
    edit(&container)
    var pod: JSON = [
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": .string(name)]],
        "spec": [
            "nodeName": "it-node",
            "terminationGracePeriodSeconds": .int(Int64(grace)),
            "containers": [container],
        ],
    ]
    if let volumes { pod["spec"]["volumes"] = volumes }
    return pod
}

extension JSON {
    /// `status.conditions[type=T].status == "True"`.
    func condition(_ type: String) -> Bool {
        self["status"]["conditions"].array?.contains { $0["type"].string == type && $0["status"].string == "True" } == true
    }
}

extension RealNodeTests {
    @Suite("node-agent in cluster mode against the fake API server, on the real containerd")
    struct ClusterAgentTests {
        func withClusterAgent(
            port: Int,
            _ body: (AgentProcess, FakeKubeAPIServer) async throws -> Void
        ) async throws {
            try await AgentProcess.removeAllPods()
            try await FakeKubeAPIServer.withServer { server in
                let agent = try AgentProcess(healthzPort: port)
                let kubeconfig = try server.kubeconfig(path: agent.manifestDirectory + "/../kubeconfig")
                try agent.start(extraArguments: [
                    "--kubeconfig", kubeconfig, "--node-labels", "tier=it", "--sync-frequency", "2s",
                ])
                do {
                    try await body(agent, server)
                } catch {
                    agent.stop()
                    try? await AgentProcess.removeAllPods()
                    Issue.record("agent log:\n\(agent.log.suffix(6000))")
                    throw error
                }
                agent.stop()
                try await AgentProcess.removeAllPods()
            }
        }

        @Test func nodeRegistersPodRunsReportsStatusAndIsDeleted() async throws {
            try await self.withClusterAgent(port: 10361) { agent, server in
                // The node registers Ready, with the labels, addresses and capacity operators expect.
                let node = try await server.waitFor(.nodes, name: "it-node", timeout: .seconds(30)) { $0.condition("Ready") }
                #expect(node["metadata"]["labels"]["kubernetes.io/hostname"].string == "it-node")
                #expect(node["metadata"]["labels"]["kubernetes.io/os"].string == "linux")
                #expect(node["metadata"]["labels"]["tier"].string == "it")
                #expect(node["status"]["capacity"]["pods"].string == "110")
                #expect(node["status"]["nodeInfo"]["containerRuntimeVersion"].string?.hasPrefix("containerd://") == true)
                #expect(node["status"]["conditions"].array?.first { $0["type"].string == "Ready" }?["reason"].string == "KubeletReady")
                // The lease exists, held by the node.
                let lease = try await server.waitFor(.leases, namespace: "kube-node-lease", name: "it-node")
                #expect(lease["spec"]["holderIdentity"].string == "it-node")
                #expect(lease["spec"]["leaseDurationSeconds"].int == 40)

                // A pod created through the API runs, and its status shows Running and Ready with its IP.
                try server.create(.pods, apiPodJSON(name: "api-web"), namespace: "default")
                let running = try await server.waitFor(.pods, namespace: "default", name: "api-web", timeout: .seconds(60)) {
                    $0["status"]["phase"].string == "Running" && $0.condition("Ready") && $0["status"]["podIP"].string != nil
                }
                let ip = try #require(running["status"]["podIP"].string)
                let page = try await poll("the page on \(ip):8080") { await httpGet("http://\(ip):8080/") }
                #expect(page.contains("api-pod"))
                #expect(running["status"]["containerStatuses"][0]["containerID"].string?.hasPrefix("containerd://") == true)
                #expect(running["status"]["hostIP"].string != nil)
                // Events as `kubectl describe pod` lists them.
                let reasons = try await server.waitUntil("Started event") { () -> [String]? in
                    let events = (try? server.list(.events, namespace: "default")) ?? []
                    let reasons = events.compactMap { $0["reason"].string }
                    return reasons.contains("Started") ? reasons : nil
                }
                #expect(reasons.contains("Created"))
                #expect(server.requests(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/pods/api-web/status").allSatisfy {
                    $0.headers.first { $0.0.lowercased() == "content-type" }?.1 == "application/merge-patch+json"
                })

                // Deleting it terminates the containers, writes the final status, and removes the object.
                try server.delete(.pods, namespace: "default", name: "api-web")
                try await server.waitForDeletion(.pods, namespace: "default", name: "api-web", timeout: .seconds(30))
                try await poll("the pod's sandbox removed from containerd") { () -> Bool? in
                    try await withCRIClient(try RealNode.configuration()) { runtime in
                        let sandboxes = try await runtime.listPodSandboxes(nil)
                        return sandboxes.contains { $0.metadata.name == "api-web" } ? nil : true
                    }
                }

                // The lease is renewed (every 10 s).
                let firstRenew = lease["spec"]["renewTime"].string
                _ = try await server.waitFor(.leases, namespace: "kube-node-lease", name: "it-node", timeout: .seconds(25)) {
                    $0["spec"]["renewTime"].string != firstRenew
                }
            }
        }

        @Test func staticPodGetsAMirrorAndPodsRideOutAnAPIServerOutage() async throws {
            try await self.withClusterAgent(port: 10362) { agent, server in
                try agent.write("web.yaml", webManifest(name: "static-web", version: "s1"))
                // The mirror pod appears, with the mirror annotation and the static pod's status.
                let mirror = try await server.waitFor(.pods, namespace: "default", name: "static-web-it-node", timeout: .seconds(60)) {
                    $0["metadata"]["annotations"]["kubernetes.io/config.mirror"].string != nil
                        && $0["status"]["phase"].string == "Running"
                }
                #expect(mirror["metadata"]["ownerReferences"][0]["kind"].string == "Node")
                // Deleted through the API, it comes back; the static pod keeps running.
                let before = try await agent.waitForPod("static-web") { $0.isRunningAndReady }
                try server.delete(.pods, namespace: "default", name: "static-web-it-node")
                _ = try await server.waitFor(.pods, namespace: "default", name: "static-web-it-node", timeout: .seconds(30)) {
                    $0["metadata"]["uid"].string != mirror["metadata"]["uid"].string
                        && $0["metadata"]["deletionTimestamp"] == .null
                }
                let after = try await agent.waitForPod("static-web") { $0.isRunningAndReady }
                #expect(after.status?.containerStatuses.first?.containerID == before.status?.containerStatuses.first?.containerID)

                // An API pod, then the API server goes away: pods keep running, and a static pod added meanwhile
                // starts; when the server is back, its mirror appears and status converges.
                try server.create(.pods, apiPodJSON(name: "api-stays"), namespace: "default")
                _ = try await server.waitFor(.pods, namespace: "default", name: "api-stays", timeout: .seconds(60)) {
                    $0["status"]["phase"].string == "Running"
                }
                try await server.stop()
                try agent.write("late.yaml", webManifest(name: "late", version: "l1"))
                _ = try await agent.waitForPod("late") { $0.isRunningAndReady }
                let stillRunning = try await agent.pods().first { $0.metadata.name == "api-stays" }
                #expect(stillRunning?.status?.phase == .running)
                #expect(agent.isRunning)
                try await server.start()
                _ = try await server.waitFor(.pods, namespace: "default", name: "late-it-node", timeout: .seconds(60)) {
                    $0["status"]["phase"].string == "Running"
                }
                _ = try await server.waitFor(.nodes, name: "it-node", timeout: .seconds(30)) { $0.condition("Ready") }
            }
        }

        @Test func configMapVolumeFollowsUpdatesAndAMissingKeyIsAClearStatus() async throws {
            try await self.withClusterAgent(port: 10363) { agent, server in
                try server.create(
                    .configMaps,
                    ["metadata": ["name": "site", "namespace": "default"], "data": ["index.html": "version-1"]],
                    namespace: "default"
                )
                let pod = apiPodJSON(
                    name: "cm-web",
                    container: { container in
                        container["command"] = ["httpd", "-f", "-p", "8080", "-h", "/www"]
                        container["volumeMounts"] = [["name": "site", "mountPath": "/www"]]
                    },
                    volumes: [["name": "site", "configMap": ["name": "site"]]]
                )
                try server.create(.pods, pod, namespace: "default")
                let running = try await server.waitFor(.pods, namespace: "default", name: "cm-web", timeout: .seconds(60)) {
                    $0["status"]["phase"].string == "Running" && $0["status"]["podIP"].string != nil
                }
                let ip = try #require(running["status"]["podIP"].string)
                let first = try await poll("the ConfigMap's page") { await httpGet("http://\(ip):8080/index.html") }
                #expect(first.contains("version-1"))
                // Updated through the API: the file follows (within the sync frequency, 2 s here).
                try server.modify(.configMaps, namespace: "default", name: "site") { $0["data"]["index.html"] = "version-2" }
                _ = try await poll("the updated page", timeout: .seconds(30)) { () -> Bool? in
                    (await httpGet("http://\(ip):8080/index.html"))?.contains("version-2") == true ? true : nil
                }

                // A projected volume: the service-account token (through TokenRequest, bound to the pod) and a Secret.
                try server.create(.serviceAccounts, ["metadata": ["name": "default", "namespace": "default"]], namespace: "default")
                try server.create(
                    .secrets,
                    ["metadata": ["name": "creds", "namespace": "default"], "stringData": ["password": "s3cret"]],
                    namespace: "default"
                )
                let projected = apiPodJSON(
                    name: "token-web",
                    container: { container in
                        container["command"] = ["httpd", "-f", "-p", "8080", "-h", "/www"]
                        container["volumeMounts"] = [["name": "www", "mountPath": "/www"]]
                    },
                    volumes: [[
                        "name": "www",
                        "projected": ["sources": [
                            ["serviceAccountToken": ["path": "token", "expirationSeconds": 3600]],
                            ["secret": ["name": "creds"]],
                        ]],
                    ]]
                )
                try server.create(.pods, projected, namespace: "default")
                let tokenPod = try await server.waitFor(.pods, namespace: "default", name: "token-web", timeout: .seconds(60)) {
                    $0["status"]["phase"].string == "Running" && $0["status"]["podIP"].string != nil
                }
                let tokenIP = try #require(tokenPod["status"]["podIP"].string)
                let token = try await poll("the projected token") { await httpGet("http://\(tokenIP):8080/token") }
                #expect(server.issuedTokens.contains { $0.token == token && $0.boundPod == "token-web" })
                #expect(await httpGet("http://\(tokenIP):8080/password") == "s3cret")

                // A key that does not exist: the container waits with CreateContainerConfigError naming it.
                let broken = apiPodJSON(name: "cm-broken", container: { container in
                    container["env"] = [["name": "LEVEL", "valueFrom": ["configMapKeyRef": ["name": "site", "key": "level"]]]]
                })
                try server.create(.pods, broken, namespace: "default")
                let waiting = try await server.waitFor(.pods, namespace: "default", name: "cm-broken", timeout: .seconds(60)) {
                    $0["status"]["containerStatuses"][0]["state"]["waiting"]["reason"].string == "CreateContainerConfigError"
                }
                #expect(waiting["status"]["containerStatuses"][0]["state"]["waiting"]["message"].string == "couldn't find key level in ConfigMap default/site")
                #expect(waiting["status"]["phase"].string == "Pending")
            }
        }

        @Test func failingLivenessProbeGivesUnhealthyAndKillingEvents() async throws {
            try await self.withClusterAgent(port: 10364) { agent, server in
                let pod = apiPodJSON(name: "sick", container: { container in
                    container["command"] = ["sh", "-c", "exec sleep 3600"]
                    container["readinessProbe"] = .null
                    container["livenessProbe"] = [
                        "exec": ["command": ["cat", "/tmp/healthy"]], "periodSeconds": 1, "failureThreshold": 1,
                    ]
                })
                try server.create(.pods, pod, namespace: "default")
                let events = try await server.waitUntil("Unhealthy and Killing events", timeout: .seconds(60)) { () -> [JSON]? in
                    let events = ((try? server.list(.events, namespace: "default")) ?? [])
                        .filter { $0["involvedObject"]["name"].string == "sick" }
                    let reasons = Set(events.compactMap { $0["reason"].string })
                    return reasons.isSuperset(of: ["Unhealthy", "Killing"]) ? events : nil
                }
                let unhealthy = try #require(events.first { $0["reason"].string == "Unhealthy" })
                #expect(unhealthy["type"].string == "Warning")
                #expect(unhealthy["message"].string?.hasPrefix("Liveness probe failed:") == true)
                #expect(unhealthy["involvedObject"]["fieldPath"].string == "spec.containers{httpd}")
                let killing = try #require(events.first { $0["reason"].string == "Killing" })
                #expect(killing["message"].string == "Container httpd failed liveness probe, will be restarted")
                // The restart shows in the API status: restartCount and the killed instance in lastState.
                let restarted = try await server.waitFor(.pods, namespace: "default", name: "sick", timeout: .seconds(60)) {
                    ($0["status"]["containerStatuses"][0]["restartCount"].int ?? 0) >= 1
                }
                #expect(restarted["status"]["containerStatuses"][0]["lastState"]["terminated"] != .null)
            }
        }
    }
}
