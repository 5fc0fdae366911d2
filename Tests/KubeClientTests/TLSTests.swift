import Foundation
import KubeAPI
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

@testable import KubeClient

/// Certificates made with `openssl` for one test: a CA, a server certificate for 127.0.0.1, client certificates with
/// an RSA (PKCS#1) and an EC (PKCS#8) key, and a second, unrelated CA.
struct TestPKI {
    let dir: String

    static func make(in dir: String) throws -> TestPKI {
        let pki = TestPKI(dir: dir)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(toFile: dir + "/server.ext", atomically: true, encoding: .utf8)
        try "subjectAltName=DNS:kubernetes\nextendedKeyUsage=serverAuth\n"
            .write(toFile: dir + "/server-dns.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: dir + "/client.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try pki.openssl(["req", "-x509"] + ec + ["-keyout", "\(ca).key", "-out", "\(ca).crt", "-days", "1",
                                                      "-subj", "/CN=\(ca)"])
        }
        try pki.openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
        try pki.sign("server")
        try pki.openssl(["req"] + ec + ["-keyout", "server-dns.key", "-out", "server-dns.csr", "-subj", "/CN=kube"])
        try pki.sign("server-dns", ext: "server-dns.ext")
        try pki.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.p8", "-out", "client-rsa.csr",
                         "-subj", "/O=system:nodes/CN=system:node:n1"])
        try pki.openssl(["rsa", "-in", "rsa.p8", "-traditional", "-out", "client-rsa.key"])
        try pki.sign("client-rsa", ext: "client.ext")
        try pki.openssl(["req"] + ec + ["-keyout", "client-ec.key", "-out", "client-ec.csr",
                                        "-subj", "/O=system:nodes/CN=system:node:n1"])
        try pki.sign("client-ec", ext: "client.ext")
        return pki
    }

    private func sign(_ name: String, ext: String = "server.ext") throws {
        try self.openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                          "-CAcreateserial", "-out", "\(name).crt", "-days", "1", "-extfile", ext])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: self.dir)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if process.terminationStatus != 0 {
            throw KubeconfigError(path: "openssl", field: arguments.joined(separator: " "), message: message)
        }
    }

    func path(_ name: String) -> String { self.dir + "/" + name }
}

/// Answers every request with a Node named after nothing in particular; the TLS handshake demands a client
/// certificate signed by the test CA.
private final class NodeResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = self.unwrapInboundIn(data) else { return }
        let body = ByteBuffer(string: #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}"#)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                      promise: nil)
        context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }
}

@Suite("TLS with client certificates")
struct TLSTests {
    func withServer(
        _ pki: TestPKI,
        certificate: String = "server",
        _ body: (Int) async throws -> Void
    ) async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.path("\(certificate).crt"))
                .map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.path("\(certificate).key"), format: .pem))
        )
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.path("ca.crt")))
        let context = try NIOSSLContext(configuration: tls)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(NodeResponder())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    func kubeconfig(
        _ pki: TestPKI,
        port: Int,
        key: String?,
        ca: String = "ca.crt",
        insecure: Bool = false,
        serverName: String? = nil
    ) throws -> KubeClientConfiguration {
        let name = serverName.map { ", tls-server-name: \($0)" } ?? ""
        let cluster = insecure
            ? "{server: 'https://127.0.0.1:\(port)', insecure-skip-tls-verify: true}"
            : "{server: 'https://127.0.0.1:\(port)', certificate-authority: \(ca)\(name)}"
        let user = key.map { "{client-certificate: client-\($0).crt, client-key: client-\($0).key}" } ?? "{}"
        let text = """
            clusters: [{name: c, cluster: \(cluster)}]
            users: [{name: u, user: \(user)}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """
        try text.write(toFile: pki.path("kubeconfig"), atomically: true, encoding: .utf8)
        return try Kubeconfig.load(path: pki.path("kubeconfig"))
    }

    func getNode(_ configuration: KubeClientConfiguration, timeout: Duration = .seconds(10)) async throws -> Node {
        var configuration = configuration
        configuration.requestTimeout = timeout
        return try await KubeAPIClient.withClient(configuration: configuration) { client in
            try await client.get(Node.self, name: "n1")
        }
    }

    @Test("RSA and EC client keys are presented and the server's CA is trusted", arguments: ["rsa", "ec"])
    func clientCertificate(key: String) async throws {
        try await withTemporaryDirectory { dir in
            let pki = try TestPKI.make(in: dir)
            try await self.withServer(pki) { port in
                let node = try await self.getNode(try self.kubeconfig(pki, port: port, key: key))
                #expect(node.metadata.name == "n1")
                let insecure = try await self.getNode(try self.kubeconfig(pki, port: port, key: key, insecure: true))
                #expect(insecure.metadata.name == "n1")
            }
        }
    }

    @Test("no client certificate, or an untrusted server, fails as a transport error")
    func failures() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try TestPKI.make(in: dir)
            try await self.withServer(pki) { port in
                let anonymous = await #expect(throws: KubeAPIError.self) {
                    _ = try await self.getNode(try self.kubeconfig(pki, port: port, key: nil))
                }
                #expect(anonymous?.isTransport == true)
                // AsyncHTTPClient retries a failed handshake until the request's deadline, then reports it.
                let untrusted = await #expect(throws: KubeAPIError.self) {
                    _ = try await self.getNode(
                        try self.kubeconfig(pki, port: port, key: "ec", ca: "other-ca.crt"), timeout: .seconds(1)
                    )
                }
                #expect(untrusted?.message.contains("CERTIFICATE_VERIFY_FAILED") == true)
                #expect(untrusted?.isTransport == true)
                #expect(untrusted?.request == "GET https://127.0.0.1:\(port)/api/v1/nodes/n1")
            }
        }
    }

    @Test("tls-server-name: the certificate is verified against that name, the connection goes to the server")
    func serverName() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try TestPKI.make(in: dir)
            try await self.withServer(pki, certificate: "server-dns") { port in
                // The server certificate names only `kubernetes`, not the address the client connects to.
                let named = try await self.getNode(
                    try self.kubeconfig(pki, port: port, key: "ec", serverName: "kubernetes")
                )
                #expect(named.metadata.name == "n1")
                let unnamed = await #expect(throws: KubeAPIError.self) {
                    _ = try await self.getNode(try self.kubeconfig(pki, port: port, key: "ec"), timeout: .seconds(1))
                }
                #expect(unnamed?.isTransport == true)
                let wrong = await #expect(throws: KubeAPIError.self) {
                    _ = try await self.getNode(
                        try self.kubeconfig(pki, port: port, key: "ec", serverName: "kubernetes.invalid"),
                        timeout: .seconds(1)
                    )
                }
                #expect(wrong?.isTransport == true)
                #expect(wrong?.request == "GET https://127.0.0.1:\(port)/api/v1/nodes/n1")
            }
        }
    }

    @Test("a certificate that is not PEM is a configuration error naming the field")
    func badKey() throws {
        let configuration = KubeClientConfiguration(
            server: "https://127.0.0.1:1",
            tls: .init(clientCertificatePEM: Array("nope".utf8), clientKeyPEM: Array("nope".utf8))
        )
        let error = #expect(throws: KubeAPIError.self) { _ = try KubeAPIClient(configuration: configuration) }
        #expect(error?.code == .configuration)
        #expect(error?.message.hasPrefix("client-certificate:") == true)
    }
}
