import AgentTestKit
import Foundation
import KubeAPI
import Logging
import ServiceProxy
import Testing

@Suite("Source: the --service-manifest-path directory")
struct SourceDirectoryTests {
    let directory: String

    init() throws {
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("svc-source-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        let temporary = self.directory + "/." + name + ".tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: temporary, toPath: self.directory + "/" + name)
    }

    func replace(_ name: String, _ text: String) throws {
        try? FileManager.default.removeItem(atPath: self.directory + "/" + name)
        try self.write(name, text)
    }

    /// Collects the events of one rescan.
    final class Collector: @unchecked Sendable {
        var iterator: AsyncStream<ServiceSourceEvent>.Iterator
        init(_ source: ManifestDirectoryServiceSource) { self.iterator = source.events.makeAsyncIterator() }
        func next(_ count: Int) async -> [ServiceSourceEvent] {
            var events: [ServiceSourceEvent] = []
            while events.count < count, let event = await self.iterator.next() { events.append(event) }
            return events
        }
    }

    @Test("first scan: every object (one or several per file), then synced; later scans deliver only changes")
    func scans() async throws {
        try self.write(
            "web.yaml",
            SyncFixtures.serviceYAML("web", ip: "10.96.0.10") + "---\n"
                + SyncFixtures.sliceYAML("web-1", service: "web", endpoints: ["10.1.0.2"]))
        try self.write("dns.yaml", SyncFixtures.serviceYAML("dns", ip: "10.96.0.53", port: 53, protocol: "UDP", namespace: "kube-system"))
        try self.write("notes.txt", "not a manifest")
        let source = ManifestDirectoryServiceSource(directory: self.directory, logger: Logger(label: "test"))
        let events = Collector(source)
        source.rescan()
        let first = await events.next(5)
        #expect(first.map(Self.summary) == [
            "service default/web", "service kube-system/dns", "slice default/web-1", "servicesSynced", "slicesSynced",
        ])
        // Unchanged: nothing. Edited slice: one update. Deleted file: deletes.
        source.rescan()
        try self.replace("web.yaml", SyncFixtures.serviceYAML("web", ip: "10.96.0.10") + "---\n"
            + SyncFixtures.sliceYAML("web-1", service: "web", endpoints: ["10.1.0.2", "10.1.0.3"]))
        source.rescan()
        try FileManager.default.removeItem(atPath: self.directory + "/dns.yaml")
        source.rescan()
        let later = await events.next(2)
        #expect(later.map(Self.summary) == ["slice default/web-1", "service-deleted kube-system/dns"])
        if case .endpointSliceUpdated(let slice) = later[0] {
            #expect(slice.endpoints.count == 2)
        }
    }

    @Test("a file that stops parsing keeps its objects; a duplicate object in a later file is reported and ignored")
    func brokenAndDuplicate() async throws {
        try self.write("a.yaml", SyncFixtures.serviceYAML("web", ip: "10.96.0.10"))
        let source = ManifestDirectoryServiceSource(directory: self.directory, logger: Logger(label: "test"))
        let events = Collector(source)
        source.rescan()
        _ = await events.next(3)
        try self.replace("a.yaml", "apiVersion: v1\nkind: Service\nmetadata: [oops\n")
        try self.write("b.yaml", SyncFixtures.serviceYAML("web", ip: "10.96.0.99"))
        try self.write("c.yaml", SyncFixtures.serviceYAML("other", ip: "10.96.0.12"))
        source.rescan()
        let next = await events.next(1)
        #expect(next.map(Self.summary) == ["service default/other"])
    }

    @Test("decoding: namespace defaults to default, unsupported kinds and broken documents are reported with their file")
    func decoding() {
        let text = """
            apiVersion: v1
            kind: Service
            metadata: {name: a}
            spec: {clusterIP: 10.96.0.1, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
            ---
            # only a comment
            """
        let decoded = ServiceManifestDecoding.decode(Data(text.utf8), source: "/x/svc.yaml")
        #expect(decoded.services.map(\.metadata.namespace) == ["default"])
        #expect(decoded.errors.count == 1)
        #expect(decoded.errors.first?.contains("/x/svc.yaml (document 2)") == true)
        #expect(decoded.errors.first?.contains("ConfigMap") == true)
    }

    static func summary(_ event: ServiceSourceEvent) -> String {
        switch event {
        case .serviceUpdated(let service): "service \(service.metadata.namespace)/\(service.metadata.name)"
        case .serviceDeleted(let namespace, let name): "service-deleted \(namespace)/\(name)"
        case .endpointSliceUpdated(let slice): "slice \(slice.metadata.namespace)/\(slice.metadata.name)"
        case .endpointSliceDeleted(let namespace, let name): "slice-deleted \(namespace)/\(name)"
        case .servicesSynced: "servicesSynced"
        case .endpointSlicesSynced: "slicesSynced"
        }
    }
}
