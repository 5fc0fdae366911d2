import AgentTestKit
import AsyncHTTPClient
import Foundation
import KubeAPI
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import KubeClient

/// Scripted answers to lists and watches, consumed in order.
final class ScriptedAPI: Sendable {
    enum Watch: Sendable {
        /// Send these lines, then close normally.
        case close([String])
        /// Send these lines, then drop the connection.
        case drop([String])
        /// Send these lines and keep the stream open.
        case open([String])
        /// Refuse the connection.
        case refuse
        /// Answer with an error status and body.
        case fail(HTTPResponseStatus, String)
    }

    private struct State {
        var lists: [String] = []
        var watches: [Watch] = []
        var openStreams: [AsyncThrowingStream<ByteBuffer, any Error>.Continuation] = []
    }

    private let state = Mutex(State())

    func list(_ body: String) { self.state.withLock { $0.lists.append(body) } }
    func watch(_ script: Watch) { self.state.withLock { $0.watches.append(script) } }

    func respond(_ request: RecordedRequest) throws -> HTTPClientResponse {
        if request.query["watch"] == "1" {
            let script = self.state.withLock { $0.watches.isEmpty ? Watch.open([]) : $0.watches.removeFirst() }
            let (response, continuation) = HTTPClientResponse.streaming()
            switch script {
            case .close(let lines):
                for line in lines { continuation.yield(ByteBuffer(string: line + "\n")) }
                continuation.finish()
            case .drop(let lines):
                for line in lines { continuation.yield(ByteBuffer(string: line + "\n")) }
                continuation.finish(throwing: POSIXError(.ECONNRESET))
            case .open(let lines):
                for line in lines { continuation.yield(ByteBuffer(string: line + "\n")) }
                self.state.withLock { $0.openStreams.append(continuation) }
            case .refuse:
                throw POSIXError(.ECONNREFUSED)
            case .fail(let status, let body):
                return .json(body, status: status)
            }
            return response
        }
        guard let body = self.state.withLock({ $0.lists.isEmpty ? nil : $0.lists.removeFirst() }) else {
            throw POSIXError(.ECONNREFUSED)
        }
        return .json(body)
    }
}

func podList(_ resourceVersion: String, _ pods: [(String, String)]) -> String {
    #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"},"items":["#
        + pods.map { podJSON($0.0, resourceVersion: $0.1) }.joined(separator: ",") + "]}"
}

func event(_ type: String, _ name: String, _ resourceVersion: String) -> String {
    #"{"type":"\#(type)","object":\#(podJSON(name, resourceVersion: resourceVersion))}"#
}

func bookmark(_ resourceVersion: String) -> String {
    #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"}}}"#
}

let expiredEvent =
    #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 10 (30)","reason":"Expired","code":410}}"#
let goneBody =
    #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 15 (30)","reason":"Expired","code":410}"#

/// Describes an update compactly: `snapshot 10 [a,b]`, `added b 11`.
func describe(_ update: ListWatchUpdate<Pod>?) -> String {
    switch update {
    case .snapshot(let pods, let version)?: "snapshot \(version) [\(pods.map(\.metadata.name).joined(separator: ","))]"
    case .added(let pod)?: "added \(pod.metadata.name) \(pod.metadata.resourceVersion ?? "")"
    case .modified(let pod)?: "modified \(pod.metadata.name) \(pod.metadata.resourceVersion ?? "")"
    case .deleted(let pod)?: "deleted \(pod.metadata.name) \(pod.metadata.resourceVersion ?? "")"
    case nil: "end"
    }
}

