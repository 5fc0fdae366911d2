import AgentTestKit
import FakeKubeAPIServer
import Foundation
import KubeAPI
import KubeletServer
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// The pods a test server sees; mutable so a test can stop a container under a follower.
final class TestPods: PodLogLocator {
    let current: Mutex<[Pod]>
    init(_ pods: [Pod]) { self.current = Mutex(pods) }
    func pods() -> [Pod] { self.current.withLock { $0 } }
    func set(_ pods: [Pod]) { self.current.withLock { $0 = pods } }
}

@Suite("KubeletServer over HTTPS on a real socket")
struct KubeletServerTests {
    static func line(_ second: Int, _ stream: String, _ tag: String, _ text: String) -> String {
        "2024-01-01T00:00:\(second < 10 ? "0" : "")\(second).000000000Z \(stream) \(tag) \(text)\n"
    }

    static func pod(restarts: Int32, running: Bool, waitingReason: String? = nil) -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: "web", namespace: "ns", uid: "u1"))
        pod.spec.containers = [Container(name: "app", image: "busybox"), Container(name: "side", image: "pause")]
        var status = PodStatus()
        var app = ContainerStatus(name: "app", restartCount: restarts)
        app.state =
            running
            ? ContainerState(running: ContainerStateRunning())
            : ContainerState(terminated: ContainerStateTerminated(exitCode: 0))
        if restarts > 0 { app.lastState = ContainerState(terminated: ContainerStateTerminated(exitCode: 1)) }
        var side = ContainerStatus(name: "side")
        side.state = ContainerState(waiting: ContainerStateWaiting(reason: waitingReason ?? "ContainerCreating"))
        status.containerStatuses = [app, side]
        pod.status = status
        return pod
    }

    struct Fixture {
        var directory: String
        var logDirectory: String { self.directory + "/pods/ns_web_u1/app" }
    }

    /// A temp dir with `pods/ns_web_u1/app/{0,1}.log` and a generated serving certificate; runs a server on a free
    /// port for `body` and stops it afterwards.
    func withServer(
        pods: TestPods, clientCA: String? = nil, directory: String? = nil,
        _ body: (Int, Fixture) async throws -> Void
    ) async throws {
        let root =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "kubelet-server-\(UUID().uuidString.prefix(8))"
            ).path
        let fixture = Fixture(directory: root)
        try FileManager.default.createDirectory(atPath: fixture.logDirectory, withIntermediateDirectories: true)
        try (Self.line(1, "stdout", "F", "zero-a") + Self.line(2, "stdout", "F", "zero-b")).write(
            toFile: fixture.logDirectory + "/0.log", atomically: true, encoding: .utf8)
        try
            (Self.line(3, "stdout", "P", "one-") + Self.line(4, "stdout", "F", "a")
            + Self.line(5, "stderr", "F", "one-b")
            + Self.line(6, "stdout", "F", "one-c")).write(
                toFile: fixture.logDirectory + "/1.log", atomically: true, encoding: .utf8)
        let certificate = try ServingCertificate.resolve(
            certificateFile: nil, keyFile: nil, certDirectory: root + "/pki", hostname: "test-node",
            addresses: ["127.0.0.1"])
        var routes = KubeletRoutes(
            locator: pods, podLogsDirectory: root + "/pods", metricsText: { "kubelet_running_pods 1\n" },
            podsJSON: { Data(#"{"kind":"PodList","apiVersion":"v1","items":[]}"#.utf8) })
        routes.followPollInterval = .milliseconds(20)
        let bound = Mutex<Int?>(nil)
        let server = KubeletServer(
            configuration: .init(host: "127.0.0.1", port: 0, certificate: certificate, clientCAFile: clientCA),
            routes: routes, logger: Logger(label: "kubelet-server-test"),
            onListening: { _, port in bound.withLock { $0 = port } })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await poll("the server listening") { bound.withLock { $0 } }
            do {
                try await body(port, fixture)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    @Test func servesLogsWithTheQueryOptions() async throws {
        try await self.withServer(pods: TestPods([Self.pod(restarts: 1, running: true)])) { port, _ in
            let client = TLSTestClient(port: port)
            let all = try await client.get("/containerLogs/ns/web/app")
            #expect(all.status == 200)
            #expect(all.body == "one-a\none-b\none-c\n")
            #expect(all.headers["Content-Type"].first == "text/plain; charset=utf-8")
            #expect(try await client.get("/containerLogs/ns/web/app?tailLines=1").body == "one-c\n")
            #expect(try await client.get("/containerLogs/ns/web/app?previous=true").body == "zero-a\nzero-b\n")
            #expect(try await client.get("/containerLogs/ns/web/app?limitBytes=8").body == "one-a\non")
            #expect(
                try await client.get("/containerLogs/ns/web/app?sinceTime=2024-01-01T00%3A00%3A05Z").body
                    == "one-b\none-c\n")
            #expect(
                try await client.get("/containerLogs/ns/web/app?timestamps=true&tailLines=2").body
                    == "2024-01-01T00:00:05.000000000Z one-b\n2024-01-01T00:00:06.000000000Z one-c\n")
        }
    }

    @Test func refusesWithUpstreamsMessages() async throws {
        try await self.withServer(pods: TestPods([Self.pod(restarts: 0, running: true)])) { port, _ in
            let client = TLSTestClient(port: port)
            let missingPod = try await client.get("/containerLogs/ns/nope/app")
            #expect(missingPod.status == 404)
            #expect(missingPod.body == #"pod "nope" does not exist"#)
            let missingContainer = try await client.get("/containerLogs/ns/web/nope")
            #expect(missingContainer.status == 404)
            #expect(missingContainer.body == #"container "nope" not found in pod "web""#)
            let waiting = try await client.get("/containerLogs/ns/web/side")
            #expect(waiting.status == 400)
            #expect(waiting.body == #"container "side" in pod "web" is waiting to start: ContainerCreating"#)
            let previous = try await client.get("/containerLogs/ns/web/app?previous=1")
            #expect(previous.status == 400)
            #expect(previous.body == #"previous terminated container "app" in pod "web" not found"#)
            let invalid = try await client.get("/containerLogs/ns/web/app?tailLines=-3")
            #expect(invalid.status == 422)
            #expect(try await client.get("/nothing").status == 404)
        }
    }

    @Test func servesHealthzMetricsPodsAndRunningPods() async throws {
        try await self.withServer(pods: TestPods([Self.pod(restarts: 0, running: true)])) { port, _ in
            let client = TLSTestClient(port: port)
            #expect(try await client.get("/healthz").body == "ok")
            #expect(try await client.get("/metrics").body == "kubelet_running_pods 1\n")
            #expect(try await client.get("/pods").body.contains(#""kind":"PodList""#))
            let running = try await client.get("/runningpods/")
            #expect(running.status == 200)
            let list = try KubeJSON.decoder().decode(PodList.self, from: Data(running.body.utf8))
            #expect(list.items.map(\.metadata.uid) == ["u1"])
            #expect(list.items.first?.spec.containers.map(\.name) == ["app"])
            #expect(list.items.first?.spec.containers.first?.image == "busybox")
        }
    }

    @Test func followStreamsAppendedLinesUntilTheContainerStops() async throws {
        let pods = TestPods([Self.pod(restarts: 1, running: true)])
        try await self.withServer(pods: pods) { port, fixture in
            let channel = try await TLSTestClient(port: port).connect()
            try await channel.executeThenClose { inbound, outbound in
                try await TLSTestClient.send("/containerLogs/ns/web/app?follow=true&tailLines=1", outbound)
                var parts = inbound.makeAsyncIterator()
                var received = ""
                func readUntil(_ text: String) async throws {
                    while !received.contains(text) {
                        guard let part = try await parts.next() else { throw CancellationError() }
                        if case .body(let buffer) = part { received += String(buffer: buffer) }
                        if case .head(let head) = part { #expect(head.status == .ok) }
                    }
                }
                try await readUntil("one-c\n")
                // Appended lines reach the follower, a partial one only once completed.
                let file = try #require(FileHandle(forWritingAtPath: fixture.logDirectory + "/1.log"))
                file.seekToEndOfFile()
                file.write(Data((Self.line(7, "stdout", "P", "late-") + Self.line(8, "stdout", "F", "line")).utf8))
                try await readUntil("late-line\n")
                #expect(received == "one-c\nlate-line\n")
                // The container stops: the stream ends.
                pods.set([Self.pod(restarts: 1, running: false)])
                file.write(Data(Self.line(9, "stdout", "F", "last words").utf8))
                try file.close()
                while let part = try await parts.next() {
                    if case .body(let buffer) = part { received += String(buffer: buffer) }
                    if case .end = part { break }
                }
                #expect(received == "one-c\nlate-line\nlast words\n")
            }
        }
    }

    @Test func clientCertificatesAreRequiredWithAClientCA() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubelet-ca-\(UUID().uuidString.prefix(8))"
        ).path
        let material = try TLSMaterial.generate(
            in: root + "/ca", clientCommonName: "kube-apiserver", clientOrganization: "system:masters")
        try await self.withServer(pods: TestPods([]), clientCA: material.caCertificatePath, directory: root) {
            port, _ in
            let withCertificate = TLSTestClient(
                port: port, clientCertificate: (material.clientCertificatePath, material.clientKeyPath))
            let body = try await withCertificate.get("/healthz").body
            #expect(body == "ok")
            await #expect(throws: (any Error).self) { try await TLSTestClient(port: port).get("/healthz") }
        }
    }

    @Test func theSelfSignedCertificateIsMadeOnceAndReused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubelet-pki-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try ServingCertificate.resolve(
            certificateFile: nil, keyFile: nil, certDirectory: root, hostname: "node-1", addresses: ["10.0.0.5"])
        #expect(first == ServingCertificate(certificatePath: root + "/kubelet.crt", keyPath: root + "/kubelet.key"))
        let pem = try String(contentsOfFile: first.certificatePath, encoding: .utf8)
        let again = try ServingCertificate.resolve(
            certificateFile: nil, keyFile: nil, certDirectory: root, hostname: "node-1", addresses: ["10.0.0.5"])
        #expect(try String(contentsOfFile: again.certificatePath, encoding: .utf8) == pem)
        let mode = try FileManager.default.attributesOfItem(atPath: first.keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: ServingCertificateError("--tls-cert-file needs --tls-private-key-file")) {
            try ServingCertificate.resolve(
                certificateFile: "/x", keyFile: nil, certDirectory: root, hostname: "n", addresses: [])
        }
        #expect(throws: ServingCertificateError("--tls-cert-file /nope.crt: no such file")) {
            try ServingCertificate.resolve(
                certificateFile: "/nope.crt", keyFile: "/nope.key", certDirectory: root, hostname: "n", addresses: [])
        }
    }
}
