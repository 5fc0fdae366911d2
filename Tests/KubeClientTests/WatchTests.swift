import AsyncHTTPClient
import Foundation
import KubeAPI
import NIOCore
import NIOHTTP1
import Testing

@testable import KubeClient

@Suite("Watch streams")
struct WatchTests {
    @Test("lines split across chunks, several lines per chunk, CRLF, blank lines, an unterminated last line")
    func splitter() throws {
        var splitter = LineSplitter()
        splitter.append(ByteBuffer(string: "{\"a\":"))
        #expect(try splitter.nextLine() == nil)
        splitter.append(ByteBuffer(string: "1}\n{\"b\":2}\r\n\n  \n{\"c\""))
        #expect(try splitter.nextLine() == Array("{\"a\":1}".utf8))
        #expect(try splitter.nextLine() == Array("{\"b\":2}".utf8))
        #expect(try splitter.nextLine() == nil)
        splitter.append(ByteBuffer(string: ":3}"))
        #expect(try splitter.nextLine() == nil)
        #expect(splitter.finish() == Array("{\"c\":3}".utf8))
        #expect(splitter.finish() == nil)
    }

    @Test("a line over the limit throws")
    func tooLong() {
        var splitter = LineSplitter(maximumLineLength: 8)
        splitter.append(ByteBuffer(string: "0123456789"))
        #expect(throws: LineTooLong.self) { try splitter.nextLine() }
    }

    static let events = [
        #"{"type":"ADDED","object":\#(podJSON("a", resourceVersion: "11"))}"#,
        #"{"type":"MODIFIED","object":\#(podJSON("a", resourceVersion: "12"))}"#,
        #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"15","annotations":{"k8s.io/initial-events-end":"true"}}}}"#,
        #"{"type":"DELETED","object":\#(podJSON("a", resourceVersion: "16"))}"#,
        #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (120)","reason":"Expired","code":410}}"#,
    ]

    @Test("every chunking of the stream decodes the same events", arguments: [1, 7, 64, 4096])
    func chunkings(chunkSize: Int) async throws {
        let bytes = Array(Self.events.joined(separator: "\n").utf8) + Array("\n".utf8)
        let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map {
            ByteBuffer(bytes: bytes[$0..<min($0 + chunkSize, bytes.count)])
        }
        let (client, transport) = try scriptedClient { _ in
            HTTPClientResponse.chunked(chunks)
        }
        let stream = try await client.watch(
            Pod.self, namespace: "default", fieldSelector: "spec.nodeName=n1", resourceVersion: "10",
            timeoutSeconds: 300
        )
        var seen: [String] = []
        for try await event in stream {
            switch event {
            case .added(let pod), .modified(let pod), .deleted(let pod):
                seen.append("\(event.type) \(pod.metadata.name) \(pod.metadata.resourceVersion ?? "")")
            case .bookmark(let version): seen.append("BOOKMARK \(version)")
            case .error(let status): seen.append("ERROR \(status.code ?? 0) \(status.reason?.rawValue ?? "")")
            }
        }
        #expect(seen == ["ADDED a 11", "MODIFIED a 12", "BOOKMARK 15", "DELETED a 16", "ERROR 410 Expired"])
        let request = try #require(transport.requests.first)
        #expect(request.target == "/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true"
            + "&fieldSelector=spec.nodeName%3Dn1&resourceVersion=10&timeoutSeconds=300")
    }

    @Test("a dropped stream throws a transport error after the events before it")
    func dropped() async throws {
        let (response, continuation) = HTTPClientResponse.streaming()
        let (client, _) = try scriptedClient { _ in response }
        let stream = try await client.watch(Pod.self, resourceVersion: "1")
        continuation.yield(ByteBuffer(string: Self.events[0] + "\n" + String(Self.events[1].prefix(20))))
        continuation.finish(throwing: POSIXError(.ECONNRESET))
        var iterator = stream.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first?.object?.metadata.resourceVersion == "11")
        let error = await #expect(throws: KubeAPIError.self) { _ = try await iterator.next() }
        #expect(error?.isTransport == true)
    }

    @Test("an undecodable line names the event")
    func badLine() async throws {
        let (client, _) = try scriptedClient { _ in
            HTTPClientResponse(status: .ok, body: .bytes(ByteBuffer(string: "{\"type\":\"WHAT\",\"object\":{}}\n")))
        }
        let stream = try await client.watch(Pod.self)
        var iterator = stream.makeAsyncIterator()
        let error = await #expect(throws: KubeAPIError.self) { _ = try await iterator.next() }
        #expect(error?.code == .decoding)
        #expect(error?.message.contains("unknown watch event type \"WHAT\"") == true)
    }

    @Test("WatchEvent encodes as the API server writes it")
    func encode() throws {
        let bookmark = WatchEvent<Pod>.bookmark(resourceVersion: "15")
        let text = String(decoding: try KubeJSON.encoder(sorted: true).encode(bookmark), as: UTF8.self)
        #expect(text == #"{"object":{"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"15"}},"type":"BOOKMARK"}"#)
        let back = try KubeJSON.decoder().decode(WatchEvent<Pod>.self, from: Data(text.utf8))
        #expect(back == bookmark)
    }
}
