import FakeKubeAPIServer
import Foundation
import Testing

@Suite struct FakeAPIWatchTests {
    @Test func initialEventsThenLiveChangesWithLineFraming() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.pods, pod("a"))
            try server.create(.pods, pod("b"))
            try await client.watch("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=5") { reader in
                #expect(reader.contentType == "application/json")
                let initial = try await reader.next(2)
                #expect(initial.map(\.summary) == ["ADDED a", "ADDED b"])
                #expect(initial[0].object["kind"] == "Pod", "watch objects carry kind and apiVersion")
                try server.modify(.pods, namespace: "default", name: "a") { $0["metadata"]["labels"] = ["x": "y"] }
                try server.delete(.pods, namespace: "default", name: "b", gracePeriodSeconds: 0)
                let live = try await reader.next(2)
                #expect(live.map(\.summary) == ["MODIFIED a", "DELETED b"])
                #expect(live[1].object.resourceVersion == server.resourceVersion)
            }
        }
    }

    @Test func resumeFromResourceVersionAndTimeout() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.pods, pod("a"))
            let listVersion = server.resourceVersion
            try server.create(.pods, pod("b"))
            try server.modify(.pods, namespace: "default", name: "a") { $0["metadata"]["labels"] = ["x": "y"] }
            let clock = ContinuousClock()
            let start = clock.now
            try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(listVersion)&timeoutSeconds=1") { reader in
                let events = try await reader.next(2)
                #expect(events.map(\.summary) == ["ADDED b", "MODIFIED a"])
                #expect(try await reader.next() == nil, "the watch ends at timeoutSeconds")
            }
            #expect(clock.now - start >= .seconds(1))
        }
    }

    @Test func goneAfterCompaction() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.pods, pod("a"))
            let old = server.resourceVersion
            try server.create(.pods, pod("b"))
            server.compact()
            try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(old)") { reader in
                let event = try #require(try await reader.next())
                #expect(event.type == .error)
                #expect(event.object["kind"] == "Status")
                #expect(event.object["code"] == 410)
                #expect(event.object["reason"] == "Expired")
                #expect(event.object["message"].string?.hasPrefix("too old resource version: \(old)") == true)
                #expect(try await reader.next() == nil)
            }
            // The current version is still fine.
            try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(server.resourceVersion)&timeoutSeconds=1") { reader in
                let event = try await reader.next()
                #expect(event == nil)
            }
            // A bounded history window expires old versions by itself.
            server.setWatchHistoryLimit(1)
            let before = server.resourceVersion
            try server.create(.pods, pod("c"))
            try server.create(.pods, pod("d"))
            try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(before)") { reader in
                let event = try await reader.next()
                #expect(event?.object["code"] == 410)
            }
        }
    }

    @Test func bookmarks() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.pods, pod("a"))
            try await client.watch("/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=\(server.resourceVersion)&timeoutSeconds=10") { reader in
                try await server.waitForWatches(.pods)
                try server.create(.configMaps, ["metadata": ["name": "c", "namespace": "default"]])
                server.sendBookmarks()
                let bookmark = try #require(try await reader.next())
                #expect(bookmark.type == .bookmark)
                #expect(bookmark.object["kind"] == "Pod")
                #expect(bookmark.object.resourceVersion == server.resourceVersion, "bookmarks carry the latest revision")
            }
            // Without allowWatchBookmarks nothing is sent.
            try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(server.resourceVersion)&timeoutSeconds=1") { reader in
                try await server.waitForWatches(.pods)
                server.sendBookmarks()
                #expect(try await reader.next() == nil)
            }
        }
    }

    @Test func periodicBookmarks() async throws {
        var configuration = FakeKubeAPIServer.Configuration()
        configuration.bookmarkInterval = .milliseconds(100)
        try await FakeKubeAPIServer.withServer(configuration: configuration) { server in
            let client = TestClient(server)
            try await client.watch("/api/v1/nodes?watch=1&allowWatchBookmarks=1&resourceVersion=\(server.resourceVersion)&timeoutSeconds=5") { reader in
                let events = try await reader.next(2)
                #expect(events.map(\.type) == [.bookmark, .bookmark])
            }
        }
    }

    @Test func fieldSelectorTransitions() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try server.create(.pods, pod("a", node: nil))
            try server.create(.pods, pod("b", node: "node-2"))
            try await client.watch("/api/v1/pods?watch=1&fieldSelector=spec.nodeName%3Dnode-1&timeoutSeconds=10") { reader in
                try await server.waitForWatches(.pods)
                // Scheduled onto the node: enters the selection as ADDED.
                try server.modify(.pods, namespace: "default", name: "a") { $0["spec"]["nodeName"] = "node-1" }
                try server.modify(.pods, namespace: "default", name: "b") { $0["metadata"]["labels"] = ["x": "1"] }
                try server.modify(.pods, namespace: "default", name: "a") { $0["metadata"]["labels"] = ["x": "1"] }
                // Leaves the selection: DELETED with its previous state at the new revision.
                try server.modify(.pods, namespace: "default", name: "a") { $0["spec"]["nodeName"] = "node-3" }
                let events = try await reader.next(3)
                #expect(events.map(\.summary) == ["ADDED a", "MODIFIED a", "DELETED a"])
                #expect(events[2].object["spec"]["nodeName"] == "node-1")
                #expect(events[2].object.resourceVersion == server.resourceVersion)
            }
            try await client.watch("/api/v1/pods?watch=1&labelSelector=x%3D1&resourceVersion=0&timeoutSeconds=1") { reader in
                let events = try await reader.next(2)
                #expect(Set(events.map(\.summary)) == ["ADDED a", "ADDED b"])
            }
        }
    }

    @Test func watchEndsWhenTheServerStops() async throws {
        let server = FakeKubeAPIServer()
        try await server.start()
        let client = TestClient(server)
        try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(server.resourceVersion)") { reader in
            try await server.waitForWatches(.pods)
            try await server.stop()
            await #expect(throws: (any Error).self) { _ = try await reader.next() }
        }
        #expect(server.watchCount() == 0)
    }

    @Test func serverEndsAndExpiresWatches() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(server.resourceVersion)") { reader in
                try await server.waitForWatches(.pods)
                #expect(server.endWatches(.nodes) == 0)
                #expect(server.endWatches(.pods) == 1)
                let event = try await reader.next()
                #expect(event == nil, "a clean end of the stream")
            }
            try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(server.resourceVersion)") { reader in
                try await server.waitForWatches(.pods)
                #expect(server.expireWatches() == 1)
                let event = try #require(try await reader.next())
                #expect(event.type == .error)
                #expect(event.object["code"] == 410)
                #expect(event.object["reason"] == "Expired")
                let end = try await reader.next()
                #expect(end == nil)
            }
            #expect(server.watchCount() == 0)
        }
    }

    @Test func waitForObjects() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.create(.pods, pod("a"))
            async let running = server.waitFor(.pods, namespace: "default", name: "a", timeout: .seconds(10)) {
                $0["status"]["phase"] == "Running"
            }
            try server.modify(.pods, namespace: "default", name: "a", status: true) { $0["status"]["phase"] = "Running" }
            #expect(try await running["status"]["phase"] == "Running")
            await #expect(throws: FakeKubeAPIServerTimeout.self) {
                try await server.waitFor(.pods, namespace: "default", name: "zzz", timeout: .milliseconds(50))
            }
        }
    }
}

