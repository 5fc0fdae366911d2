public import AsyncHTTPClient
import Foundation
public import KubeAPI
import NIOCore
import NIOHTTP1

extension KubeAPIClient {
    /// Opens a watch (`watch=1&allowWatchBookmarks=true&resourceVersion=RV&timeoutSeconds=N`) and returns its
    /// events as they arrive. The request takes one rate-limiter token; the stream itself is not limited.
    ///
    /// - Parameters:
    ///   - type: the kind.
    ///   - namespace: nil watches every namespace.
    ///   - fieldSelector: e.g. `spec.nodeName=worker-1`.
    ///   - labelSelector: e.g. `app=web`.
    ///   - resourceVersion: watch changes after this version (from a list, the last event or a bookmark); nil or
    ///     `"0"` starts with synthetic ADDED events for what exists.
    ///   - timeoutSeconds: the server ends the watch after this long (the stream then finishes normally).
    ///   - allowBookmarks: ask for BOOKMARK events (default true).
    /// - Returns: a single-use sequence of ``WatchEvent``s; it finishes when the server closes the stream and
    ///   throws ``KubeAPIError`` when the connection drops or a line does not decode.
    /// - Throws: ``KubeAPIError`` when the watch cannot be opened (`isGone`: the version is too old, relist).
    public func watch<T: KubeResource>(
        _ type: T.Type,
        namespace: String? = nil,
        fieldSelector: String? = nil,
        labelSelector: String? = nil,
        resourceVersion: String? = nil,
        timeoutSeconds: Int? = nil,
        allowBookmarks: Bool = true
    ) async throws -> WatchStream<T> {
        var query: [(String, String)] = [("watch", "1")]
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        let request = Request(method: .GET, path: T.resource.path(namespace: namespace), query: query)
        let response = try await self.open(request)
        return WatchStream(body: response.body, request: request.describe(server: self.configuration.server))
    }
}

/// The events of one watch request, decoded line by line as the body arrives. Iterate it once.
public struct WatchStream<Object: KubeResource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>

    let body: HTTPClientResponse.Body
    /// The request, for messages: `GET https://host/api/v1/pods?watch=1&...`.
    public let request: String

    /// Wraps a response body (tests build one from scripted chunks).
    public init(body: HTTPClientResponse.Body, request: String) {
        self.body = body
        self.request = request
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.body.makeAsyncIterator(), request: self.request)
    }

    /// Reads chunks, splits lines, decodes events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: HTTPClientResponse.Body.AsyncIterator
        let request: String
        var splitter = LineSplitter()
        var finished = false
        let decoder = KubeJSON.decoder()

        init(base: HTTPClientResponse.Body.AsyncIterator, request: String) {
            self.base = base
            self.request = request
        }

        /// The next event; nil when the server ended the watch.
        /// - Throws: ``KubeAPIError`` (`transport` when the connection dropped, `decoding` for a bad line).
        public mutating func next() async throws -> WatchEvent<Object>? {
            while true {
                let line: [UInt8]?
                do {
                    line = try self.splitter.nextLine()
                } catch {
                    throw KubeAPIError(code: .decoding, request: self.request, message: "\(error)", cause: error)
                }
                if let line { return try self.decode(line) }
                if self.finished { return nil }
                let chunk: ByteBuffer?
                do {
                    chunk = try await self.base.next()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    self.finished = true
                    throw KubeAPIError(
                        code: .transport, request: self.request, message: "watch stream broken: \(error)", cause: error
                    )
                }
                guard let chunk else {
                    self.finished = true
                    if let rest = self.splitter.finish() { return try self.decode(rest) }
                    return nil
                }
                self.splitter.append(chunk)
            }
        }

        private func decode(_ line: [UInt8]) throws -> WatchEvent<Object> {
            do {
                return try self.decoder.decode(WatchEvent<Object>.self, from: Data(line))
            } catch {
                let text = String(decoding: line.prefix(200), as: UTF8.self)
                throw KubeAPIError.decoding(error, request: self.request, what: "watch event \(text)")
            }
        }
    }
}
