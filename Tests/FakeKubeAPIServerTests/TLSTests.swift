import AsyncHTTPClient
import FakeKubeAPIServer
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite struct FakeAPITLSTests {
    @Test func mutualTLSAndKubeconfig() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-tls-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = FakeKubeAPIServer.Configuration()
        configuration.tls = try TLSMaterial.generate(in: directory + "/pki", clientCommonName: "system:node:n1")
        let tls = try #require(configuration.tls)
        try await FakeKubeAPIServer.withServer(configuration: configuration) { server in
            #expect(server.url.hasPrefix("https://127.0.0.1:"))

            var withCertificate = TLSConfiguration.makeClientConfiguration()
            withCertificate.trustRoots = .file(tls.caCertificatePath)
            withCertificate.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.clientCertificatePath).map { .certificate($0) }
            withCertificate.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.clientKeyPath, format: .pem))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: withCertificate))
            var anonymousTLS = TLSConfiguration.makeClientConfiguration()
            anonymousTLS.trustRoots = .file(tls.caCertificatePath)
            let anonymous = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: anonymousTLS))
            do {
                let reply = try await TestClient(server, client: client).get("/api/v1/namespaces")
                #expect(reply.status == 200)
                #expect(reply.json["items"].array?.map(\.name) == ["default", "kube-node-lease", "kube-public", "kube-system"])
                await #expect(throws: (any Error).self, "a client without a certificate is refused") {
                    _ = try await TestClient(server, client: anonymous).get("/api/v1/namespaces")
                }
            } catch {
                try? await client.shutdown()
                try? await anonymous.shutdown()
                throw error
            }
            try await client.shutdown()
            try await anonymous.shutdown()

            let kubeconfig = try String(contentsOfFile: try server.kubeconfig(path: directory + "/kubeconfig"), encoding: .utf8)
            #expect(kubeconfig.contains("server: \(server.url)"))
            #expect(kubeconfig.contains("certificate-authority-data: "))
            #expect(kubeconfig.contains("client-certificate-data: "))
            #expect(kubeconfig.contains("client-key-data: "))
            #expect(kubeconfig.contains("current-context: fake"))
        }
    }
}

@Suite struct FakeAPIAuthenticationTests {
    @Test func bearerToken() async throws {
        var configuration = FakeKubeAPIServer.Configuration()
        configuration.bearerToken = "s3cret"
        try await FakeKubeAPIServer.withServer(configuration: configuration) { server in
            let anonymous = try await TestClient(server).get("/api/v1/nodes")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["reason"] == "Unauthorized")
            #expect(anonymous.json["message"] == "Unauthorized")
            var request = HTTPClientRequest(url: server.url + "/api/v1/nodes")
            request.headers.add(name: "Authorization", value: "Bearer s3cret")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status.code == 200)
            _ = try await response.body.collect(upTo: 1 << 20)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-token-\(UUID().uuidString.prefix(8))").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let kubeconfig = try String(contentsOfFile: try server.kubeconfig(path: directory + "/kubeconfig"), encoding: .utf8)
            #expect(kubeconfig.contains("    token: s3cret\n"))
        }
    }
}
