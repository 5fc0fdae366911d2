import Foundation
import KubeAPI
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ProbeRunner
import Synchronization
import Testing

/// A local HTTP/1.1 server (HTTPS with `tls`) with fixed routes: `/ok` 200, `/fail` 500, `/slow` 200 after 3 s,
/// `/to-ok` and `/to-fail` redirect on the same host, `/elsewhere` redirects to another host, `/loop` redirects to
/// itself. It records the last request's headers.
final class ProbeTestServer: Sendable {
    final class Recorder: Sendable {
        let headers = Mutex<[(String, String)]>([])
    }

    let recorder = Recorder()
    private let channel: any Channel

    init(tls: NIOSSLContext? = nil) async throws {
        let recorder = self.recorder
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                }.flatMap {
                    channel.pipeline.configureHTTPServerPipeline()
                }.flatMap {
                    channel.pipeline.addHandler(Handler(recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    var port: Int { self.channel.localAddress?.port ?? 0 }

    func shutdown() async throws { try await self.channel.close() }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let recorder: Recorder
        var uri = ""

        init(recorder: Recorder) { self.recorder = recorder }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.uri = head.uri
                let headers = head.headers.map { ($0.name, $0.value) }
                self.recorder.headers.withLock { $0 = headers }
            case .body:
                break
            case .end:
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "2")
                let status: HTTPResponseStatus
                var delay: TimeAmount = .zero
                switch self.uri {
                case "/ok": status = .ok
                case "/slow":
                    status = .ok
                    delay = .seconds(3)
                case "/to-ok":
                    status = .found
                    headers.add(name: "Location", value: "/ok")
                case "/to-fail":
                    status = .found
                    headers.add(name: "Location", value: "/fail")
                case "/elsewhere":
                    status = .found
                    headers.add(name: "Location", value: "http://other.invalid/fail")
                case "/loop":
                    status = .movedPermanently
                    headers.add(name: "Location", value: "/loop")
                default: status = .internalServerError
                }
                let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
                let respond = { @Sendable [context = NIOLoopBound(context, eventLoop: context.eventLoop)] in
                    let context = context.value
                    context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
                    context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "hi")))), promise: nil)
                    context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                }
                if delay == .zero {
                    respond()
                } else {
                    context.eventLoop.scheduleTask(in: delay) { respond() }
                }
            }
        }
    }
}

@Suite struct ProbeHandlersTests {
    func target(ports: [ContainerPort] = []) -> ProbeTarget {
        ProbeTarget(
            podUID: "uid",
            podName: "web",
            namespace: "default",
            podIP: "127.0.0.1",
            container: Container(name: "app", image: "busybox", ports: ports),
            containerID: "c1"
        )
    }

    static let noExec: ExecInContainer = { _, _, _ in (0, "") }

    @Test(arguments: [
        ("/ok", ProbeResult.success), ("/fail", .failure), ("/to-ok", .success), ("/to-fail", .failure),
        ("/elsewhere", .success), ("/slow", .failure), ("/loop", .failure),
    ])
    func httpGet(path: String, expected: ProbeResult) async throws {
        let server = try await ProbeTestServer()
        let handlers = ProbeHandlers(exec: Self.noExec)
        let probe = Probe(httpGet: HTTPGetAction(path: path, port: .int(Int32(server.port))))
        // Only /slow must time out; the others get room for a loaded machine (eleven requests for /loop).
        let timeout: Duration = path == "/slow" ? .seconds(1) : .seconds(10)
        let outcome = await handlers.run(probe, kind: .readiness, target: self.target(), timeout: timeout)
        #expect(outcome.result == expected, "\(path): \(outcome.message)")
        #expect((outcome.warning != nil) == (path == "/elsewhere"), "\(path): \(outcome)")
        await handlers.shutdown()
        try await server.shutdown()
    }

    /// Upstream's messages: a redirect to another host succeeds with a warning (the agent's `ProbeWarning` event),
    /// an eleventh same-host redirect fails, a 5xx names the status only, a slow server times out.
    @Test func httpGetMessages() async throws {
        let server = try await ProbeTestServer()
        let handlers = ProbeHandlers(exec: Self.noExec)
        func run(_ path: String) async -> ProbeOutcome {
            let probe = Probe(httpGet: HTTPGetAction(path: path, port: .int(Int32(server.port))))
            let timeout: Duration = path == "/slow" ? .seconds(1) : .seconds(10)
            return await handlers.run(probe, kind: .readiness, target: self.target(), timeout: timeout)
        }
        let elsewhere = await run("/elsewhere")
        #expect(elsewhere.warning == "Probe terminated redirects, Response body: hi")
        let loop = await run("/loop")
        #expect(loop.message == "Get \"http://127.0.0.1:\(server.port)/loop\": stopped after 10 redirects")
        #expect(await run("/fail").message == "HTTP probe failed with statuscode: 500")
        let slow = await run("/slow")
        #expect(slow.message.hasPrefix("Get \"http://127.0.0.1:\(server.port)/slow\": context deadline exceeded"))
        await handlers.shutdown()
        try await server.shutdown()
    }

