import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTPS/1.1 client for the tests: no server verification, an optional client certificate, and the response
/// read part by part (so a follower can be read while it streams).
struct TLSTestClient {
    typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    var port: Int
    var clientCertificate: (certificate: String, key: String)?
    /// Plain HTTP when false (the fake API server without TLS material).
    var tls = true

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    func connect() async throws -> Channel {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        if let (certificate, key) = self.clientCertificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        let context = try NIOSSLContext(configuration: tls)
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: self.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if self.tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One GET, read to the end.
    func get(_ path: String) async throws -> Response {
        let channel = try await self.connect()
        return try await channel.executeThenClose { inbound, outbound in
            try await Self.send(path, outbound)
            var response = Response(status: 0, headers: [:], body: "")
            for try await part in inbound {
                switch part {
                case .head(let head):
                    response.status = Int(head.status.code)
                    response.headers = head.headers
                case .body(let buffer):
                    response.body += String(buffer: buffer)
                case .end:
                    return response
                }
            }
            return response
        }
    }

    static func send(_ path: String, _ outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "127.0.0.1")
        headers.add(name: "Connection", value: "close")
        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)))
        try await outbound.write(.end(nil))
    }
}
