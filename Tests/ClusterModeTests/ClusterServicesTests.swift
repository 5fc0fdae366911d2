@testable import ClusterMode
import FakeKubeAPIServer
import Foundation
import KubeAPI
import KubeClient
import Logging
import PodSandbox
import ServiceProxy
import Synchronization
import Testing

/// Runs `body` with a fake API server and a ``KubeClusterAPI`` talking to it over HTTP.
func withClusterAPI(_ body: (FakeKubeAPIServer, KubeClusterAPI) async throws -> Void) async throws {
    try await FakeKubeAPIServer.withServer { server in
        let client = try KubeAPIClient(configuration: KubeClientConfiguration(server: server.url, qps: -1))
        do {
            try await body(server, KubeClusterAPI(client: client, logger: Logger(label: "test")))
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

func testFacts(name: String = "n1") -> NodeFacts {
    NodeFacts(
        name: name,
        hostname: name,
        addresses: ["10.0.0.5"],
        extraLabels: ["tier": "edge"],
        milliCPU: 2000,
        memoryBytes: 8 << 30,
        ephemeralStorageBytes: 100 << 30,
        nodeInfo: NodeSystemInfo(machineID: "m", bootID: "b", kubeletVersion: "v1.34.0"),
        architecture: "amd64"
    )
}

@Suite("cluster mode services against the fake API server")
struct ClusterServicesTests {
    let logger = Logger(label: "test")

    @Test func registrationCreatesTheNodeOrReconcilesItsLabels() async throws {
        try await withClusterAPI { server, api in
            let registration = NodeRegistration(name: "n1")
            let service = NodeStatusService(
                api: api, facts: { testFacts() }, health: { NodeHealth() }, registration: registration, logger: self.logger
            )
            // Absent: created with the labels, capacity, addresses and a Ready condition.
            _ = try await service.register()
            let node = try server.get(.nodes, name: "n1")
            #expect(node["metadata"]["labels"]["kubernetes.io/arch"].string == "amd64")
            #expect(node["metadata"]["labels"]["tier"].string == "edge")
            #expect(node["status"]["capacity"]["cpu"].string == "2")
            #expect(node["status"]["capacity"]["memory"].string == "8388608Ki")
            #expect(node["status"]["allocatable"]["pods"].string == "110")
            #expect(node["status"]["addresses"].array?.map { $0["type"].string ?? "" } == ["InternalIP", "Hostname"])
            #expect(node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"].int == 10250)
            #expect(registration.current?.metadata.uid.isEmpty == false)

            // Present with a label changed by hand: the agent's labels are put back, others left alone.
            try server.modify(.nodes, name: "n1") { node in
                node["metadata"]["labels"]["kubernetes.io/hostname"] = "wrong"
                node["metadata"]["labels"]["team"] = "a"
            }
            _ = try await service.register()
            let again = try server.get(.nodes, name: "n1")
            #expect(again["metadata"]["labels"]["kubernetes.io/hostname"].string == "n1")
            #expect(again["metadata"]["labels"]["team"].string == "a")
            let patches = server.requests(method: "PATCH", pathPrefix: "/api/v1/nodes/n1/status")
            #expect(patches.last?.headers.first { $0.name.lowercased() == "content-type" }?.value == "application/strategic-merge-patch+json")
        }
    }

    @Test func leaseIsCreatedOwnedByTheNodeThenRenewed() async throws {
        try await withClusterAPI { server, api in
            let registration = NodeRegistration(name: "n1")
            let node = try await api.createNode(Node(metadata: ObjectMeta(name: "n1")))
            let clock = Mutex(Date(timeIntervalSince1970: 1_000))
            let lease = NodeLeaseService(api: api, registration: registration, logger: self.logger, now: { clock.withLock { $0 } })
            _ = try await lease.renew(node: node)
            let created = try server.get(.leases, namespace: "kube-node-lease", name: "n1")
            #expect(created["spec"]["holderIdentity"].string == "n1")
            #expect(created["spec"]["leaseDurationSeconds"].int == 40)
            #expect(created["metadata"]["ownerReferences"][0]["uid"].string == node.metadata.uid)
            clock.withLock { $0 = Date(timeIntervalSince1970: 1_010) }
            _ = try await lease.renew(node: node)
            let renewed = try server.get(.leases, namespace: "kube-node-lease", name: "n1")
            #expect(renewed["spec"]["renewTime"].string != created["spec"]["renewTime"].string)
            #expect(renewed["spec"]["renewTime"].string?.hasPrefix("1970-01-01T00:16:50") == true)
        }
    }

    @Test func statusIsPatchedWithTheUIDPreconditionThenTheDeletedPodIsRemoved() async throws {
        try await withClusterAPI { server, api in
            var spec: JSON = ["metadata": ["name": "web", "namespace": "default"], "spec": ["nodeName": "n1", "containers": [["name": "c", "image": "busybox"]]]]
            spec = try server.create(.pods, spec, namespace: "default")
            let pod = try spec.kube(Pod.self)
            let cache = APIPodCache()
            cache.apply(.snapshot([pod]))
            let manager = PodStatusManager(api: api, cache: cache, localPods: { [] }, logger: self.logger)
            var status = PodStatus(phase: .running, conditions: [PodCondition(type: "Ready", status: "True")], podIP: "10.88.0.9")
            manager.podStatusChanged(pod, status: status)
            await manager.flush()
            let written = try server.get(.pods, namespace: "default", name: "web")
            #expect(written["status"]["phase"].string == "Running")
            #expect(written["status"]["podIP"].string == "10.88.0.9")
            let patch = try #require(server.requests(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/pods/web/status").last)
            let body = try JSONSerialization.jsonObject(with: Data(patch.body)) as? [String: Any]
            #expect((body?["metadata"] as? [String: Any])?["uid"] as? String == pod.metadata.uid)

            // Nothing changed: nothing sent.
            server.clearRequests()
            manager.podStatusChanged(pod, status: status)
            await manager.flush()
            #expect(server.requests(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/pods/web/status").isEmpty)

            // Deleted through the API: once terminated, the final status is written and the pod deleted (grace 0).
            let (deleting, gone) = try server.delete(.pods, namespace: "default", name: "web")
            #expect(!gone)
            cache.apply(.upsert(try deleting.kube(Pod.self)))
            status.phase = .failed
            manager.podTerminated(pod, finalStatus: status)
            await manager.flush()
            try await server.waitForDeletion(.pods, namespace: "default", name: "web", timeout: .seconds(5))
        }
    }

    @Test func repeatedEventsAreCountedOnOneEvent() async throws {
        try await withClusterAPI { server, api in
            let pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default", uid: "u1"), spec: PodSpec(containers: [Container(name: "c")]))
            let recorder = EventRecorder(api: api, nodeName: "n1", podLookup: { _ in pod }, logger: self.logger)
            let event = PodEvent(type: .warning, reason: "BackOff", message: "Back-off restarting failed container c", podUID: "u1", containerName: "c")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await recorder.run() }
                recorder.record(event)
                recorder.record(event)
                let counted = try await server.waitUntil("an event with count 2") { () -> JSON? in
                    let events = (try? server.list(.events, namespace: "default")) ?? []
                    return events.count == 1 && events[0]["count"].int == 2 ? Optional.some(events[0]) : Optional<JSON>.none
                }
                #expect(counted["involvedObject"]["fieldPath"].string == "spec.containers{c}")
                #expect(counted["source"]["component"].string == "kubelet")
                #expect(counted["source"]["host"].string == "n1")
                #expect(counted["type"].string == "Warning")
                group.cancelAll()
            }
        }
    }
}

extension JSON {
    /// Decodes through Kubernetes JSON (RFC 3339 times).
    func kube<T: Decodable>(_ type: T.Type) throws -> T {
        try KubeJSON.decoder().decode(T.self, from: Data(self.serialized().utf8))
    }
}

@Suite("the service proxy's API source")
struct APIServiceSourceTests {
    @Test func servicesAndSlicesArriveThenSyncedThenChanges() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.create(
                .services,
                ["metadata": ["name": "web", "namespace": "default"],
                 "spec": ["clusterIP": "10.96.0.10", "ports": [["port": 80, "protocol": "TCP"]]]],
                namespace: "default"
            )
            let client = try KubeAPIClient(configuration: KubeClientConfiguration(server: server.url, qps: -1))
            let source = APIServiceSource(client: client, logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await source.run() }
                var iterator = source.events.makeAsyncIterator()
                var seen: [String] = []
                while !(seen.contains("servicesSynced") && seen.contains("endpointSlicesSynced")) {
                    guard let event = await iterator.next() else { break }
                    seen.append(Self.describe(event))
                }
                #expect(seen.contains("service default/web"))
                try server.create(
                    .endpointSlices,
                    ["metadata": ["name": "web-abc", "namespace": "default", "labels": ["kubernetes.io/service-name": "web"]],
                     "addressType": "IPv4", "endpoints": [["addresses": ["10.88.0.5"]]], "ports": [["port": 8080]]],
                    namespace: "default"
                )
                #expect(await iterator.next().map(Self.describe) == "slice default/web-abc")
                try server.delete(.services, namespace: "default", name: "web")
                #expect(await iterator.next().map(Self.describe) == "deleted service default/web")
                group.cancelAll()
            }
            try await client.shutdown()
        }
    }

    static func describe(_ event: ServiceSourceEvent) -> String {
        switch event {
        case .serviceUpdated(let service): "service \(service.metadata.namespace)/\(service.metadata.name)"
        case .serviceDeleted(let namespace, let name): "deleted service \(namespace)/\(name)"
        case .endpointSliceUpdated(let slice): "slice \(slice.metadata.namespace)/\(slice.metadata.name)"
        case .endpointSliceDeleted(let namespace, let name): "deleted slice \(namespace)/\(name)"
        case .servicesSynced: "servicesSynced"
        case .endpointSlicesSynced: "endpointSlicesSynced"
        }
    }
}
