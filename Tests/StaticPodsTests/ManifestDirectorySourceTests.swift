import AgentTestKit
import Foundation
import Glibc
import KubeAPI
import Logging
import StaticPods
import Testing

/// Runs `source` for the duration of `body`.
func withRunning(_ source: some ManifestSource, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await source.run() }
        group.addTask { for await _ in source.snapshots {} }
        try await body()
        group.cancelAll()
    }
}

func manifest(_ name: String, image: String = "busybox") -> String {
    """
    apiVersion: v1
    kind: Pod
    metadata:
      name: \(name)
    spec:
      containers:
      - name: main
        image: \(image)
    """
}

@Suite struct ManifestDirectorySourceTests {
    let root: URL

    init() throws {
        self.root = FileManager.default.temporaryDirectory.appendingPathComponent("staticpods-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String, in directory: URL? = nil) throws {
        try Data(text.utf8).write(to: (directory ?? self.root).appendingPathComponent(name))
    }

    func source(_ directory: URL? = nil, frequency: Duration = .seconds(30)) -> ManifestDirectorySource {
        ManifestDirectorySource(
            directory: (directory ?? self.root).path, nodeName: "node-a", fileCheckFrequency: frequency,
            logger: Logger(label: "test")
        )
    }

    /// Waits until the source's current snapshot has exactly these pod names.
    func waitFor(
        _ source: ManifestDirectorySource,
        names: [String],
        errors: Int = 0
    ) async throws -> PodSourceSnapshot {
        try await poll("pods \(names) with \(errors) errors", timeout: .seconds(10)) {
            guard let snapshot = source.current, snapshot.pods.map(\.metadata.name) == names,
                snapshot.errors.count == errors
            else { return nil }
            return snapshot
        }
    }

    @Test func addUpdateRenameDelete() async throws {
        try self.write("web.yaml", manifest("web"))
        let source = self.source()
        try await withRunning(source) {
            let first = try await self.waitFor(source, names: ["web-node-a"])
            let json = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db"},"#
                + #""spec":{"containers":[{"name":"m","image":"x"}]}}"#
            try self.write("db.json", json)
            _ = try await self.waitFor(source, names: ["db-node-a", "web-node-a"])
            try self.write("web.yaml", manifest("web", image: "nginx"))
            let updated = try await poll("updated image", timeout: .seconds(10)) {
                source.current?.pods.first { $0.spec.containers.first?.image == "nginx" }
            }
            #expect(updated.metadata.uid != first.pods[0].metadata.uid)
            try FileManager.default.moveItem(
                at: self.root.appendingPathComponent("web.yaml"), to: self.root.appendingPathComponent("web.bak")
            )
            _ = try await self.waitFor(source, names: ["db-node-a"])
            try FileManager.default.removeItem(at: self.root.appendingPathComponent("db.json"))
            _ = try await self.waitFor(source, names: [])
        }
    }

    @Test func atomicReplaceAndIgnoredTempFiles() async throws {
        try self.write("web.yaml", manifest("web"))
        let source = self.source()
        try await withRunning(source) {
            _ = try await self.waitFor(source, names: ["web-node-a"])
            try self.write(".web.yaml.swp", manifest("swap"))
            try self.write("web.yaml~", manifest("backup"))
            try self.write("#web.yaml#", manifest("autosave"))
            try self.write("notes.txt", "hello")
            try self.write(".tmp-web.yaml", manifest("web", image: "nginx"))
            let temporary = self.root.appendingPathComponent(".tmp-web.yaml").path
            let renamed = rename(temporary, self.root.appendingPathComponent("web.yaml").path)
            #expect(renamed == 0)
            let replaced = try await poll("replaced pod", timeout: .seconds(10)) {
                source.current?.pods.first { $0.spec.containers.first?.image == "nginx" }
            }
            #expect(replaced.metadata.name == "web-node-a")
            #expect(source.current?.pods.count == 1)
            #expect(source.current?.errors == [])
        }
    }

    @Test func brokenFileBesideGoodOne() async throws {
        try self.write("good.yaml", manifest("good"))
        try self.write("bad.yaml", manifest("bad") + "\n    ports:\n    - containerPort: http\n")
        let source = self.source()
        try await withRunning(source) {
            let snapshot = try await self.waitFor(source, names: ["good-node-a"], errors: 1)
            let error = try #require(snapshot.errors.first)
            #expect(error.path == self.root.appendingPathComponent("bad.yaml").path)
            #expect(error.message.contains("spec.containers[0].ports[0].containerPort"), "\(error)")
            #expect(error.message.contains("line 10"), "\(error)")
            try self.write("bad.yaml", manifest("bad"))
            _ = try await self.waitFor(source, names: ["bad-node-a", "good-node-a"])
        }
    }

    @Test func missingDirectoryIsPickedUpWhenCreated() async throws {
        let later = self.root.appendingPathComponent("later")
        let source = self.source(later, frequency: .milliseconds(100))
        try await withRunning(source) {
            _ = try await self.waitFor(source, names: [])
            try FileManager.default.createDirectory(at: later, withIntermediateDirectories: true)
            try self.write("web.yaml", manifest("web"), in: later)
            _ = try await self.waitFor(source, names: ["web-node-a"])
        }
    }

    @Test func singleFilePathAndSubdirectoriesIgnored() async throws {
        try FileManager.default.createDirectory(
            at: self.root.appendingPathComponent("nested.yaml"), withIntermediateDirectories: true
        )
        try self.write("web.yaml", manifest("web"))
        let directorySource = self.source()
        try await withRunning(directorySource) {
            _ = try await self.waitFor(directorySource, names: ["web-node-a"])
        }
        let fileSource = self.source(self.root.appendingPathComponent("web.yaml"))
        try await withRunning(fileSource) {
            _ = try await self.waitFor(fileSource, names: ["web-node-a"])
        }
    }

    @Test func uidIsStableAcrossSourceRestarts() async throws {
        try self.write("web.yaml", manifest("web"))
        var uids: [String] = []
        for _ in 0..<2 {
            let source = self.source()
            try await withRunning(source) {
                uids.append(try await self.waitFor(source, names: ["web-node-a"]).pods[0].metadata.uid)
            }
        }
        #expect(uids[0] == uids[1])
    }

    @Test func emitsOnlyOnChange() async throws {
        try self.write("web.yaml", manifest("web"))
        let source = self.source(frequency: .milliseconds(20))
        var received: [PodSourceSnapshot] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await source.run() }
            var iterator = source.snapshots.makeAsyncIterator()
            if let first = await iterator.next() { received.append(first) }
            try self.write("db.yaml", manifest("db"))
            if let second = await iterator.next() { received.append(second) }
            group.cancelAll()
        }
        #expect(received.map { $0.pods.map(\.metadata.name) } == [["web-node-a"], ["db-node-a", "web-node-a"]])
    }
}
