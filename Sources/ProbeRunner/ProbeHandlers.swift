import AgentCore
import AsyncHTTPClient
public import Foundation
public import KubeAPI
import NIOCore
import NIOHTTP1
import NIOPosix

/// The result of one probe run, with what it said (the exec output, the HTTP status, the error).
public struct ProbeOutcome: Hashable, Sendable {
    public var result: ProbeResult
    public var message: String

    public init(_ result: ProbeResult, _ message: String = "") {
        self.result = result
        self.message = message
    }
}

/// Runs one probe against one container: the I/O behind the workers.
public protocol ProbeExecuting: Sendable {
    func run(_ probe: Probe, kind: ProbeKind, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome
}

/// Runs a command in a container (the agent wires it to CRI `ExecSync`): returns the exit code and the output.
public typealias ExecInContainer = @Sendable (
    _ containerID: String, _ command: [String], _ timeout: Duration
) async throws -> (exitCode: Int32, output: String)

/// The upstream handlers: exec (through ``ExecInContainer``), httpGet, tcpSocket. gRPC probes are not supported:
/// they report `unknown` (no change: readiness stays false, liveness never fails).
public final class ProbeHandlers: ProbeExecuting {
    /// `User-Agent` of HTTP probes: `kube-probe/<major>.<minor>`.
    public static let userAgent: String = {
        let parts = AgentVersion.kubernetesVersion.dropFirst().split(separator: ".")
        return "kube-probe/\(parts.prefix(2).joined(separator: "."))"
    }()
    /// Redirects followed to the same host before the last response counts (upstream: 10).
    static let maxRedirects = 10
    /// How much of an HTTP body is read (upstream: 10 KiB).
    static let maxBody = 10 * 1024

    private let exec: ExecInContainer
    private let client: HTTPClient

    public init(exec: @escaping ExecInContainer) {
        self.exec = exec
        // Redirects are followed by hand (same host only). HTTPS verifies certificates: skipping the checks as
        // upstream does needs NIOSSL, which the package does not list.
        self.client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow)
        )
    }

    /// Closes the HTTP client's connections.
    public func shutdown() async {
        try? await self.client.shutdown()
    }

    public func run(_ probe: Probe, kind: ProbeKind, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome {
        do {
            if let action = probe.exec {
                return await self.runExec(action, target: target, timeout: timeout)
            } else if let action = probe.httpGet {
                return try await self.runHTTP(action, target: target, timeout: timeout)
            } else if let action = probe.tcpSocket {
                return try await Self.runTCP(action, target: target, timeout: timeout)
            } else if probe.grpc != nil {
                return ProbeOutcome(.unknown, "gRPC probes are not supported by node-agent yet")
            }
            return ProbeOutcome(.unknown, "the \(kind.rawValue) probe has no handler")
        } catch let error as ProbeError {
            return ProbeOutcome(.unknown, error.description)
        } catch {
            return ProbeOutcome(.failure, "\(error)")
        }
    }

    // MARK: - exec

    private func runExec(_ action: ExecAction, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome {
        let exec = self.exec
        do {
            // The runtime enforces the timeout too; this bound holds even when it does not answer.
            let answer = try await withDeadline(timeout + .seconds(1)) {
                try await exec(target.containerID, action.command, timeout)
            }
            guard let (exitCode, output) = answer else {
                return ProbeOutcome(.failure, "command \(action.command) timed out after \(timeout)")
            }
            return exitCode == 0
                ? ProbeOutcome(.success, output)
                : ProbeOutcome(.failure, "command \(action.command) exited with \(exitCode): \(output)")
        } catch {
            let text = "\(error)"
            if text.localizedCaseInsensitiveContains("deadline") || text.localizedCaseInsensitiveContains("timeout") {
                return ProbeOutcome(.failure, "command \(action.command) timed out after \(timeout)")
            }
            return ProbeOutcome(.unknown, "exec failed: \(text)")
        }
    }

    // MARK: - httpGet

    /// The URL an httpGet probe requests.
    public static func url(for action: HTTPGetAction, target: ProbeTarget) throws(ProbeError) -> URL {
        let port = try target.resolvePort(action.port)
        guard let host = (action.host?.isEmpty == false ? action.host : target.podIP), !host.isEmpty else {
            throw ProbeError("container \(target.container.name): httpGet probe has no host and the pod has no IP")
        }
        let scheme = action.scheme?.rawValue.lowercased() ?? "http"
        var path = action.path ?? "/"
        if !path.hasPrefix("/") { path = "/" + path }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let url = URL(string: "\(scheme)://\(hostPart):\(port)\(path)") else {
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

    private func runHTTP(_ action: HTTPGetAction, target: ProbeTarget, timeout: Duration) async throws -> ProbeOutcome {
        var url = try Self.url(for: action, target: target)
        let headers = Self.headers(for: action)
        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        var redirects = 0
        while true {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let response = try await self.client.execute(request, deadline: deadline)
            var body = ""
            for try await chunk in response.body {
                body += String(buffer: chunk)
                if body.utf8.count >= Self.maxBody { break }
            }
            let status = Int(response.status.code)
            if (300..<400).contains(status), let location = response.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: url)?.absoluteURL,
                next.host == url.host, redirects < Self.maxRedirects
            {
                redirects += 1
                url = next
                continue
            }
            // A redirect elsewhere or too many count as the 3xx they are: success, as upstream (with a warning).
            if (200..<400).contains(status) { return ProbeOutcome(.success, "HTTP \(status)") }
            return ProbeOutcome(.failure, "HTTP probe failed with statuscode: \(status)")
        }
    }

    // MARK: - tcpSocket

    private static func runTCP(_ action: TCPSocketAction, target: ProbeTarget, timeout: Duration) async throws
        -> ProbeOutcome
    {
        let port = try target.resolvePort(action.port)
        guard let host = (action.host?.isEmpty == false ? action.host : target.podIP), !host.isEmpty else {
            throw ProbeError("container \(target.container.name): tcpSocket probe has no host and the pod has no IP")
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            .connect(host: host, port: port).get()
        try? await channel.close()
        return ProbeOutcome(.success, "connected to \(host):\(port)")
    }
}

/// Runs `body`, giving up after `timeout`: `nil` when the time ran out (the body is cancelled).
func withDeadline<Value: Sendable>(
    _ timeout: Duration,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value? {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
