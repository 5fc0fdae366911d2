import AsyncHTTPClient
public import Foundation
public import KubeAPI
import NIOCore
import NIOHTTP1
import NIOPosix

extension ProbeHandlers {
    // MARK: - httpGet

    /// The URL an httpGet probe requests.
    public static func url(for action: HTTPGetAction, target: ProbeTarget) throws(ProbeError) -> URL {
        let port = try target.resolvePort(action.port)
        let host = try probeHost(action.host, target: target, kind: "httpGet")
        let scheme = action.scheme?.rawValue.lowercased() ?? "http"
        var path = action.path ?? "/"
        if !path.hasPrefix("/") { path = "/" + path }
        guard let url = URL(string: "\(scheme)://\(joinHostPort(host, port))\(path)") else {
            throw ProbeError("container \(target.container.name): invalid httpGet probe URL for path '\(path)'")
        }
        return url
    }

    /// The request headers: `User-Agent` and `Accept` unless the probe sets them; an empty value removes one.
    public static func headers(for action: HTTPGetAction) -> [(String, String)] {
        var headers: [(String, String)] = [("User-Agent", Self.userAgent), ("Accept", "*/*")]
        for header in action.httpHeaders {
            headers.removeAll { $0.0.lowercased() == header.name.lowercased() }
        }
        for header in action.httpHeaders where !header.value.isEmpty {
            headers.append((header.name, header.value))
        }
        return headers
    }

    /// Upstream's `DoHTTPProbe` with its redirect checker: same-host redirects are followed (at most
    /// ``maxRedirects``; one more fails the probe), a redirect elsewhere ends the probe on that response. A final
    /// 2xx succeeds, a final 3xx succeeds with a warning, anything else fails.
    func runHTTP(_ action: HTTPGetAction, target: ProbeTarget, timeout: Duration) async throws -> ProbeOutcome {
        var url = try Self.url(for: action, target: target)
        let headers = Self.headers(for: action)
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        var redirects = 0
        while true {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let (status, location, body): (Int, String?, String)
            do {
                let response = try await self.client.execute(request, deadline: deadline)
                status = Int(response.status.code)
                location = response.headers.first(name: "Location")
                body = try await Self.readBody(response)
            } catch {
                return ProbeOutcome(.failure, "Get \"\(url.absoluteString)\": \(Self.describe(error))")
            }
            if (300..<400).contains(status), let location,
                let next = URL(string: location, relativeTo: url)?.absoluteURL, next.host == url.host
            {
                guard redirects < Self.maxRedirects else {
                    return ProbeOutcome(
                        .failure,
                        "Get \"\(next.absoluteString)\": stopped after \(Self.maxRedirects) redirects"
                    )
                }
                redirects += 1
                url = next
                continue
            }
            switch status {
            case 200..<300:
                return ProbeOutcome(.success, "HTTP \(status)")
            case 300..<400:
                let warning = "Probe terminated redirects, Response body: \(body)"
                return ProbeOutcome(.success, warning, warning: warning)
            default:
                // Upstream keeps the body out of the message (it may hold secrets, k/k #99425).
                return ProbeOutcome(.failure, "HTTP probe failed with statuscode: \(status)")
            }
        }
    }

    /// At most ``maxBody`` bytes of the body, as text.
    private static func readBody(_ response: HTTPClientResponse) async throws -> String {
        var body = ByteBuffer()
        for try await var chunk in response.body {
            let room = Self.maxBody - body.readableBytes
            if chunk.readableBytes > room { chunk = chunk.getSlice(at: chunk.readerIndex, length: room) ?? chunk }
            body.writeBuffer(&chunk)
            if body.readableBytes >= Self.maxBody { break }
        }
        return String(buffer: body)
    }

    /// An HTTP client error in the words of Go's client, where upstream users know them.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError,
            error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        }
        return "\(error)"
    }

    // MARK: - tcpSocket

    static func runTCP(_ action: TCPSocketAction, target: ProbeTarget, timeout: Duration) async throws
        -> ProbeOutcome
    {
        let port = try target.resolvePort(action.port)
        let host = try probeHost(action.host, target: target, kind: "tcpSocket")
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(timeout.nanoseconds))
            .connect(host: host, port: port).get()
        try? await channel.close()
        return ProbeOutcome(.success, "connected to \(joinHostPort(host, port))")
    }
}
