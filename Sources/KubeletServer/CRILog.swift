/// One line of a CRI log file: `<RFC3339Nano timestamp> <stdout|stderr> <P|F>[:more tags] <content>`, as
/// containerd writes it and upstream's `parseCRILog` (pkg/kubelet/kuberuntime/logs) reads it.
public struct CRILogRecord: Sendable, Equatable {
    public enum Stream: String, Sendable {
        case stdout, stderr
    }

    public var timestamp: LogTimestamp
    public var stream: Stream
    /// `P`: the runtime split a long line; the next record continues it.
    public var partial: Bool
    /// The content; a full line keeps the file's trailing newline, a partial one has none.
    public var content: [UInt8]

    public init(timestamp: LogTimestamp, stream: Stream, partial: Bool, content: [UInt8]) {
        self.timestamp = timestamp
        self.stream = stream
        self.partial = partial
        self.content = content
    }

    /// Parses one file line (with or without its newline).
    /// - Throws: ``CRILogParseError`` naming the missing or malformed part.
    public init(parsing line: ArraySlice<UInt8>) throws(CRILogParseError) {
        var rest = line
        func field(_ name: String) throws(CRILogParseError) -> ArraySlice<UInt8> {
            guard let space = rest.firstIndex(of: 0x20) else { throw CRILogParseError("\(name) is not found") }
            let value = rest[rest.startIndex..<space]
            rest = rest[(space + 1)...]
            return value
        }
        let stamp = try field("timestamp")
        guard let timestamp = LogTimestamp(parsing: String(decoding: stamp, as: UTF8.self)) else {
            throw CRILogParseError("unexpected timestamp format \(String(decoding: stamp, as: UTF8.self))")
        }
        let streamName = String(decoding: try field("stream type"), as: UTF8.self)
        guard let stream = Stream(rawValue: streamName) else {
            throw CRILogParseError("unexpected stream type \"\(streamName)\"")
        }
        let tags = try field("log tag")
        // Forward compatible: only the first `:`-separated tag matters.
        let partial = tags.split(separator: 0x3A, omittingEmptySubsequences: false).first.map(Array.init) == [0x50]
        if partial, rest.last == 0x0A { rest = rest.dropLast() }
        self.init(timestamp: timestamp, stream: stream, partial: partial, content: Array(rest))
    }
}

/// A CRI log line could not be parsed (upstream logs and skips such lines).
public struct CRILogParseError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Renders parsed records as `kubectl logs` shows them, as upstream's `logWriter`: records older than `since` are
/// skipped, `timestamps` prefixes each output line (not the continuations of a partial record) with the
/// fixed-width RFC3339Nano time, and `limitBytes` cuts the output and ends it.
public struct CRILogRenderer: Sendable {
    public var timestamps: Bool
    public var since: LogTimestamp?
    /// Bytes still allowed; nil: no limit.
    public private(set) var remaining: Int?
    private var atLineStart = true

    public init(timestamps: Bool = false, since: LogTimestamp? = nil, limitBytes: Int? = nil) {
        self.timestamps = timestamps
        self.since = since
        self.remaining = limitBytes
    }

    /// True once `limitBytes` is used up: nothing more is written.
    public var isExhausted: Bool { (self.remaining ?? 1) <= 0 }

    /// The bytes to send for one record (possibly empty).
    public mutating func render(_ record: CRILogRecord) -> [UInt8] {
        if self.isExhausted { return [] }
        if let since = self.since, record.timestamp < since { return [] }
        var line: [UInt8] = []
        if self.timestamps && self.atLineStart {
            line = Array(record.timestamp.formatted.utf8) + [0x20]
        }
        line += record.content
        self.atLineStart = record.content.last.map { $0 == 0x0A } ?? true
        if let remaining = self.remaining {
            if line.count > remaining { line = Array(line.prefix(remaining)) }
            self.remaining = remaining - line.count
        }
        return line
    }

    /// Renders every complete line of `data` (a CRI log file's bytes); a last line without newline is rendered
    /// too when `includeIncomplete` (upstream does so when not following). Returns the output and the index after
    /// the last line consumed (where a follower resumes).
    public mutating func render(
        file data: ArraySlice<UInt8>, includeIncomplete: Bool
    ) -> (output: [UInt8], consumed: Int) {
        var output: [UInt8] = []
        var start = data.startIndex
        while start < data.endIndex, !self.isExhausted {
            let newline = data[start...].firstIndex(of: 0x0A)
            guard newline != nil || includeIncomplete else { break }
            let end = newline.map { $0 + 1 } ?? data.endIndex
            if let record = try? CRILogRecord(parsing: data[start..<end]) {
                output += self.render(record)
            }
            start = end
        }
        return (output, start)
    }

    /// The index where the last `lines` lines of `data` start (upstream's `tail.FindTailLineStartIndex`: a
    /// trailing newline does not start an empty line).
    public static func tailStart(of data: ArraySlice<UInt8>, lines: Int) -> Int {
        guard lines > 0 else { return data.endIndex }
        var index = data.endIndex
        if index > data.startIndex, data[index - 1] == 0x0A { index -= 1 }
        var found = 0
        while index > data.startIndex {
            if data[index - 1] == 0x0A {
                found += 1
                if found == lines { return index }
            }
            index -= 1
        }
        return data.startIndex
    }
}
