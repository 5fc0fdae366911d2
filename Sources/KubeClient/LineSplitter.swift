public import NIOCore

/// Splits a byte stream into newline-terminated lines, the framing of a watch stream (one JSON object per line).
/// A line may arrive split across chunks, and one chunk may hold several lines; blank lines are skipped.
///
/// ```swift
/// var splitter = LineSplitter()
/// splitter.append(chunk)
/// while let line = try splitter.nextLine() { handle(line) }
/// let last = splitter.finish()  // an unterminated last line, if any
/// ```
public struct LineSplitter: Sendable {
    private var buffer: ByteBuffer
    private var scanned = 0
    /// The longest line accepted; a longer one throws (a stream that never sends a newline must not grow without
    /// bound).
    public let maximumLineLength: Int

    /// Creates an empty splitter.
    /// - Parameter maximumLineLength: default 64 MiB.
    public init(maximumLineLength: Int = 64 << 20) {
        self.buffer = ByteBuffer()
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk of the stream.
    public mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        self.buffer.writeBuffer(&chunk)
    }

    /// The next complete line without its `\n` (and `\r`), or nil when no complete line is buffered.
    /// - Throws: ``LineTooLong`` when the buffered line exceeds ``maximumLineLength``.
    public mutating func nextLine() throws(LineTooLong) -> [UInt8]? {
        while true {
            let view = self.buffer.readableBytesView
            let searchStart = view.index(view.startIndex, offsetBy: self.scanned)
            guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                self.scanned = view.count
                if view.count > self.maximumLineLength { throw LineTooLong(limit: self.maximumLineLength) }
                return nil
            }
            let length = newline - view.startIndex
            var line = self.buffer.readBytes(length: length) ?? []
            self.buffer.moveReaderIndex(forwardBy: 1)
            self.scanned = 0
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if self.buffer.readerIndex > 1 << 20 { self.buffer.discardReadBytes() }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            return line
        }
    }

    /// Ends the stream: the unterminated rest, if it is not blank.
    public mutating func finish() -> [UInt8]? {
        let rest = self.buffer.readBytes(length: self.buffer.readableBytes) ?? []
        self.scanned = 0
        let trimmed = rest.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
        return trimmed.isEmpty ? nil : rest
    }

    /// Bytes buffered that are not yet a complete line.
    public var pendingBytes: Int { self.buffer.readableBytes }
}

/// A watch stream sent a line longer than the splitter accepts.
public struct LineTooLong: Error, Sendable, CustomStringConvertible {
    /// The limit in bytes.
    public var limit: Int
    public var description: String { "watch stream line longer than \(self.limit) bytes" }
}
