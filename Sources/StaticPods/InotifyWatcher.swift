import Foundation
import Glibc
import Synchronization

/// Linux inotify on one directory, read on a dedicated thread (a blocking `poll(2)` must not occupy a Swift
/// concurrency thread). Each batch of events becomes one element of ``events``; ``stop()`` wakes the thread through
/// a pipe, and the thread closes the descriptors and finishes the stream.
final class InotifyWatcher: Sendable {
    static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_MODIFY)
        | UInt32(IN_DELETE_SELF | IN_MOVE_SELF)

    private let inotifyFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let state = Mutex(State())
    let events: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    private struct State {
        var started = false
        var stopped = false
    }

    /// Opens an inotify instance.
    /// - Throws: the errno text when inotify is unavailable.
    init() throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw InotifyError(message: "inotify_init1: " + String(cString: strerror(errno))) }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw InotifyError(message: "pipe: " + String(cString: strerror(errno)))
        }
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        self.inotifyFD = fd
        self.wakeRead = pipeFDs[0]
        self.wakeWrite = pipeFDs[1]
        (self.events, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Watches `path` (idempotent; a recreated directory gets a new watch). Returns false when the path is missing.
    @discardableResult
    func watch(_ path: String) -> Bool {
        inotify_add_watch(self.inotifyFD, path, Self.mask) >= 0
    }

    /// Starts the reading thread.
    func start() {
        let shouldStart = self.state.withLock { state in
            defer { state.started = true }
            return !state.started && !state.stopped
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "inotify"
        thread.start()
    }

    /// Stops the thread (or, if it never started, closes the descriptors) and finishes ``events``.
    func stop() {
        let (wasStarted, alreadyStopped) = self.state.withLock { state in
            defer { state.stopped = true }
            return (state.started, state.stopped)
        }
        guard !alreadyStopped else { return }
        if wasStarted {
            var byte: UInt8 = 1
            _ = write(self.wakeWrite, &byte, 1)
            close(self.wakeWrite)
        } else {
            close(self.inotifyFD)
            close(self.wakeRead)
            close(self.wakeWrite)
            self.continuation.finish()
        }
    }

    private func readLoop() {
        defer {
            close(self.inotifyFD)
            close(self.wakeRead)
            self.continuation.finish()
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [
                pollfd(fd: self.inotifyFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: self.wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let count = buffer.withUnsafeMutableBytes { read(self.inotifyFD, $0.baseAddress, $0.count) }
                if count < 0 && errno != EINTR && errno != EAGAIN { return }
                if count <= 0 || Self.worthARescan(buffer.prefix(count)) {
                    self.continuation.yield()
                }
            } else if fds[0].revents != 0 {
                return
            }
        }
    }
}

extension InotifyWatcher {
    /// Whether a batch of `inotify_event`s holds more than `IN_MODIFY`: a file still being written is read when it is
    /// closed (`IN_CLOSE_WRITE`), not half-way, so an in-place edit never shows a truncated manifest.
    static func worthARescan(_ bytes: ArraySlice<UInt8>) -> Bool {
        let headerSize = 16  // wd, mask, cookie, len: four 32-bit fields
        var offset = bytes.startIndex
        while offset + headerSize <= bytes.endIndex {
            func field(_ index: Int) -> UInt32 {
                (0..<4).reduce(UInt32(0)) { value, byte in
                    value | UInt32(bytes[offset + index * 4 + byte]) << (8 * UInt32(byte))
                }
            }
            let mask = field(1)
            if mask & ~UInt32(IN_MODIFY) != 0 { return true }
            offset += headerSize + Int(field(3))
        }
        return false
    }
}

/// inotify could not be set up.
struct InotifyError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
