import AsyncHTTPClient
import FakeKubeAPIServer
import NIOCore
import NIOHTTP1

/// A minimal client for the fake server's tests: one request at a time, and watches read line by line.
struct TestClient {
    let base: String
    let client: HTTPClient

    init(_ server: FakeKubeAPIServer, client: HTTPClient = .shared) {
        self.base = server.url
        self.client = client
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var json: JSON
        var text: String
    }

    func send(
        _ method: HTTPMethod, _ path: String, _ body: JSON? = nil, contentType: String = "application/json",
        accept: String? = nil, timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: self.base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        let response = try await self.client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let text = String(buffer: bytes)
        return Reply(status: Int(response.status.code), headers: response.headers, json: (try? JSON(parsing: text)) ?? .null, text: text)
    }

    func get(_ path: String, accept: String? = nil) async throws -> Reply { try await self.send(.GET, path, accept: accept) }
    func post(_ path: String, _ body: JSON) async throws -> Reply { try await self.send(.POST, path, body) }
    func put(_ path: String, _ body: JSON) async throws -> Reply { try await self.send(.PUT, path, body) }
    func patch(_ path: String, _ type: PatchType, _ body: JSON) async throws -> Reply {
        try await self.send(.PATCH, path, body, contentType: type.rawValue)
    }
    func delete(_ path: String, _ body: JSON? = nil) async throws -> Reply { try await self.send(.DELETE, path, body) }

    /// Opens a watch and hands its events to `body` until it returns; the watch must end (timeoutSeconds, server
    /// stop) or `body` stop reading.
    func watch<T>(_ path: String, _ body: (inout WatchReader) async throws -> T) async throws -> T {
        var request = HTTPClientRequest(url: self.base + path)
        request.method = .GET
        let response = try await self.client.execute(request, timeout: .seconds(60))
        precondition(response.status == .ok, "watch \(path): \(response.status)")
        var reader = WatchReader(iterator: response.body.makeAsyncIterator(), contentType: response.headers.first(name: "Content-Type"))
        return try await body(&reader)
    }
}

/// Reads a watch stream: one JSON object per line (the framing is checked: every chunk boundary falls anywhere,
/// every event ends with a newline).
struct WatchReader {
    var iterator: HTTPClientResponse.Body.AsyncIterator
    var contentType: String?
    var buffer: [UInt8] = []
    var ended = false

    /// The next event, or nil when the stream ended.
    mutating func next() async throws -> WatchEvent? {
        while true {
            if let newline = self.buffer.firstIndex(of: 0x0A) {
                let line = Array(self.buffer[..<newline])
                self.buffer.removeSubrange(...newline)
                let json = try JSON(parsing: line)
                guard let type = json["type"].string.flatMap(WatchEventType.init(rawValue:)) else {
                    throw WatchProtocolError(line: String(decoding: line, as: UTF8.self))
                }
                return WatchEvent(type: type, object: json["object"])
            }
            guard let chunk = try await self.iterator.next() else {
                if !self.buffer.isEmpty { throw WatchProtocolError(line: String(decoding: self.buffer, as: UTF8.self)) }
                self.ended = true
                return nil
            }
            self.buffer += Array(buffer: chunk)
        }
    }

    /// The next `count` events.
    mutating func next(_ count: Int) async throws -> [WatchEvent] {
        var events: [WatchEvent] = []
        while events.count < count, let event = try await self.next() { events.append(event) }
        return events
    }
}

struct WatchProtocolError: Error { var line: String }

extension WatchEvent {
    /// `ADDED web` (type and object name), for compact expectations.
    var summary: String { "\(self.type.rawValue) \(self.object.name)" }
}

func pod(_ name: String, namespace: String = "default", node: String? = "node-1", labels: [String: String] = [:]) -> JSON {
    var pod: JSON = [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": ["name": .string(name), "namespace": .string(namespace)],
        "spec": ["containers": [["name": "app", "image": "busybox:1.36"]]],
    ]
    if let node { pod["spec"]["nodeName"] = .string(node) }
    if !labels.isEmpty { pod["metadata"]["labels"] = .object(labels.mapValues(JSON.string)) }
    return pod
}
