public import AsyncHTTPClient
import Foundation
public import KubeAPI
public import Logging
import NIOCore
import NIOHTTP1

/// Requests waiting for permission to go: ``TokenBucketRateLimiter`` or a test double.
public protocol RequestRateLimiter: Sendable {
    /// Waits until one more request may go.
    func acquire() async throws
}

extension TokenBucketRateLimiter: RequestRateLimiter {}

/// The Kubernetes API client: typed get, list, create, update, patch, delete, the status subresource and watches
/// over one shared HTTP client, rate limited like client-go (token bucket, `qps` and `burst`; a watch takes a token
/// only for its initial request). Every failure is a ``KubeAPIError``.
///
/// ```swift
/// let config = try Kubeconfig.load(path: "/etc/kubernetes/kubelet.conf")
/// try await KubeAPIClient.withClient(configuration: config) { client in
///     let node = try await client.get(Node.self, name: "worker-1")
///     let pods = try await client.list(Pod.self, options: .init(fieldSelector: "spec.nodeName=worker-1"))
/// }
/// ```
public final class KubeAPIClient: Sendable {
    /// Where and how the client connects.
    public let configuration: KubeClientConfiguration
    let transport: any KubeTransport
    let rateLimiter: (any RequestRateLimiter)?
    let token: BearerToken
    let logger: Logger
    /// How many times a 429 (or a 5xx with `Retry-After`) is retried after the wait the server asks for.
    public let maxRetryAfterRetries: Int

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: server, TLS, credentials, rate limit.
    ///   - transport: nil creates an ``HTTPClientTransport``; tests pass a scripted one.
    ///   - rateLimiter: nil creates a ``TokenBucketRateLimiter`` from `qps` and `burst` (none when `qps` < 0).
    ///   - maxRetryAfterRetries: retries of throttled requests (client-go: 10).
    ///   - logger: request logging at debug/trace level.
    /// - Throws: ``KubeAPIError`` (`configuration`) when the TLS material does not parse.
    public init(
        configuration: KubeClientConfiguration,
        transport: (any KubeTransport)? = nil,
        rateLimiter: (any RequestRateLimiter)? = nil,
        maxRetryAfterRetries: Int = 10,
        logger: Logger = Logger(label: "node-agent.kubeclient")
    ) throws {
        self.configuration = configuration
        self.transport = try transport ?? HTTPClientTransport(configuration: configuration)
        if let rateLimiter {
            self.rateLimiter = rateLimiter
        } else if configuration.qps < 0 {
            self.rateLimiter = nil
        } else {
            let qps = configuration.qps == 0 ? 5 : configuration.qps
            let burst = configuration.burst <= 0 ? 10 : configuration.burst
            self.rateLimiter = TokenBucketRateLimiter(qps: qps, burst: burst)
        }
        self.token = BearerToken(configuration.credentials)
        self.maxRetryAfterRetries = maxRetryAfterRetries
        self.logger = logger
    }

    /// Closes the connections. Call once, after the last request.
    public func shutdown() async throws {
        try await self.transport.shutdown()
    }

    /// Runs `body` with a client and shuts it down afterwards, also when `body` throws.
    public static func withClient<Result>(
        configuration: KubeClientConfiguration,
        logger: Logger = Logger(label: "node-agent.kubeclient"),
        _ body: (KubeAPIClient) async throws -> Result
    ) async throws -> Result {
        let client = try KubeAPIClient(configuration: configuration, logger: logger)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return result
    }

    // MARK: - Requests

    /// A request as the client sends it.
    struct Request {
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: [UInt8]? = nil
        var contentType: String? = nil

        /// `GET https://host/api/v1/nodes?limit=500`, for messages.
        func describe(server: String) -> String {
            "\(self.method.rawValue) \(self.url(server: server))"
        }

        func url(server: String) -> String {
            var url = server + self.path
            if !self.query.isEmpty {
                url += "?" + self.query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
            }
            return url
        }

        private static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)

        static func escape(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                if Self.unreserved.contains(byte) {
                    out.append(Character(Unicode.Scalar(byte)))
                } else {
                    let hex = String(byte, radix: 16, uppercase: true)
                    out += "%" + (hex.count == 1 ? "0" + hex : hex)
                }
            }
            return out
        }
    }

    /// Sends a request after the rate limiter allows it and returns the response once its head arrived; error
    /// statuses become ``KubeAPIError``s (after honouring `Retry-After` up to ``maxRetryAfterRetries`` times).
    func open(_ request: Request) async throws -> HTTPClientResponse {
        let described = request.describe(server: self.configuration.server)
        var attempt = 0
        while true {
            if let rateLimiter = self.rateLimiter {
                try await rateLimiter.acquire()
            }
            var http = HTTPClientRequest(url: request.url(server: self.configuration.server))
            http.method = request.method
            http.headers.add(name: "User-Agent", value: self.configuration.userAgent)
            http.headers.add(name: "Accept", value: "application/json")
            if let token = try self.token.current(), !token.isEmpty {
                http.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            if let body = request.body {
                http.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
                http.body = .bytes(ByteBuffer(bytes: body))
            }
            let response: HTTPClientResponse
            do {
                response = try await self.transport.execute(http, timeout: self.configuration.requestTimeout)
            } catch let error as KubeAPIError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                self.logger.debug("request failed", metadata: ["request": "\(described)", "error": "\(error)"])
                throw KubeAPIError.transport(error, request: described)
            }
            let code = Int(response.status.code)
            self.logger.trace("response", metadata: ["request": "\(described)", "status": "\(code)"])
            if (200..<300).contains(code) { return response }
            let body = try await Self.collect(response, request: described, limit: 1 << 20)
            let error = KubeAPIError.fromResponse(
                httpStatus: code, body: body, retryAfterHeader: response.headers.first(name: "Retry-After"),
                request: described
            )
            let retriable = code == 429 || (code >= 500 && request.method == .GET)
            if retriable, let wait = error.retryAfter, attempt < self.maxRetryAfterRetries {
                attempt += 1
                self.logger.debug(
                    "throttled, retrying",
                    metadata: ["request": "\(described)", "retryAfter": "\(wait)", "attempt": "\(attempt)"]
                )
                try await Task.sleep(for: min(wait, .seconds(60)))
                continue
            }
            throw error
        }
    }

    /// Sends a request and returns the whole body of a successful answer.
    func send(_ request: Request) async throws -> [UInt8] {
        let response = try await self.open(request)
        return try await Self.collect(
            response, request: request.describe(server: self.configuration.server), limit: 512 << 20
        )
    }

    /// Sends a request and decodes the answer.
    func send<T: Decodable>(_ request: Request, as type: T.Type) async throws -> T {
        let body = try await self.send(request)
        do {
            return try KubeJSON.decoder().decode(T.self, from: Data(body))
        } catch {
            throw KubeAPIError.decoding(
                error, request: request.describe(server: self.configuration.server), what: "\(T.self)"
            )
        }
    }

    static func collect(_ response: HTTPClientResponse, request: String, limit: Int) async throws -> [UInt8] {
        do {
            var buffer = try await response.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw KubeAPIError.transport(error, request: request)
        }
    }

    static func encode<T: Encodable>(_ value: T, request: String) throws -> [UInt8] {
        do {
            return Array(try KubeJSON.encoder().encode(value))
        } catch {
            throw KubeAPIError(
                code: .decoding, request: request, message: "cannot encode \(T.self): \(error)", cause: error
            )
        }
    }
}
