public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Sends one HTTP request to the API server: the seam between ``KubeAPIClient`` and the network, so tests can
/// script answers (and watch streams chunk by chunk) without a socket.
public protocol KubeTransport: Sendable {
    /// Sends `request` and returns once the response head arrived; the body streams afterwards.
    /// - Parameters:
    ///   - request: the request, with URL, method, headers and body set.
    ///   - timeout: deadline for the response head.
    func execute(_ request: HTTPClientRequest, timeout: Duration) async throws -> HTTPClientResponse

    /// Releases connections; the transport is unusable afterwards.
    func shutdown() async throws
}

/// The real transport: one AsyncHTTPClient `HTTPClient` with the configuration's TLS (CA roots, client
/// certificate and key, or no verification).
public final class HTTPClientTransport: KubeTransport {
    /// The underlying client.
    public let client: HTTPClient
    /// With `tls-server-name`: request URLs are rewritten from the server's origin to one naming the TLS name, and
    /// the HTTP client's DNS override connects that name to the server's real host.
    private let rewrite: (from: String, to: String)?

    /// Creates the HTTP client.
    /// - Throws: ``KubeAPIError`` with code `configuration` when a certificate or key does not parse.
    public init(configuration: KubeClientConfiguration) throws {
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout.connect = .seconds(30)
        http.connectionPool.idleTimeout = .seconds(90)
        // Over HTTP/1.1 every open watch holds a connection; AsyncHTTPClient's default of 8 per host would queue
        // ordinary requests behind a handful of watches. (Over HTTP/2 they share one connection.)
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        var rewrite: (from: String, to: String)? = nil
        if let tls = configuration.tls {
            http.tlsConfiguration = try Self.tlsConfiguration(tls, server: configuration.server)
            if let serverName = tls.serverName, !serverName.isEmpty,
                var components = URLComponents(string: configuration.server), let host = components.host,
                host != serverName
            {
                // Connect to `host`, but send SNI for and verify the certificate against `serverName`.
                http.dnsOverride[serverName] = host
                components.host = serverName
                if let renamed = components.string { rewrite = (configuration.server, renamed) }
            }
        }
        self.rewrite = rewrite
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    public func execute(_ request: HTTPClientRequest, timeout: Duration) async throws -> HTTPClientResponse {
        var request = request
        if let rewrite = self.rewrite, request.url.hasPrefix(rewrite.from) {
            request.url = rewrite.to + request.url.dropFirst(rewrite.from.count)
        }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        return try await self.client.execute(request, timeout: .nanoseconds(nanoseconds))
    }

    public func shutdown() async throws {
        try await self.client.shutdown()
    }

    /// The NIOSSL client configuration for the kubeconfig's TLS settings.
    static func tlsConfiguration(_ tls: KubeClientConfiguration.TLS, server: String) throws -> TLSConfiguration {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        do {
            if tls.insecureSkipVerify {
                config.certificateVerification = .none
            } else if let ca = tls.certificateAuthorityPEM {
                config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
        } catch {
            throw KubeAPIError(
                code: .configuration, request: server, message: "certificate-authority: not PEM certificates: \(error)",
                cause: error
            )
        }
        if let certificatePEM = tls.clientCertificatePEM, let keyPEM = tls.clientKeyPEM {
            do {
                let chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
                guard !chain.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
                config.certificateChain = chain.map { .certificate($0) }
            } catch {
                throw KubeAPIError(
                    code: .configuration, request: server,
                    message: "client-certificate: not a PEM certificate: \(error)",
                    cause: error
                )
            }
            do {
                config.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyPEM, format: .pem))
            } catch {
                throw KubeAPIError(
                    code: .configuration, request: server, message: "client-key: not a PEM private key: \(error)",
                    cause: error
                )
            }
        }
        return config
    }
}