@Suite("ListWatcher")
struct ListWatcherTests {
    /// Runs a ListWatcher in a child task; `body` reads its updates and drives the clock.
    func run(
        _ api: ScriptedAPI,
        _ body: (inout AsyncStream<ListWatchUpdate<Pod>>.Iterator, ManualClock, ScriptedTransport) async throws -> Void
    ) async throws {
        let (client, transport) = try scriptedClient { request in try api.respond(request) }
        let clock = ManualClock()
        let watcher = ListWatcher(
            client: client, of: Pod.self,
            options: .init(namespace: "default", fieldSelector: "spec.nodeName=n1", jitter: 0),
            clock: clock
        )
        let (updates, continuation) = AsyncStream<ListWatchUpdate<Pod>>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await update in watcher { continuation.yield(update) }
                continuation.finish()
            }
            var iterator = updates.makeAsyncIterator()
            try await body(&iterator, clock, transport)
            group.cancelAll()
        }
    }

    func watchVersions(_ transport: ScriptedTransport) -> [String] {
        transport.requests.filter { $0.query["watch"] == "1" }.map { $0.query["resourceVersion"] ?? "-" }
    }

    @Test("lists, watches from the list's version, resumes from the last event or bookmark after a drop")
    func resume() async throws {
        let api = ScriptedAPI()
        api.list(podList("10", [("a", "5")]))
        api.watch(.drop([event("ADDED", "b", "11"), bookmark("15")]))
        api.watch(.close([event("MODIFIED", "b", "16")]))
        api.watch(.open([event("DELETED", "a", "17")]))
        try await self.run(api) { updates, clock, transport in
            #expect(describe(await updates.next()) == "snapshot 10 [a]")
            #expect(describe(await updates.next()) == "added b 11")
            // The drop: one back-off sleep, then a watch from the bookmark's version.
            _ = try await poll("the back-off sleep") { clock.sleeperCount == 1 ? true : nil }
            #expect(clock.requestedSleeps == [.milliseconds(800)])
            clock.advance(by: .milliseconds(800))
            #expect(describe(await updates.next()) == "modified b 16")
            // A normal end after events re-watches at once, from the last event's version.
            #expect(describe(await updates.next()) == "deleted a 17")
            #expect(clock.requestedSleeps == [.milliseconds(800)])
            #expect(self.watchVersions(transport) == ["10", "15", "16"])
            let first = try #require(transport.requests.first { $0.query["watch"] == "1" })
            #expect(first.query["allowWatchBookmarks"] == "true")
            #expect(first.query["fieldSelector"] == "spec.nodeName=n1")
            let timeout = try #require(Int(first.query["timeoutSeconds"] ?? ""))
            #expect((300..<600).contains(timeout))
            #expect(transport.requests.filter { $0.query["watch"] == nil }.count == 1)
        }
    }

    @Test("HTTP 410 on the watch relists at once and delivers a replacement snapshot")
    func relistOnGone() async throws {
        let api = ScriptedAPI()
        api.list(podList("10", [("a", "5"), ("b", "6")]))
        api.watch(.drop([bookmark("15")]))
        api.watch(.fail(.gone, goneBody))
        api.list(podList("30", [("b", "6"), ("c", "25")]))
        api.watch(.open([event("ADDED", "d", "31")]))
        try await self.run(api) { updates, clock, transport in
            #expect(describe(await updates.next()) == "snapshot 10 [a,b]")
            _ = try await poll("the back-off sleep") { clock.sleeperCount == 1 ? true : nil }
            clock.advance(by: .milliseconds(800))
            #expect(describe(await updates.next()) == "snapshot 30 [b,c]")
            #expect(describe(await updates.next()) == "added d 31")
            #expect(self.watchVersions(transport) == ["10", "15", "30"])
            #expect(clock.requestedSleeps == [.milliseconds(800)])
        }
    }

    @Test("a 410 before any progress since the list waits for the back-off before relisting")
    func goneWithoutProgress() async throws {
        let api = ScriptedAPI()
        api.list(podList("10", [("a", "5")]))
        api.watch(.fail(.gone, goneBody))
        api.list(podList("20", [("a", "5")]))
        api.watch(.open([]))
        try await self.run(api) { updates, clock, transport in
            #expect(describe(await updates.next()) == "snapshot 10 [a]")
            _ = try await poll("the back-off before the relist") { clock.sleeperCount == 1 ? true : nil }
            #expect(transport.requests.filter { $0.query["watch"] == nil }.count == 1)
            clock.advance(by: .milliseconds(800))
            #expect(describe(await updates.next()) == "snapshot 20 [a]")
        }
    }

    @Test("an ERROR event with code 410 relists")
    func relistOnErrorEvent() async throws {
        let api = ScriptedAPI()
        api.list(podList("10", [("a", "5")]))
        api.watch(.open([event("ADDED", "b", "11"), expiredEvent]))
        api.list(podList("30", [("b", "11")]))
        api.watch(.open([]))
        try await self.run(api) { updates, clock, transport in
            #expect(describe(await updates.next()) == "snapshot 10 [a]")
            #expect(describe(await updates.next()) == "added b 11")
            #expect(describe(await updates.next()) == "snapshot 30 [b]")
            _ = try await poll("the watch from the new list") { self.watchVersions(transport).count == 2 ? true : nil }
            #expect(self.watchVersions(transport) == ["10", "30"])
            #expect(clock.requestedSleeps.isEmpty)
        }
    }

    @Test("back-off doubles per consecutive failure up to the cap and resets after a delivered event")
    func backoff() async throws {
        let api = ScriptedAPI()
        api.list(podList("10", []))
        for _ in 0..<7 { api.watch(.refuse) }
        api.watch(.drop([event("ADDED", "a", "11")]))
        api.watch(.refuse)
        api.watch(.open([event("ADDED", "b", "12")]))
        try await self.run(api) { updates, clock, transport in
            #expect(describe(await updates.next()) == "snapshot 10 []")
            var expected: [Duration] = []
            for delay in [800, 1600, 3200, 6400, 12800, 25600, 30000] {
                _ = try await poll("sleep \(delay) ms") { clock.sleeperCount == 1 ? true : nil }
                expected.append(.milliseconds(delay))
                #expect(clock.requestedSleeps == expected)
                clock.advance(by: .milliseconds(delay))
            }
            #expect(describe(await updates.next()) == "added a 11")
            // The event reset the back-off: the drop and the refusal after it wait 800 ms, then 1.6 s.
            _ = try await poll("sleep after the drop") { clock.sleeperCount == 1 ? true : nil }
            #expect(clock.requestedSleeps.last == .milliseconds(800))
            clock.advance(by: .milliseconds(800))
            _ = try await poll("sleep after the refusal") { clock.requestedSleeps.count == 9 ? true : nil }
            #expect(clock.requestedSleeps.last == .milliseconds(1600))
            clock.advance(by: .milliseconds(1600))
            #expect(describe(await updates.next()) == "added b 12")
            #expect(Set(self.watchVersions(transport)) == ["10", "11"])
        }
    }

    @Test("a failed list is retried after the back-off")
    func listRetry() async throws {
        let api = ScriptedAPI()
        // No list answer queued: the first list is refused.
        try await self.run(api) { updates, clock, transport in
            _ = try await poll("the back-off after the failed list") { clock.sleeperCount == 1 ? true : nil }
            #expect(clock.requestedSleeps == [.milliseconds(800)])
            api.list(podList("3", [("a", "1")]))
            clock.advance(by: .milliseconds(800))
            #expect(describe(await updates.next()) == "snapshot 3 [a]")
            #expect(transport.requests.filter { $0.query["watch"] == nil }.count == 2)
        }
    }
}
