import AsyncHTTPClient
import Foundation
import NIOHTTP1
import KubeAPI
import Testing

@testable import KubeClient

@Suite("KubeAPIClient requests")
struct RequestTests {
    static let nodeJSON = #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","resourceVersion":"7"}}"#

    @Test("paths of core, group and subresources")
    func paths() {
        #expect(Node.resource.path(name: "n1") == "/api/v1/nodes/n1")
        #expect(Node.resource.path(namespace: "ignored") == "/api/v1/nodes")
        #expect(Pod.resource.path() == "/api/v1/pods")
        #expect(Pod.resource.path(namespace: "default", name: "web", subresource: "status")
            == "/api/v1/namespaces/default/pods/web/status")
        #expect(Lease.resource.path(namespace: "kube-node-lease", name: "n1")
            == "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1")
        #expect(APIResource.serviceAccounts.path(namespace: "ns", name: "default", subresource: "token")
            == "/api/v1/namespaces/ns/serviceaccounts/default/token")
        #expect(Event.resource.path(namespace: "ns") == "/api/v1/namespaces/ns/events")
        #expect(ConfigMap.resource.path(namespace: "ns", name: "cfg") == "/api/v1/namespaces/ns/configmaps/cfg")
        #expect(Pod.resource.path(namespace: "a/b", name: "x y") == "/api/v1/namespaces/a%2Fb/pods/x%20y")
    }

    @Test("get sends the user agent, the token and Accept; decodes the object")
    func get() async throws {
        let (client, transport) = try scriptedClient(credentials: .token("s3cret")) { _ in .json(Self.nodeJSON) }
        let node = try await client.get(Node.self, name: "n1")
        #expect(node.metadata.name == "n1")
        #expect(node.metadata.resourceVersion == "7")
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(request.url == "https://api.test:6443/api/v1/nodes/n1")
        #expect(request.headers.first(name: "Authorization") == "Bearer s3cret")
        #expect(request.headers.first(name: "Accept") == "application/json")
        #expect(request.headers.first(name: "User-Agent") == KubeClientConfiguration.defaultUserAgent)
        #expect(KubeClientConfiguration.defaultUserAgent.hasPrefix("node-agent/v"))
        #expect(KubeClientConfiguration.defaultUserAgent.contains(" (linux/"))
        #expect(KubeClientConfiguration.defaultUserAgent.hasSuffix(") kubernetes/v1.34.0"))
    }

    @Test("namespaces: given, the object's, the context's, default")
    func namespaces() async throws {
        let (client, transport) = try scriptedClient(namespace: "ctx") { request in
            request.method == "GET"
                ? .json(podJSON("p", resourceVersion: "1"))
                : .json(podJSON("p", resourceVersion: "2"), status: .created)
        }
        _ = try await client.get(Pod.self, namespace: "given", name: "p")
        _ = try await client.get(Pod.self, name: "p")
        _ = try await client.create(Pod(metadata: ObjectMeta(name: "p", namespace: "own")))
        let (defaulted, defaultedTransport) = try scriptedClient { _ in .json(podJSON("p", resourceVersion: "1")) }
        _ = try await defaulted.get(Pod.self, name: "p")
        #expect(transport.requests.map(\.path) == [
            "/api/v1/namespaces/given/pods/p", "/api/v1/namespaces/ctx/pods/p", "/api/v1/namespaces/own/pods",
        ])
        #expect(defaultedTransport.requests.map(\.path) == ["/api/v1/namespaces/default/pods/p"])
    }

    @Test("list query: selectors, limit, continue, resourceVersion, escaping")
    func listQuery() async throws {
        let (client, transport) = try scriptedClient { _ in
            .json(#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"tok"},"items":[]}"#)
        }
        let list = try await client.list(
            Pod.self,
            options: ListOptions(
                labelSelector: "app in (web,db),tier!=x", fieldSelector: "spec.nodeName=n1", limit: 500,
                continueToken: "abc=", resourceVersion: "0", timeoutSeconds: 30
            )
        )
        #expect(list.metadata.resourceVersion == "42")
        #expect(list.metadata.continueToken == "tok")
        let request = try #require(transport.requests.first)
        #expect(request.path == "/api/v1/pods")
        #expect(request.target == "/api/v1/pods?labelSelector=app%20in%20%28web%2Cdb%29%2Ctier%21%3Dx"
            + "&fieldSelector=spec.nodeName%3Dn1&limit=500&continue=abc%3D&resourceVersion=0&timeoutSeconds=30")
        #expect(request.query["labelSelector"] == "app in (web,db),tier!=x")
    }

    @Test("listAll follows continue tokens and keeps the first page's resourceVersion")
    func listAll() async throws {
        let (client, transport) = try scriptedClient { request in
            if request.query["continue"] == nil {
                return .json(
                    #"{"metadata":{"resourceVersion":"10","continue":"p2"},"items":[\#(podJSON("a", resourceVersion: "3"))]}"#
                )
            }
            return .json(#"{"metadata":{"resourceVersion":"10"},"items":[\#(podJSON("b", resourceVersion: "4"))]}"#)
        }
        let list = try await client.listAll(Pod.self, namespace: "default")
        #expect(list.items.map(\.metadata.name) == ["a", "b"])
        #expect(list.metadata.resourceVersion == "10")
        #expect(transport.requests.map(\.target) == [
            "/api/v1/namespaces/default/pods?limit=500", "/api/v1/namespaces/default/pods?limit=500&continue=p2",
        ])
    }

    @Test("create, update, updateStatus fill apiVersion and kind and send JSON")
    func writes() async throws {
        let (client, transport) = try scriptedClient { request in
            request.path.hasSuffix("/leases")
                ? .json(#"{"metadata":{"name":"n1","namespace":"kube-node-lease","resourceVersion":"1"}}"#, status: .created)
                : .json(#"{"metadata":{"name":"n1","namespace":"kube-node-lease","resourceVersion":"2"}}"#)
        }
        let lease = Lease(
            metadata: ObjectMeta(name: "n1", namespace: "kube-node-lease"),
            spec: LeaseSpec(holderIdentity: "n1", leaseDurationSeconds: 40,
                            renewTime: MicroTime(Date(timeIntervalSince1970: 1_700_000_000.123456)))
        )
        let created = try await client.create(lease)
        #expect(created.metadata.resourceVersion == "1")
        var updated = created
        updated.spec.holderIdentity = "n1"
        _ = try await client.update(updated)
        _ = try await client.updateStatus(Node(metadata: ObjectMeta(name: "n1")))
        let requests = transport.requests
        #expect(requests.map { "\($0.method) \($0.path)" } == [
            "POST /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
            "PUT /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1",
            "PUT /api/v1/nodes/n1/status",
        ])
        #expect(requests[0].headers.first(name: "Content-Type") == "application/json")
        let body = try JSONSerialization.jsonObject(with: Data(requests[0].body)) as? [String: Any]
        #expect(body?["apiVersion"] as? String == "coordination.k8s.io/v1")
        #expect(body?["kind"] as? String == "Lease")
        let spec = body?["spec"] as? [String: Any]
        #expect(spec?["renewTime"] as? String == "2023-11-14T22:13:20.123456Z")
        #expect(spec?["leaseDurationSeconds"] as? Int == 40)
        #expect(requests[2].bodyText.contains(#""kind":"Node""#))
    }

    @Test("patch content types and the status subresource")
    func patches() async throws {
        let (client, transport) = try scriptedClient { _ in .json(Self.nodeJSON) }
        _ = try await client.patch(
            Node.self, name: "n1", patch: try .merge(["metadata": ["labels": ["a": "b"]]])
        )
        _ = try await client.patchStatus(
            Node.self, name: "n1",
            patch: try .strategicMerge(["status": ["conditions": [["type": "Ready", "status": "True"]]]])
        )
        _ = try await client.patch(
            Pod.self, namespace: "ns", name: "p",
            patch: try .json([JSONPatchOperation(op: "remove", path: "/metadata/labels/a")])
        )
        let requests = transport.requests
        #expect(requests.map { "\($0.method) \($0.path) \($0.headers.first(name: "Content-Type") ?? "")" } == [
            "PATCH /api/v1/nodes/n1 application/merge-patch+json",
            "PATCH /api/v1/nodes/n1/status application/strategic-merge-patch+json",
            "PATCH /api/v1/namespaces/ns/pods/p application/json-patch+json",
        ])
        #expect(requests[0].bodyText == #"{"metadata":{"labels":{"a":"b"}}}"#)
        #expect(requests[1].bodyText == #"{"status":{"conditions":[{"status":"True","type":"Ready"}]}}"#)
        #expect(requests[2].bodyText == #"[{"op":"remove","path":"/metadata/labels/a"}]"#)
    }

    @Test("delete with grace period and UID precondition; Status or object answers")
    func delete() async throws {
        let (client, transport) = try scriptedClient { request in
            request.path.hasSuffix("/gone")
                ? .json(#"{"kind":"Status","apiVersion":"v1","status":"Success","details":{"name":"gone","kind":"pods"}}"#)
                : .json(podJSON("web", resourceVersion: "9"))
        }
        let pod = try await client.delete(
            Pod.self, namespace: "ns", name: "web",
            options: DeleteOptions(gracePeriodSeconds: 0, preconditions: Preconditions(uid: "u-1"))
        )
        #expect(pod?.metadata.resourceVersion == "9")
        let none = try await client.delete(Pod.self, namespace: "ns", name: "gone")
        #expect(none == nil)
        let request = transport.requests[0]
        #expect(request.method == "DELETE")
        #expect(request.path == "/api/v1/namespaces/ns/pods/web")
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["kind"] as? String == "DeleteOptions")
        #expect(body?["gracePeriodSeconds"] as? Int == 0)
        #expect((body?["preconditions"] as? [String: Any])?["uid"] as? String == "u-1")
        #expect(transport.requests[1].body.isEmpty)
    }

    @Test("token request through the serviceaccounts token subresource")
    func tokenRequest() async throws {
        let (client, transport) = try scriptedClient { _ in
            .json(
                #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{"name":"default"},"#
                    + #""spec":{"audiences":["api"],"expirationSeconds":3600},"#
                    + #""status":{"token":"jwt","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#,
                status: .created
            )
        }
        let answer = try await client.createToken(
            serviceAccount: "default", namespace: "ns",
            request: TokenRequest(
                spec: TokenRequestSpec(
                    audiences: ["api"], expirationSeconds: 3600,
                    boundObjectRef: BoundObjectReference(kind: "Pod", apiVersion: "v1", name: "web", uid: "u")
                )
            )
        )
        #expect(answer.status?.token == "jwt")
        #expect(answer.status?.expirationTimestamp == Date(timeIntervalSince1970: 1_893_456_000))
        let request = transport.requests[0]
        #expect("\(request.method) \(request.path)" == "POST /api/v1/namespaces/ns/serviceaccounts/default/token")
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["apiVersion"] as? String == "authentication.k8s.io/v1")
        let spec = body?["spec"] as? [String: Any]
        #expect(spec?["audiences"] as? [String] == ["api"])
        let bound = spec?["boundObjectRef"] as? [String: String]
        #expect(bound == ["kind": "Pod", "apiVersion": "v1", "name": "web", "uid": "u"])
    }

    @Test("a token file is re-read when it changes")
    func tokenFile() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/token"
            try "first\n".write(toFile: path, atomically: true, encoding: .utf8)
            let (client, transport) = try scriptedClient(credentials: .tokenFile(path)) { _ in .json(Self.nodeJSON) }
            _ = try await client.get(Node.self, name: "n1")
            try "second-token\n".write(toFile: path, atomically: true, encoding: .utf8)
            _ = try await client.get(Node.self, name: "n1")
            #expect(transport.requests.map { $0.headers.first(name: "Authorization") } == [
                "Bearer first", "Bearer second-token",
            ])
        }
    }
}
