import AgentTestKit
import FakeKubeAPIServer
import Foundation
import KubeAPI
import KubeletServer
import Testing

extension KubeletServerTests {
    /// The fake API server's `pods/{name}/log` reaches the kubelet API through the Node's address and port.
    @Test func theFakeAPIServerProxiesPodLogsToTheNodesKubelet() async throws {
        try await self.withServer(pods: TestPods([Self.pod(restarts: 1, running: true)])) { port, _ in
            try await FakeKubeAPIServer.withServer { api in
                _ = try api.create(.namespaces, ["metadata": ["name": "ns"]])
                _ = try api.create(
                    .nodes,
                    [
                        "metadata": ["name": "n1"],
                        "status": [
                            "addresses": [
                                ["type": "Hostname", "address": "n1"], ["type": "InternalIP", "address": "127.0.0.1"],
                            ],
                            "daemonEndpoints": ["kubeletEndpoint": ["Port": .int(Int64(port))]],
                        ],
                    ])
                _ = try api.create(
                    .pods,
                    [
                        "metadata": ["name": "web", "namespace": "ns"],
                        "spec": [
                            "nodeName": "n1",
                            "containers": [["name": "app", "image": "busybox"], ["name": "side", "image": "pause"]],
                        ],
                    ], namespace: "ns")
                let client = TLSTestClient(port: api.port, tls: false)
                let tail = try await client.get("/api/v1/namespaces/ns/pods/web/log?container=app&tailLines=2")
                #expect(tail.status == 200)
                #expect(tail.body == "one-b\none-c\n")
                let waiting = try await client.get("/api/v1/namespaces/ns/pods/web/log?container=side")
                #expect(waiting.status == 400)
                #expect(
                    waiting.body.contains(#"container \"side\" in pod \"web\" is waiting to start: ContainerCreating"#))
                #expect(waiting.body.contains(#""reason":"BadRequest""#))
                let ambiguous = try await client.get("/api/v1/namespaces/ns/pods/web/log")
                #expect(ambiguous.status == 400)
                #expect(
                    ambiguous.body.contains("a container name must be specified for pod web, choose one of: [app side]")
                )
                #expect(try await client.get("/api/v1/namespaces/ns/pods/nope/log").status == 404)
            }
        }
    }
}
