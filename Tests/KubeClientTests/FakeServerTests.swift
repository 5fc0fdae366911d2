import AgentTestKit
import FakeKubeAPIServer
import Foundation
import KubeAPI
import Testing

@testable import KubeClient

/// The client against the in-process fake kube-apiserver: real HTTP(S), real watch streams.
@Suite("KubeAPIClient against FakeKubeAPIServer")
struct FakeServerTests {
    @Test("mTLS kubeconfig; node create, status patch, lease update with retryOnConflict, delete preconditions, token")
    func verbsOverMutualTLS() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = FakeKubeAPIServer.Configuration()
            configuration.tls = try TLSMaterial.generate(in: dir + "/pki")
            try await FakeKubeAPIServer.withServer(configuration: configuration) { server in
                let path = try server.kubeconfig(path: dir + "/kubeconfig")
                try await KubeAPIClient.withClient(configuration: try Kubeconfig.load(path: path)) { client in
                    let node = try await client.create(
                        Node(metadata: ObjectMeta(name: "n1", labels: ["kubernetes.io/hostname": "n1"]))
                    )
                    #expect(!node.metadata.uid.isEmpty)
                    let exists = await #expect(throws: KubeAPIError.self) { _ = try await client.create(node) }
                    #expect(exists?.isAlreadyExists == true)
                    #expect(exists?.description == #"Error from server (AlreadyExists): nodes "n1" already exists"#)

                    let ready = NodeCondition(
                        type: .ready, status: .true, lastHeartbeatTime: Date(timeIntervalSince1970: 1_700_000_000),
                        reason: "KubeletReady", message: "kubelet is posting ready status"
                    )
                    let patched = try await client.patchStatus(
                        Node.self, name: "n1",
                        patch: try .strategicMerge(["status": NodeStatus(conditions: [ready])])
                    )
                    #expect(patched.status?.condition(.ready)?.reason == "KubeletReady")
                    let fetched = try await client.get(Node.self, name: "n1")
                    #expect(fetched.status?.condition(.ready)?.status == .true)

                    let lease = try await client.create(
                        Lease(
                            metadata: ObjectMeta(name: "n1", namespace: "kube-node-lease"),
                            spec: LeaseSpec(holderIdentity: "n1", leaseDurationSeconds: 40, renewTime: MicroTime(Date()))
                        )
                    )
                    // Someone else writes first: the stale update conflicts; retryOnConflict rereads and wins.
                    var stale = lease
                    var other = lease
                    other.spec.leaseTransitions = 1
                    _ = try await client.update(other)
                    stale.spec.renewTime = MicroTime(Date())
                    let conflict = await #expect(throws: KubeAPIError.self) { _ = try await client.update(stale) }
                    #expect(conflict?.isConflict == true)
                    let attempts = Counter()
                    let renewed = try await retryOnConflict {
                        var current = attempts.increment() == 1
                            ? stale : try await client.get(Lease.self, namespace: "kube-node-lease", name: "n1")
                        current.spec.renewTime = MicroTime(Date())
                        return try await client.update(current)
                    }
                    #expect(attempts.value == 2)
                    #expect(renewed.spec.holderIdentity == "n1")

                    let pod = try await client.create(
                        Pod(
                            metadata: ObjectMeta(name: "web", namespace: "default"),
                            spec: PodSpec(containers: [Container(name: "c", image: "busybox")], nodeName: "n1")
                        )
                    )
                    let onNode = try await client.list(
                        Pod.self, options: ListOptions(fieldSelector: "spec.nodeName=n1")
                    )
                    #expect(onNode.items.map(\.metadata.name) == ["web"])
                    let wrongUID = await #expect(throws: KubeAPIError.self) {
                        try await client.delete(
                            Pod.self, namespace: "default", name: "web",
                            options: DeleteOptions(gracePeriodSeconds: 0, preconditions: Preconditions(uid: "other"))
                        )
                    }
                    #expect(wrongUID?.isConflict == true)
                    try await client.delete(
                        Pod.self, namespace: "default", name: "web",
                        options: DeleteOptions(gracePeriodSeconds: 0, preconditions: Preconditions(uid: pod.metadata.uid))
                    )
                    let gone = await #expect(throws: KubeAPIError.self) {
                        _ = try await client.get(Pod.self, namespace: "default", name: "web")
                    }
                    #expect(gone?.description == #"Error from server (NotFound): pods "web" not found"#)