    /// `scheme: HTTPS` against a server with a self-signed certificate for a name the probe never uses: upstream
    /// skips certificate verification, so the probe succeeds (and still fails on a 500).
    @Test func httpsWithoutCertificateChecks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("probe-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("tls.key").path
        let certificate = directory.appendingPathComponent("tls.crt").path
        try runOpenSSL([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
            "-out", certificate, "-days", "1", "-subj", "/CN=somebody-else.example",
        ])
        let tls = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            )
        )
        let server = try await ProbeTestServer(tls: tls)
        let handlers = ProbeHandlers(exec: Self.noExec)
        for (path, expected) in [("/ok", ProbeResult.success), ("/fail", .failure)] {
            let probe = Probe(httpGet: HTTPGetAction(path: path, port: .int(Int32(server.port)), scheme: .https))
            let outcome = await handlers.run(probe, kind: .liveness, target: self.target(), timeout: .seconds(2))
            #expect(outcome.result == expected, "\(path): \(outcome.message)")
        }
        let headers = server.recorder.headers.withLock { $0 }
        #expect(headers.contains { $0.0.lowercased() == "user-agent" && $0.1.hasPrefix("kube-probe/") })
        // The same server over plain HTTP is no HTTP server: the probe fails.
        let plain = Probe(httpGet: HTTPGetAction(path: "/ok", port: .int(Int32(server.port))))
        #expect(await handlers.run(plain, kind: .liveness, target: self.target(), timeout: .seconds(2)).result == .failure)
        await handlers.shutdown()
        try await server.shutdown()
    }

    @Test func httpGetHeadersAndNamedPort() async throws {
        let server = try await ProbeTestServer()
        let handlers = ProbeHandlers(exec: Self.noExec)
        let action = HTTPGetAction(
            path: "ok",
            port: .string("web"),
            httpHeaders: [HTTPHeader(name: "Accept", value: ""), HTTPHeader(name: "X-Probe", value: "yes")]
        )
        let target = self.target(ports: [ContainerPort(name: "web", containerPort: Int32(server.port))])
        let outcome = await handlers.run(Probe(httpGet: action), kind: .liveness, target: target, timeout: .seconds(1))
        #expect(outcome.result == .success, "\(outcome.message)")
        let headers = server.recorder.headers.withLock { $0 }
        #expect(headers.contains { $0.0.lowercased() == "user-agent" && $0.1 == "kube-probe/1.34" })
        #expect(headers.contains { $0.0 == "X-Probe" && $0.1 == "yes" })
        #expect(!headers.contains { $0.0.lowercased() == "accept" })
        #expect(ProbeHandlers.headers(for: HTTPGetAction()).map(\.1) == ["kube-probe/1.34", "*/*"])
        await handlers.shutdown()
        try await server.shutdown()
    }

    @Test func unknownNamedPortIsUnknown() async {
        let handlers = ProbeHandlers(exec: Self.noExec)
        let probe = Probe(tcpSocket: TCPSocketAction(port: .string("nope")))
        let outcome = await handlers.run(probe, kind: .liveness, target: self.target(), timeout: .seconds(1))
        #expect(outcome.result == .unknown)
        #expect(outcome.message.contains("no container port named 'nope'"))
        await handlers.shutdown()
    }

    @Test func tcpSocket() async throws {
        let server = try await ProbeTestServer()
        let port = server.port
        let handlers = ProbeHandlers(exec: Self.noExec)
        let probe = Probe(tcpSocket: TCPSocketAction(port: .int(Int32(port))))
        let open = await handlers.run(probe, kind: .liveness, target: self.target(), timeout: .seconds(1))
        #expect(open.result == .success, "\(open.message)")
        try await server.shutdown()
        let closed = await handlers.run(probe, kind: .liveness, target: self.target(), timeout: .seconds(1))
        #expect(closed.result == .failure, "\(closed.message)")
        await handlers.shutdown()
    }

    @Test func exec() async {
        let calls = ProbeTestServer.Recorder()
        let handlers = ProbeHandlers { id, command, _ in
            calls.headers.withLock { $0.append((id, command.joined(separator: " "))) }
            switch command.first {
            case "true": return (0, "fine")
            case "hang":
                try await Task.sleep(for: .seconds(30))
                return (0, "")
            default: return (1, "bad")
            }
        }
        let target = self.target()
        let ok = await handlers.run(Probe(exec: ExecAction(command: ["true"])), kind: .liveness, target: target, timeout: .seconds(1))
        #expect(ok == ProbeOutcome(.success, "fine"))
        let bad = await handlers.run(Probe(exec: ExecAction(command: ["false"])), kind: .liveness, target: target, timeout: .seconds(1))
        #expect(bad.result == .failure)
        let clock = ContinuousClock()
        let started = clock.now
        let hung = await handlers.run(Probe(exec: ExecAction(command: ["hang"])), kind: .liveness, target: target, timeout: .seconds(1))
        #expect(hung.result == .failure)
        #expect(hung.message.contains("timed out"))
        #expect(started.duration(to: clock.now) < .seconds(10))
        #expect(calls.headers.withLock { $0.first?.0 } == "c1")
        await handlers.shutdown()
    }
}

/// Runs `/usr/bin/openssl` with `arguments`; throws with its output when it fails.
func runOpenSSL(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ProbeError("openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
    }
}