@Suite struct FakeAPIWatchOrderingTests {
    /// Concurrent writers; one watch sees every change once, in strictly increasing resourceVersion order.
    @Test func concurrentWritesArriveInRevisionOrder() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            let start = server.resourceVersion
            let writers = 4
            let perWriter = 50
            try await client.watch("/api/v1/configmaps?watch=1&resourceVersion=\(start)&timeoutSeconds=30") { reader in
                try await server.waitForWatches(.configMaps)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for index in 0..<perWriter {
                                let name = "w\(writer)-\(index)"
                                try server.create(.configMaps, ["metadata": ["name": .string(name), "namespace": "default"]])
                                try server.modify(.configMaps, namespace: "default", name: name) { $0["data"] = ["k": "v"] }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let events = try await reader.next(writers * perWriter * 2)
                #expect(events.count == writers * perWriter * 2)
                let versions = events.compactMap { Int($0.object.resourceVersion) }
                #expect(versions == versions.sorted() && Set(versions).count == versions.count)
                #expect(versions.last.map(String.init) == server.resourceVersion)
                #expect(events.filter { $0.type == .added }.count == writers * perWriter)
            }
        }
    }

    @Test func discoveryDocuments() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = TestClient(server)
            let core = try await client.get("/api/v1").json
            #expect(core["kind"] == "APIResourceList")
            let names = (core["resources"].array ?? []).compactMap { $0["name"].string }
            #expect(names.contains("pods") && names.contains("pods/status") && names.contains("serviceaccounts/token"))
            let groups = try await client.get("/apis").json
            #expect(groups["groups"].array?.compactMap { $0["name"].string } == ["coordination.k8s.io", "discovery.k8s.io"])
            let leases = try await client.get("/apis/coordination.k8s.io/v1").json
            #expect(leases["resources"][0]["name"] == "leases")
            #expect(try await client.get("/version").json["gitVersion"] == "v1.32.0")
            let unknown = try await client.get("/api/v1/widgets")
            #expect(unknown.status == 404)
            #expect(unknown.json["kind"] == "Status")
        }
    }
}
