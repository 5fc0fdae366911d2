public import Foundation

/// An HTTP request as the server received it; also the entry of the request log tests assert on.
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    /// The path without the query, e.g. `/api/v1/namespaces/default/pods/web/status`.
    public var path: String
    /// The raw query string (without `?`), e.g. `watch=1&resourceVersion=12`.
    public var rawQuery: String
    /// The decoded query items in order.
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// When the server received the request.
    public var date: Date

    public init(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8], date: Date = Date()) {
        self.method = method
        if let mark = uri.firstIndex(of: "?") {
            self.path = String(uri[..<mark])
            self.rawQuery = String(uri[uri.index(after: mark)...])
        } else {
            self.path = uri
            self.rawQuery = ""
        }
        self.query = Self.parseQuery(self.rawQuery)
        self.headers = headers
        self.body = body
        self.date = date
    }

    /// The first query value called `name`.
    public func queryValue(_ name: String) -> String? { self.query.first { $0.name == name }?.value }

    /// The first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The `Content-Type` header, or empty.
    public var contentType: String { self.header("Content-Type") ?? "" }

    /// The body as text.
    public var bodyText: String { String(decoding: self.body, as: UTF8.self) }

    /// The body as JSON (nil when empty or not JSON).
    public var bodyJSON: JSON? { self.body.isEmpty ? nil : try? JSON(parsing: self.body) }

    /// Whether this is a watch (`watch=1` or `watch=true`).
    public var isWatch: Bool { ["1", "true"].contains(self.queryValue("watch")?.lowercased() ?? "") }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.rawQuery == rhs.rawQuery && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name):\($0.value)" } == rhs.headers.map { "\($0.name):\($0.value)" }
    }

    /// Splits and decodes a query string as Go's `url.ParseQuery` does (`+` is a space).
    static func parseQuery(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode: (Substring) -> String = { text in
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (name: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// A response of the fake server, independent of the transport.
struct APIReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static func json(_ status: Int, _ value: JSON) -> APIReply {
        APIReply(status: status, headers: [("Content-Type", "application/json")], body: value.serializedBytes() + [0x0A])
    }

    static func error(_ error: APIStatusError) -> APIReply {
        var reply = self.json(error.code, error.status)
        if error.code == 429 { reply.headers.append(("Retry-After", "1")) }
        return reply
    }
}

/// What the router decided for a request.
enum RouteOutcome: Sendable {
    case reply(APIReply)
    /// A watch: the stream starts after the `200` head; `timeout` ends it.
    case watch(WatchRequest, timeout: Duration?)
}