                    try server.create(.serviceAccounts, ["metadata": ["name": "default", "namespace": "default"]])
                    let token = try await client.createToken(
                        serviceAccount: "default", namespace: "default",
                        request: TokenRequest(spec: TokenRequestSpec(audiences: ["api"], expirationSeconds: 3600))
                    )
                    #expect(token.status?.token.isEmpty == false)
                    let agent = try #require(server.requests(pathPrefix: "/api/v1/nodes").first)
                    let userAgent = agent.headers.first { $0.name.lowercased() == "user-agent" }?.value
                    #expect(userAgent == KubeClientConfiguration.defaultUserAgent)
                }
            }
        }
    }

    @Test("open watches over HTTP/1.1 do not starve other requests")
    func manyWatches() async throws {
        try await withTemporaryDirectory { dir in
            try await FakeKubeAPIServer.withServer { server in
                var configuration = try Kubeconfig.load(path: try server.kubeconfig(path: dir + "/kubeconfig"))
                configuration.requestTimeout = .seconds(5)
                try await KubeAPIClient.withClient(configuration: configuration) { client in
                    var watches: [WatchStream<Pod>] = []
                    for _ in 0..<12 {
                        watches.append(try await client.watch(Pod.self, resourceVersion: server.resourceVersion))
                    }
                    let node = try await client.create(Node(metadata: ObjectMeta(name: "n1")))
                    #expect(node.metadata.name == "n1")
                    #expect(server.watchCount() == 12)
                    watches.removeAll()
                }
            }
        }
    }

    @Test("ListWatcher over real streams: events, resume after an outage, relist after compaction")
    func listWatchOverHTTP() async throws {
        try await withTemporaryDirectory { dir in
            try await FakeKubeAPIServer.withServer { server in
                func pod(_ name: String) -> JSON {
                    [
                        "metadata": ["name": .string(name), "namespace": "default"],
                        "spec": ["nodeName": "n1", "containers": [["name": "c", "image": "busybox"]]],
                    ]
                }
                try server.create(.pods, pod("a"))
                try server.create(.pods, ["metadata": ["name": "elsewhere", "namespace": "default"],
                                          "spec": ["nodeName": "n2", "containers": [["name": "c", "image": "i"]]]])
                let path = try server.kubeconfig(path: dir + "/kubeconfig")
                var configuration = try Kubeconfig.load(path: path)
                configuration.requestTimeout = .seconds(5)
                try await KubeAPIClient.withClient(configuration: configuration) { client in
                    let clock = ManualClock()
                    let watcher = ListWatcher(
                        client: client, of: Pod.self,
                        options: .init(fieldSelector: "spec.nodeName=n1", jitter: 0), clock: clock
                    )
                    let (stream, continuation) = AsyncStream<ListWatchUpdate<Pod>>.makeStream()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await update in watcher { continuation.yield(update) }
                            continuation.finish()
                        }
                        var updates = stream.makeAsyncIterator()
                        #expect(describe(await updates.next()) == "snapshot \(server.resourceVersion) [a]")
                        try server.create(.pods, pod("b"))
                        #expect(describe(await updates.next()).hasPrefix("added b "))

                        // Outage: the watch drops; while the server is down, b goes away and history is compacted.
                        try await server.stop()
                        try server.delete(.pods, namespace: "default", name: "b", gracePeriodSeconds: 0)
                        try server.create(.pods, pod("c"))
                        server.compact()
                        try await server.start()
                        // Whether the watcher saw the drop as an error (back-off) or as an end (re-watch at once,
                        // refused or answered 410) depends on timing; let back-offs pass as they come.
                        group.addTask {
                            while !Task.isCancelled {
                                if clock.sleeperCount > 0 { clock.advance(by: .seconds(1)) }
                                try await Task.sleep(for: .milliseconds(5))
                            }
                        }
                        #expect(describe(await updates.next()) == "snapshot \(server.resourceVersion) [a,c]")
                        group.cancelAll()
                    }
                }
            }
        }
    }
}
