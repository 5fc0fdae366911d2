import Foundation

/// The query of `GET /containerLogs/{ns}/{pod}/{container}`: upstream's `v1.PodLogOptions` as the kubelet decodes
/// it (a bool is true unless `0` or `false`; `tail` is the old name of `tailLines`, `tail=all` meaning no limit).
public struct ContainerLogOptions: Sendable, Equatable {
    public var follow = false
    public var previous = false
    public var timestamps = false
    public var tailLines: Int64?
    public var limitBytes: Int64?
    public var sinceSeconds: Int64?
    public var sinceTime: LogTimestamp?

    public init() {}

    /// Why a query was refused: the status and upstream's body.
    public struct Rejection: Error, Equatable {
        public var status: Int
        public var message: String
        public init(status: Int, message: String) {
            self.status = status
            self.message = message
        }
    }

    /// Decodes and validates a query (`a=b&c`, percent-encoded).
    /// - Throws: ``Rejection`` 400 `{"message": "Unable to decode query."}` for an unparsable value, 422
    ///   `{"message": "Invalid request."}` when ValidatePodLogOptions would refuse it.
    public init(query: [(name: String, value: String)]) throws(Rejection) {
        var values: [String: String] = [:]
        for (name, value) in query where values[name] == nil { values[name] = value }
        if let tail = values["tail"], !tail.isEmpty {
            values["tailLines"] = tail == "all" ? nil : tail
        }
        let undecodable = Rejection(status: 400, message: #"{"message": "Unable to decode query."}"#)
        func flag(_ name: String) -> Bool {
            guard let value = values[name] else { return false }
            return !(value == "0" || value.lowercased() == "false")
        }
        func integer(_ name: String) throws(Rejection) -> Int64? {
            guard let value = values[name] else { return nil }
            guard let number = Int64(value) else { throw undecodable }
            return number
        }
        self.follow = flag("follow")
        self.previous = flag("previous")
        self.timestamps = flag("timestamps")
        self.tailLines = try integer("tailLines")
        self.limitBytes = try integer("limitBytes")
        self.sinceSeconds = try integer("sinceSeconds")
        if let text = values["sinceTime"], !text.isEmpty {
            guard let time = LogTimestamp(parsing: text) else { throw undecodable }
            // metav1.Time carries seconds only.
            let seconds =
                time.nanosecondsSinceEpoch / 1_000_000_000 - (time.nanosecondsSinceEpoch % 1_000_000_000 < 0 ? 1 : 0)
            self.sinceTime = LogTimestamp(secondsSinceEpoch: seconds)
        }
        let invalid = Rejection(status: 422, message: #"{"message": "Invalid request."}"#)
        if let tail = self.tailLines, tail < 0 { throw invalid }
        if let limit = self.limitBytes, limit < 1 { throw invalid }
        if let since = self.sinceSeconds, since < 1 { throw invalid }
        if self.sinceSeconds != nil && self.sinceTime != nil { throw invalid }
    }

    /// The earliest record shown, as upstream's `NewLogOptions`: `now - sinceSeconds`, or `sinceTime` when later.
    public func since(now: LogTimestamp) -> LogTimestamp? {
        var since = self.sinceSeconds.map {
            LogTimestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch - $0 * 1_000_000_000)
        }
        if let time = self.sinceTime, since.map({ time > $0 }) ?? true { since = time }
        return since
    }

    /// Splits a request target into its path and percent-decoded query items.
    static func split(_ uri: String) -> (path: String, query: [(name: String, value: String)]) {
        guard let mark = uri.firstIndex(of: "?") else { return (Self.decode(uri), []) }
        let query = uri[uri.index(after: mark)...].split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                name: Self.decode(String(parts[0])),
                value: parts.count > 1 ? Self.decode(String(parts[1]).replacingOccurrences(of: "+", with: " ")) : ""
            )
        }
        return (Self.decode(String(uri[..<mark])), query)
    }

    static func decode(_ text: String) -> String { text.removingPercentEncoding ?? text }
}
