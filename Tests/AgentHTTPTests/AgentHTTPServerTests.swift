import AgentCore
import AgentHTTP
import AgentTestKit
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite("HTTP server on a real socket")
struct AgentHTTPServerTests {
    static let logger = Logger(label: "test.http")

    final class BoundPort: Sendable {
        let value = Mutex<Int?>(nil)
    }

    static func makeServer(port: Int = 0, checks: HealthChecks = HealthChecks(), bound: BoundPort) -> AgentHTTPServer {
        let metrics = KubeletMetrics()
        metrics.runningPods.set(2)
        return AgentHTTPServer(
            configuration: .init(host: "127.0.0.1", port: port),
            handler: AgentHTTPHandler(
                healthChecks: checks,
                metricsText: { metrics.registry.render() },
                podsJSON: { Data(#"{"kind":"PodList","apiVersion":"v1","items":[]}"#.utf8) }
            ),
            logger: Self.logger,
            onListening: { _, port in bound.value.withLock { $0 = port } }
        )
    }

    static func waitForPort(_ bound: BoundPort) async throws -> Int {
        try await poll("the HTTP server to listen", timeout: .seconds(20)) { bound.value.withLock { $0 } }
    }

    @Test func servesEveryRoute() async throws {
        let checks = HealthChecks()
        let stalled = Mutex(false)
        checks.register("syncloop") {
            stalled.withLock { $0 } ? .unhealthy("sync loop took longer than expected") : .healthy
        }
        let bound = BoundPort()
        let server = Self.makeServer(checks: checks, bound: bound)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await Self.waitForPort(bound)

            let healthz = try await RawHTTPClient.request(port: port, path: "/healthz")
            #expect(healthz.status == 200)
            #expect(healthz.body == "ok")
            #expect(healthz.headers["content-length"] == "2")

            let verbose = try await RawHTTPClient.request(port: port, path: "/healthz?verbose")
            #expect(verbose.body == "[+]ping ok\n[+]syncloop ok\nhealthz check passed\n")

            stalled.withLock { $0 = true }
            let failing = try await RawHTTPClient.request(port: port, path: "/healthz")
            #expect(failing.status == 500)
            #expect(failing.body.contains("[-]syncloop failed: sync loop took longer than expected\n"))

            let metrics = try await RawHTTPClient.request(port: port, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.body.contains("kubelet_running_pods 2\n"))

            let pods = try await RawHTTPClient.request(port: port, path: "/pods")
            #expect(pods.status == 200)
            #expect(pods.headers["content-type"] == "application/json")
            #expect(pods.body.contains("PodList"))

            let notFound = try await RawHTTPClient.request(port: port, path: "/nope")
            #expect(notFound.status == 404)
            let post = try await RawHTTPClient.request(port: port, method: "POST", path: "/healthz")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")

            let head = try await RawHTTPClient.request(port: port, method: "HEAD", path: "/metrics")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)

            group.cancelAll()
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let bound = BoundPort()
        let server = Self.makeServer(bound: bound)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await Self.waitForPort(bound)
            let raw = try await RawHTTPClient.exchange(
                port: port,
                request: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /healthz/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            #expect(raw.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
            group.cancelAll()
        }
    }

    @Test func bindFailureNamesAddressAndPort() async throws {
        let bound = BoundPort()
        let first = Self.makeServer(bound: bound)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            let port = try await Self.waitForPort(bound)
            let second = Self.makeServer(port: port, bound: BoundPort())
            let error = await #expect(throws: AgentHTTPServerError.self) { try await second.run() }
            #expect(error?.description == "cannot listen on 127.0.0.1:\(port): address already in use")
            group.cancelAll()
        }
    }

    @Test func unknownHostIsAClearError() async throws {
        let server = AgentHTTPServer(
            configuration: .init(host: "no-such-host.invalid", port: 10248),
            handler: AgentHTTPHandlerTests.handler(),
            logger: Self.logger
        )
        let error = await #expect(throws: AgentHTTPServerError.self) { try await server.run() }
        #expect(error?.description.hasPrefix("cannot listen on no-such-host.invalid:10248: ") == true)
    }

    @Test func stopsOnGracefulShutdown() async throws {
        let bound = BoundPort()
        let server = Self.makeServer(bound: bound)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], logger: Self.logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await Self.waitForPort(bound)
            let before = try await RawHTTPClient.request(port: port, path: "/healthz")
            #expect(before.status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            await #expect(throws: (any Error).self) { try await RawHTTPClient.request(port: port, path: "/healthz") }
        }
    }
}
