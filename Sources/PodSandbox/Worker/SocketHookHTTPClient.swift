#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import KubeAPI

/// The default ``HookHTTPClient``: a plain HTTP/1.1 GET over a TCP socket, enough for lifecycle hooks (which
/// read only the status code). HTTPS is not supported and fails the hook with a clear error.
public struct SocketHookHTTPClient: HookHTTPClient {
    /// A request that could not be made.
    public struct RequestError: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    public func get(
        scheme: String,
        host: String,
        port: Int,
        path: String,
        headers: [HTTPHeader],
        timeout: Duration
    ) async throws -> Int {
        guard scheme.uppercased() == "HTTP" else {
            throw RequestError(description: "scheme \(scheme) is not supported for lifecycle hooks")
        }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: kube-lifecycle/1.0\r\n"
        for header in headers where !header.value.isEmpty { request += "\(header.name): \(header.value)\r\n" }
        request += "Connection: close\r\n\r\n"
        let parts = timeout.components
        let millis = Int32(clamping: parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
        let timeoutMillis = max(millis, 1)
        let message = request
        // The socket calls block: run them on their own thread, not on the cooperative pool.
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let result = Result {
                    try Self.exchange(host: host, port: port, request: message, timeoutMillis: timeoutMillis)
                }
                continuation.resume(with: result)
            }
        }
    }

    private static func exchange(host: String, port: Int, request: String, timeoutMillis: Int32) throws -> Int {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            throw RequestError(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RequestError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
            throw RequestError(description: "dial tcp \(host):\(port): \(String(cString: strerror(errno)))")
        }
        try Self.wait(fd, events: Int16(POLLOUT), timeoutMillis: timeoutMillis, what: "connect to \(host):\(port)")
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
        if socketError != 0 {
            throw RequestError(description: "dial tcp \(host):\(port): \(String(cString: strerror(socketError)))")
        }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            try Self.wait(fd, events: Int16(POLLOUT), timeoutMillis: timeoutMillis, what: "send")
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno != EAGAIN {
                throw RequestError(description: "send: \(String(cString: strerror(errno)))")
            }
            sent += max(count, 0)
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !response.contains(UInt8(ascii: "\n")) && response.count < 8192 {
            try Self.wait(fd, events: Int16(POLLIN), timeoutMillis: timeoutMillis, what: "response")
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EAGAIN { continue }
                throw RequestError(description: "recv: \(String(cString: strerror(errno)))")
            }
            response += buffer[0..<count]
        }
        let firstLine = response.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        let statusLine = String(decoding: firstLine, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else {
            throw RequestError(description: "malformed HTTP response \"\(statusLine)\"")
        }
        return code
    }

    private static func wait(_ fd: Int32, events: Int16, timeoutMillis: Int32, what: String) throws {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        let ready = poll(&descriptor, 1, timeoutMillis)
        if ready == 0 { throw RequestError(description: "\(what): timed out") }
        if ready < 0 { throw RequestError(description: "\(what): \(String(cString: strerror(errno)))") }
    }
}
