import GRPCCore
import GRPCNIOTransportHTTP2Posix
import KubeAPI
@testable import ProbeRunner
import Testing

/// A `grpc.health.v1.Health` service with fixed answers: the server (`""`) and `web` are SERVING, `db` is
/// NOT_SERVING, `slow` answers SERVING after 3 s, anything else is NOT_FOUND (as grpc-go's health server).
struct TestHealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    func check(
        request: Grpc_Health_V1_HealthCheckRequest,
        context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        var response = Grpc_Health_V1_HealthCheckResponse()
        switch request.service {
        case "", "web": response.status = .serving
        case "db": response.status = .notServing
        case "slow":
            try await Task.sleep(for: .seconds(3))
            response.status = .serving
        default: throw RPCError(code: .notFound, message: "unknown service")
        }
        return response
    }
}

/// gRPC probes against a real health server on 127.0.0.1 (HTTP/2, plaintext), as upstream's prober runs them.
@Suite struct ProbeGRPCTests {
    func target() -> ProbeTarget {
        ProbeTarget(
            podUID: "uid",
            podName: "web",
            namespace: "default",
            podIP: "127.0.0.1",
            container: Container(name: "app", image: "busybox"),
            containerID: "c1"
        )
    }

    /// Runs `body` with the port of a health server that stops when `body` returns.
    func withHealthServer(_ body: (Int) async throws -> Void) async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .plaintext
        )
        try await withGRPCServer(transport: transport, services: [TestHealthService()]) { _ in
            let address = try await transport.listeningAddress
            let port = try #require(address.ipv4?.port)
            try await body(port)
        }
    }

    /// Only `slow` must time out: the others get room for a loaded machine.
    func probe(port: Int, service: String?) async -> ProbeOutcome {
        let handlers = ProbeHandlers { _, _, _ in (0, "") }
        let probe = Probe(grpc: GRPCAction(port: Int32(port), service: service))
        let outcome = await handlers.run(probe, kind: .liveness, target: self.target(), timeout: service == "slow" ? .seconds(1) : .seconds(10))
        await handlers.shutdown()
        return outcome
    }

    @Test(arguments: [
        (String?.none, ProbeResult.success, "service healthy"),
        ("web", .success, "service healthy"),
        ("db", .failure, #"service unhealthy (responded with "NOT_SERVING")"#),
        ("payments", .failure, "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"),
        ("slow", .failure, "timeout: health rpc did not complete within 1s"),
    ])
    func check(service: String?, expected: ProbeResult, message: String) async throws {
        try await self.withHealthServer { port in
            let outcome = await self.probe(port: port, service: service)
            #expect(outcome.result == expected, "\(service ?? "<server>"): \(outcome.message)")
            #expect(outcome.message == message)
        }
    }

    @Test func nobodyListeningFails() async throws {
        // A port that was just free: bind a server, take its port, stop it.
        var free = 0
        try await self.withHealthServer { free = $0 }
        let outcome = await self.probe(port: free, service: nil)
        #expect(outcome.result == .failure)
        #expect(outcome.message.hasPrefix("error: failed to connect service at \"127.0.0.1:\(free)\""), "\(outcome.message)")
    }

    @Test func portOutOfRangeIsUnknown() async {
        let outcome = await self.probe(port: 0, service: nil)
        #expect(outcome.result == .unknown)
    }

    @Test func goNames() {
        #expect(ProbeHandlers.goName(.unavailable) == "Unavailable")
        #expect(ProbeHandlers.goName(.deadlineExceeded) == "DeadlineExceeded")
        #expect(ProbeHandlers.name(.serviceUnknown) == "SERVICE_UNKNOWN")
        #expect(ProbeHandlers.name(.UNRECOGNIZED(7)) == "7")
        #expect(Duration.milliseconds(1500).goDescription == "1.5s")
        #expect(Duration.milliseconds(500).goDescription == "500ms")
    }
}
