public import Foundation

/// Streams one container instance's CRI log file as `kubectl logs` shows it: the last `tailLines` lines (all by
/// default), filtered by `since`, cut at `limitBytes`; with `follow`, keeps reading what is appended (polling the
/// file) until the instance stops running, the client goes away or the limit is reached.
public struct ContainerLogStream: Sendable {
    public var target: ContainerLogTarget
    public var options: ContainerLogOptions
    /// The earliest record shown (from `sinceSeconds` / `sinceTime`).
    public var since: LogTimestamp?
    /// Whether the instance still runs (asked while following, when the file has nothing new).
    public var stillRunning: @Sendable () -> Bool
    /// How often a follower looks for new lines.
    public var pollInterval: Duration

    public init(
        target: ContainerLogTarget, options: ContainerLogOptions, since: LogTimestamp?,
        pollInterval: Duration = .milliseconds(200), stillRunning: @escaping @Sendable () -> Bool
    ) {
        self.target = target
        self.options = options
        self.since = since
        self.pollInterval = pollInterval
        self.stillRunning = stillRunning
    }

    /// Opens the log file; done before the response head is sent, so a missing file is still an error status.
    /// - Throws: ``ContainerLogError`` `failed to open log file "<path>": <reason>`.
    public func open() throws(ContainerLogError) -> FileHandle {
        guard let handle = FileHandle(forReadingAtPath: self.target.path) else {
            let reason =
                FileManager.default.fileExists(atPath: self.target.path)
                ? "permission denied" : "no such file or directory"
            throw ContainerLogError("failed to open log file \"\(self.target.path)\": \(reason)")
        }
        return handle
    }

    /// Writes the log through `write` until done.
    /// - Parameters:
    ///   - handle: from ``open()``; closed when done.
    ///   - isOpen: whether the client is still connected (checked while following).
    ///   - write: sends bytes; a thrown error (client gone) ends the stream.
    public func run(
        handle: FileHandle,
        isOpen: @Sendable () -> Bool = { true },
        write: (_ bytes: [UInt8]) async throws -> Void
    ) async throws {
        defer { try? handle.close() }
        var renderer = CRILogRenderer(
            timestamps: self.options.timestamps, since: self.since,
            limitBytes: self.options.limitBytes.map { Int(clamping: $0) }
        )
        let initial = Array(try handle.readToEnd() ?? Data())
        var start = 0
        if let tail = self.options.tailLines {
            start = CRILogRenderer.tailStart(of: initial[...], lines: Int(clamping: tail))
        }
        let first = renderer.render(file: initial[start...], includeIncomplete: !self.options.follow)
        if !first.output.isEmpty { try await write(first.output) }
        guard self.options.follow, !renderer.isExhausted else { return }
        var offset = UInt64(first.consumed)
        var pending: [UInt8] = Array(initial[first.consumed...])
        while isOpen() {
            let size = (try? FileManager.default.attributesOfItem(atPath: self.target.path)[.size] as? UInt64) ?? nil
            if let size, size < offset + UInt64(pending.count) {
                // Truncated or replaced: read it again from the start.
                offset = 0
                pending = []
                try handle.seek(toOffset: 0)
            }
            let more = Array(try handle.readToEnd() ?? Data())
            if more.isEmpty {
                if !self.stillRunning() {
                    // The instance is gone: what it wrote last, even without a newline, is shown.
                    let rest = renderer.render(file: pending[...], includeIncomplete: true)
                    if !rest.output.isEmpty { try await write(rest.output) }
                    return
                }
                try await Task.sleep(for: self.pollInterval)
                continue
            }
            pending += more
            let rendered = renderer.render(file: pending[...], includeIncomplete: false)
            offset += UInt64(rendered.consumed)
            pending = Array(pending[rendered.consumed...])
            if !rendered.output.isEmpty { try await write(rendered.output) }
            if renderer.isExhausted { return }
        }
    }
}
