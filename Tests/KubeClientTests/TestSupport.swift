import AsyncHTTPClient
import Foundation
import KubeAPI
import NIOCore
import NIOHTTP1
import Synchronization

@testable import KubeClient

/// A clock that moves only when the test advances it; records every sleep asked of it.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Self { Instant(offset: self.offset + duration) }
        func duration(to other: Self) -> Duration { other.offset - self.offset }
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Sleeper] = []
        var requested: [Duration] = []
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    var now: Instant { self.state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }

    /// The durations of every sleep so far, in order.
    var requestedSleeps: [Duration] { self.state.withLock { $0.requested } }
    /// Sleepers waiting now.
    var sleeperCount: Int { self.state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id: Int? = self.state.withLock { state in
            state.requested.append(state.now.duration(to: deadline))
            guard deadline > state.now else { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = self.state.withLock { state in
                    if state.cancelled.remove(id) != nil { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let sleeper: Sleeper? = self.state.withLock { state in
                if let index = state.sleepers.firstIndex(where: { $0.id == id }) {
                    return state.sleepers.remove(at: index)
                }
                state.cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers whose deadline passed.
    func advance(by duration: Duration) {
        let due: [Sleeper] = self.state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

/// A request as the scripted transport saw it.
struct RecordedRequest: Sendable {
    var method: String
    var url: String
    var headers: HTTPHeaders
    var body: [UInt8]

    /// The path and query after the server part.
    var target: String {
        guard let range = self.url.range(of: "://") else { return self.url }
        let rest = self.url[range.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }

    var path: String { String(self.target.split(separator: "?", maxSplits: 1).first ?? "") }

    /// Query parameters, percent-decoded.
    var query: [String: String] {
        guard let components = URLComponents(string: self.url) else { return [:] }
        var result: [String: String] = [:]
        for item in components.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }

    var bodyText: String { String(decoding: self.body, as: UTF8.self) }
}

/// A transport whose answers the test scripts; records every request.
final class ScriptedTransport: KubeTransport {
    typealias Handler = @Sendable (RecordedRequest) async throws -> HTTPClientResponse

    private let handler: Handler
    private let recorded = Mutex<[RecordedRequest]>([])

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    var requests: [RecordedRequest] { self.recorded.withLock { $0 } }

    func execute(_ request: HTTPClientRequest, timeout: Duration) async throws -> HTTPClientResponse {
        var body: [UInt8] = []
        if let requestBody = request.body {
            for try await var chunk in requestBody {
                body += chunk.readBytes(length: chunk.readableBytes) ?? []
            }
        }
        let recorded = RecordedRequest(
            method: request.method.rawValue, url: request.url, headers: request.headers, body: body
        )
        self.recorded.withLock { $0.append(recorded) }
        return try await self.handler(recorded)
    }

    func shutdown() async throws {}
}

extension HTTPClientResponse {
    /// A complete JSON answer.
    static func json(_ text: String, status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:]) -> Self {
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPClientResponse(status: status, headers: headers, body: .bytes(ByteBuffer(string: text)))
    }

    /// An answer whose body arrives in these chunks.
    static func chunked(_ chunks: [ByteBuffer]) -> Self {
        let (response, continuation) = Self.streaming()
        for chunk in chunks { continuation.yield(chunk) }
        continuation.finish()
        return response
    }

    /// An answer whose body the test feeds chunk by chunk.
    static func streaming() -> (Self, AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        return (HTTPClientResponse(status: .ok, body: .stream(stream)), continuation)
    }
}

/// A client over a scripted transport, without rate limiting.
func scriptedClient(
    namespace: String? = nil,
    credentials: KubeClientConfiguration.Credentials = .none,
    _ handler: @escaping ScriptedTransport.Handler
) throws -> (KubeAPIClient, ScriptedTransport) {
    let transport = ScriptedTransport(handler)
    let configuration = KubeClientConfiguration(
        server: "https://api.test:6443", credentials: credentials, namespace: namespace, qps: -1
    )
    return (try KubeAPIClient(configuration: configuration, transport: transport), transport)
}

/// A temporary directory removed at the end of `body`.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclient-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

func podJSON(_ name: String, resourceVersion: String, namespace: String = "default") -> String {
    #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","namespace":"\#(namespace)","uid":"uid-\#(name)","resourceVersion":"\#(resourceVersion)"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
}
