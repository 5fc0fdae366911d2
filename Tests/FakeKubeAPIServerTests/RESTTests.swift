import FakeKubeAPIServer
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite struct FakeAPIRESTTests {
    @Test func createGetAndErrors() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            let created = try await client.post("/api/v1/namespaces/default/pods", pod("web"))
            #expect(created.status == 201)
            #expect(created.json["metadata"]["uid"].string?.count == 36)
            #expect(created.json["metadata"]["creationTimestamp"].string != nil)
            #expect(Int(created.json.resourceVersion)! > 0)
            #expect(created.json["status"]["phase"] == "Pending")
            #expect(created.json["spec"]["terminationGracePeriodSeconds"] == 30)

            let got = try await client.get("/api/v1/namespaces/default/pods/web")
            #expect(got.status == 200)
            #expect(got.json == created.json)

            let duplicate = try await client.post("/api/v1/namespaces/default/pods", pod("web"))
            #expect(duplicate.status == 409)
            #expect(duplicate.json["kind"] == "Status")
            #expect(duplicate.json["reason"] == "AlreadyExists")
            #expect(duplicate.json["message"] == #"pods "web" already exists"#)

            let missing = try await client.get("/api/v1/namespaces/default/pods/nope")
            #expect(missing.status == 404)
            #expect(missing.json["reason"] == "NotFound")
            #expect(missing.json["message"] == #"pods "nope" not found"#)
            #expect(missing.json["details"] == ["name": "nope", "kind": "pods"])
            #expect(missing.json["code"] == 404)
            #expect(missing.json["status"] == "Failure")

            let lease = try await client.get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1")
            #expect(lease.json["message"] == #"leases.coordination.k8s.io "n1" not found"#)
            #expect(lease.json["details"]["group"] == "coordination.k8s.io")

            var nameless = pod("x")
            nameless["metadata"].removeValue(forKey: "name")
            let invalid = try await client.post("/api/v1/namespaces/default/pods", nameless)
            #expect(invalid.status == 422)
            #expect(invalid.json["reason"] == "Invalid")
            #expect(invalid.json["message"] == #"Pod "" is invalid: metadata.name: Required value: name or generateName is required"#)
            #expect(invalid.json["details"]["causes"][0]["field"] == "metadata.name")

            nameless["metadata"]["generateName"] = "web-"
            let generated = try await client.post("/api/v1/namespaces/default/pods", nameless)
            #expect(generated.status == 201)
            #expect(generated.json.name.hasPrefix("web-") && generated.json.name.count == 9)

            let noNamespace = try await client.post("/api/v1/namespaces/nowhere/configmaps", ["metadata": ["name": "c"]])
            #expect(noNamespace.status == 404)
            #expect(noNamespace.json["message"] == #"namespaces "nowhere" not found"#)
        }
    }

    @Test func validationAsUpstream() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            let upper = try await client.post("/api/v1/namespaces/default/pods", pod("Web"))
            #expect(upper.status == 422)
            #expect(upper.json["message"].string?.hasPrefix(#"Pod "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain"#) == true)
            let dotted = try await client.post("/api/v1/namespaces", ["metadata": ["name": "a.b"]])
            #expect(dotted.status == 422, "namespace names are RFC 1123 labels")

            let event: JSON = [
                "metadata": ["name": "web.1", "namespace": "default"],
                "involvedObject": ["kind": "Pod", "name": "web", "namespace": "kube-system"], "reason": "Started",
            ]
            let mismatch = try await client.post("/api/v1/namespaces/default/events", event)
            #expect(mismatch.status == 422)
            #expect(mismatch.json["message"] == #"Event "web.1" is invalid: involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace"#)
            let nodeEvent: JSON = [
                "metadata": ["name": "n1.1", "namespace": "default"],
                "involvedObject": ["kind": "Node", "name": "n1"], "reason": "Starting",
            ]
            #expect(try await client.post("/api/v1/namespaces/default/events", nodeEvent).status == 201)

            let yaml = try await client.send(.POST, "/api/v1/namespaces/default/configmaps", ["metadata": ["name": "c"]], contentType: "application/yaml")
            #expect(yaml.status == 415)
        }
    }

    @Test func updateConflictAndStatusSubresource() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            var node = try await client.post("/api/v1/nodes", [
                "metadata": ["name": "n1", "labels": ["a": "1"]], "status": ["phase": "Running"],
            ]).json
            #expect(node["status"]["phase"] == "Running", "nodes take status on create")
            let stale = node
            node["metadata"]["labels"]["b"] = "2"
            node["status"]["phase"] = "Ignored"
            let updated = try await client.put("/api/v1/nodes/n1", node)
            #expect(updated.status == 200)
            #expect(updated.json["metadata"]["labels"]["b"] == "2")
            #expect(updated.json["status"]["phase"] == "Running", "a plain update ignores .status")
            #expect(Int(updated.json.resourceVersion)! > Int(stale.resourceVersion)!)

            let conflict = try await client.put("/api/v1/nodes/n1", stale)
            #expect(conflict.status == 409)
            #expect(conflict.json["reason"] == "Conflict")
            #expect(conflict.json["message"] == #"Operation cannot be fulfilled on nodes "n1": the object has been modified; please apply your changes to the latest version and try again"#)

            var statusUpdate = updated.json
            statusUpdate["status"]["phase"] = "Changed"
            statusUpdate["metadata"]["labels"]["c"] = "3"
            let status = try await client.put("/api/v1/nodes/n1/status", statusUpdate)
            #expect(status.json["status"]["phase"] == "Changed")
            #expect(status.json["metadata"]["labels"]["c"] == .null, "the status subresource changes only .status")

            let wrongName = try await client.put("/api/v1/nodes/other", node)
            #expect(wrongName.status == 400)

            // An unchanged update writes nothing: same resourceVersion.
            let same = try await client.put("/api/v1/nodes/n1", status.json)
            #expect(same.json.resourceVersion == status.json.resourceVersion)
        }
    }

    @Test func patchKinds() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            _ = try await client.post("/api/v1/namespaces/default/pods", pod("web", labels: ["app": "web", "tier": "x"]))
            let merged = try await client.patch("/api/v1/namespaces/default/pods/web", .merge, [
                "metadata": ["labels": ["tier": nil, "new": "y"]],
            ])
            #expect(merged.status == 200)
            #expect(merged.json["metadata"]["labels"] == ["app": "web", "new": "y"])

            // Strategic merge on the status subresource: conditions merge by type, containerStatuses by name,
            // $setElementOrder orders, the metadata.uid precondition is checked.
            let uid = merged.json.uid
            let first = try await client.patch("/api/v1/namespaces/default/pods/web/status", .strategicMerge, [
                "metadata": ["uid": .string(uid)],
                "status": [
                    "phase": "Running", "podIP": "10.0.0.5",
                    "conditions": [["type": "Ready", "status": "False"], ["type": "Initialized", "status": "True"]],
                    "containerStatuses": [["name": "app", "ready": false, "restartCount": 0]],
                ],
            ])
            #expect(first.json["status"]["phase"] == "Running")
            let second = try await client.patch("/api/v1/namespaces/default/pods/web/status", .strategicMerge, [
                "metadata": ["uid": .string(uid)],
                "status": [
                    "$setElementOrder/conditions": [["type": "Initialized"], ["type": "Ready"]],
                    "conditions": [["type": "Ready", "status": "True"]],
                    "containerStatuses": [["name": "app", "ready": true]],
                ],
            ])
            #expect(second.json["status"]["conditions"] == [
                ["type": "Initialized", "status": "True"], ["type": "Ready", "status": "True"],
            ])
            #expect(second.json["status"]["containerStatuses"] == [["name": "app", "ready": true, "restartCount": 0]])
            #expect(second.json["status"]["podIP"] == "10.0.0.5")

            let wrongUID = try await client.patch("/api/v1/namespaces/default/pods/web/status", .strategicMerge, [
                "metadata": ["uid": "00000000-0000-0000-0000-000000000000"], "status": ["phase": "Failed"],
            ])
            #expect(wrongUID.status == 409)
            #expect(wrongUID.json["message"].string?.contains("Precondition failed: UID in precondition") == true)

            // A status patch through the main resource is ignored for pods.
            let ignored = try await client.patch("/api/v1/namespaces/default/pods/web", .merge, ["status": ["phase": "Failed"]])
            #expect(ignored.json["status"]["phase"] == "Running")

            let jsonPatched = try await client.patch("/api/v1/namespaces/default/pods/web", .json, [
                ["op": "test", "path": "/metadata/labels/app", "value": "web"],
                ["op": "add", "path": "/metadata/annotations", "value": ["a/b": "1"]],
                ["op": "replace", "path": "/metadata/labels/app", "value": "api"],
                ["op": "remove", "path": "/metadata/labels/new"],
            ])
            #expect(jsonPatched.status == 200)
            #expect(jsonPatched.json["metadata"]["labels"] == ["app": "api"])
            #expect(jsonPatched.json["metadata"]["annotations"]["a/b"] == "1")
            let failedTest = try await client.patch("/api/v1/namespaces/default/pods/web", .json, [
                ["op": "test", "path": "/metadata/labels/app", "value": "web"],
            ])
            #expect(failedTest.status == 422)

            let stale = try await client.patch("/api/v1/namespaces/default/pods/web", .merge, [
                "metadata": ["resourceVersion": "1", "labels": ["x": "y"]],
            ])
            #expect(stale.status == 409)
            let unknown = try await client.send(.PATCH, "/api/v1/namespaces/default/pods/web", [:], contentType: "application/yaml")
            #expect(unknown.status == 415)
        }
    }

    @Test func gracefulPodDeletion() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            _ = try await client.post("/api/v1/namespaces/default/pods", pod("web"))
            let graceful = try await client.delete("/api/v1/namespaces/default/pods/web")
            #expect(graceful.status == 200)
            #expect(graceful.json["metadata"]["deletionGracePeriodSeconds"] == 30)
            #expect(graceful.json["metadata"]["deletionTimestamp"].string != nil)
            #expect(server.object(.pods, namespace: "default", name: "web") != nil, "kept until the node confirms")

            let shorter = try await client.delete("/api/v1/namespaces/default/pods/web", ["gracePeriodSeconds": 5])
            #expect(shorter.json["metadata"]["deletionGracePeriodSeconds"] == 5)

            let wrongUID = try await client.delete("/api/v1/namespaces/default/pods/web", [
                "gracePeriodSeconds": 0, "preconditions": ["uid": "other"],
            ])
            #expect(wrongUID.status == 409)
            let final = try await client.delete("/api/v1/namespaces/default/pods/web", [
                "gracePeriodSeconds": 0, "preconditions": ["uid": .string(graceful.json.uid)],
            ])
            #expect(final.status == 200)
            #expect(server.object(.pods, namespace: "default", name: "web") == nil)

            // Unscheduled pods go at once; other resources answer with a Success Status.
            _ = try await client.post("/api/v1/namespaces/default/pods", pod("pending", node: nil))
            _ = try await client.delete("/api/v1/namespaces/default/pods/pending")
            #expect(server.object(.pods, namespace: "default", name: "pending") == nil)
            try server.create(.configMaps, ["metadata": ["name": "c", "namespace": "default"]])
            let status = try await client.delete("/api/v1/namespaces/default/configmaps/c")
            #expect(status.json["status"] == "Success")
            #expect(status.json["details"]["name"] == "c")
        }
    }

    @Test func selectorsAndPagination() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.namespaces, ["metadata": ["name": "other"]])
            try server.create(.pods, pod("a", node: "n1", labels: ["app": "web", "env": "prod"]))
            try server.create(.pods, pod("b", node: "n2", labels: ["app": "web", "env": "dev"]))
            try server.create(.pods, pod("c", node: "n1", labels: ["app": "db"]))
            try server.create(.pods, pod("d", namespace: "other", node: "n1"))

            func names(_ path: String) async throws -> [String] {
                let reply = try await client.get(path)
                #expect(reply.status == 200, "\(path): \(reply.text)")
                return (reply.json["items"].array ?? []).map(\.name)
            }
            let all = try await client.get("/api/v1/pods")
            #expect(all.json["kind"] == "PodList")
            #expect(all.json["metadata"]["resourceVersion"].string == server.resourceVersion)
            #expect(all.json["items"][0]["kind"] == .null, "list items carry no kind, as upstream")
            #expect((all.json["items"].array ?? []).map(\.name) == ["a", "b", "c", "d"])
            #expect(try await names("/api/v1/namespaces/default/pods") == ["a", "b", "c"])
            #expect(try await names("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1") == ["a", "c", "d"])
            #expect(try await names("/api/v1/pods?fieldSelector=spec.nodeName!%3Dn1,metadata.namespace%3Ddefault") == ["b"])
            #expect(try await names("/api/v1/pods?labelSelector=app%3Dweb") == ["a", "b"])
            #expect(try await names("/api/v1/pods?labelSelector=app%3D%3Dweb,env!%3Ddev") == ["a"])
            #expect(try await names("/api/v1/pods?labelSelector=env%20in%20(prod,dev)") == ["a", "b"])
            #expect(try await names("/api/v1/pods?labelSelector=app,env%20notin%20(prod)") == ["b", "c"])
            #expect(try await names("/api/v1/pods?labelSelector=!env") == ["c", "d"])
            let badField = try await client.get("/api/v1/pods?fieldSelector=spec.bogus%3Dx")
            #expect(badField.status == 400)
            #expect(badField.json["message"] == "field label not supported: spec.bogus")

            let page1 = try await client.get("/api/v1/pods?limit=3")
            #expect((page1.json["items"].array ?? []).map(\.name) == ["a", "b", "c"])
            #expect(page1.json["metadata"]["remainingItemCount"] == 1)
            let token = try #require(page1.json["metadata"]["continue"].string)
            let page2 = try await client.get("/api/v1/pods?limit=3&continue=\(token.addingPercentEncodingForQuery())")
            #expect((page2.json["items"].array ?? []).map(\.name) == ["d"])
            #expect(page2.json["metadata"]["continue"] == .null)
            #expect(page2.json["metadata"]["resourceVersion"] == page1.json["metadata"]["resourceVersion"])
            try server.create(.pods, pod("e"))
            server.compact()
            let expired = try await client.get("/api/v1/pods?limit=3&continue=\(token.addingPercentEncodingForQuery())")
            #expect(expired.status == 410)
            #expect(expired.json["reason"] == "Expired")

            let events: JSON = [
                "metadata": ["name": "a.1", "namespace": "default"],
                "involvedObject": ["kind": "Pod", "name": "a", "namespace": "default"], "reason": "Started",
                "source": ["component": "kubelet"],
            ]
            try server.create(.events, events)
            #expect(try await names("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Da,involvedObject.kind%3DPod,source%3Dkubelet") == ["a.1"])
        }
    }

    @Test func tokenRequest() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.serviceAccounts, ["metadata": ["name": "default", "namespace": "default"]])
            let reply = try await client.post("/api/v1/namespaces/default/serviceaccounts/default/token", [
                "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                "spec": ["audiences": ["api"], "expirationSeconds": 3600, "boundObjectRef": ["kind": "Pod", "name": "web", "uid": "u1"]],
            ])
            #expect(reply.status == 201)
            #expect(reply.json["kind"] == "TokenRequest")
            #expect(reply.json["status"]["token"].string?.split(separator: ".").count == 3)
            #expect(reply.json["status"]["expirationTimestamp"].string != nil)
            #expect(server.issuedTokens.first?.boundPod == "web")
            let missing = try await client.post("/api/v1/namespaces/default/serviceaccounts/none/token", ["spec": [:]])
            #expect(missing.status == 404)
        }
    }

    @Test func faultsAndRequestLog() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            server.failNext(2, method: "GET", pathPrefix: "/api/v1/nodes", status: 503)
            #expect(try await client.get("/api/v1/nodes").status == 503)
            let second = try await client.get("/api/v1/nodes/x")
            #expect(second.status == 503)
            #expect(second.json["reason"] == "ServiceUnavailable")
            #expect(try await client.get("/api/v1/nodes").status == 200)
            server.failNext(pathPrefix: "/api/v1/nodes", status: 429)
            #expect(try await client.get("/api/v1/nodes").headers.first(name: "Retry-After") == "1")

            server.delay(.milliseconds(200), pathPrefix: "/version", count: 1)
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await client.get("/version").status == 200)
            #expect(clock.now - start >= .milliseconds(200))

            _ = try await client.patch("/api/v1/nodes/x", .strategicMerge, ["metadata": ["labels": ["a": "b"]]])
            let logged = try #require(server.requests(method: "PATCH", pathPrefix: "/api/v1/nodes/x").last)
            #expect(logged.contentType == "application/strategic-merge-patch+json")
            #expect(logged.bodyJSON == ["metadata": ["labels": ["a": "b"]]])
        }
    }

    @Test func stopAndRestartOnTheSamePort() async throws {
        let server = FakeKubeAPIServer()
        try await server.start()
        let port = server.port
        let client = TestClient(server)
        try server.create(.nodes, ["metadata": ["name": "n1"]])
        try await server.stop()
        await #expect(throws: (any Error).self) {
            try await client.send(.GET, "/api/v1/nodes/n1", timeout: .milliseconds(300))
        }
        try await server.start()
        #expect(server.port == port)
        #expect(try await client.get("/api/v1/nodes/n1").status == 200)
        try await server.stop()
    }
}

extension String {
    func addingPercentEncodingForQuery() -> String {
        var allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        allowed.remove(0)
        return self.utf8.map { allowed.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
