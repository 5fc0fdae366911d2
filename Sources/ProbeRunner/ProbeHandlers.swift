import AgentCore
import AsyncHTTPClient
import Foundation
public import KubeAPI
import NIOSSL

/// The result of one probe run, with what it said (the exec output, the HTTP status, the error).
public struct ProbeOutcome: Hashable, Sendable {
    public var result: ProbeResult
    public var message: String
    /// Set when the probe succeeded with a reservation (upstream's `probe.Warning`): an HTTP probe whose last
    /// response was a redirect it did not follow. The agent reports it as a `ProbeWarning` event
    /// (`Readiness probe warning: <warning>`); the result stays `success`.
    public var warning: String?

    /// - Parameters:
    ///   - result: what the probe found.
    ///   - message: what it said (the failure message of the `Unhealthy` event).
    ///   - warning: the reservation of a success, if any.
    public init(_ result: ProbeResult, _ message: String = "", warning: String? = nil) {
        self.result = result
        self.message = message
        self.warning = warning
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

/// The upstream handlers: exec (through ``ExecInContainer``), httpGet (HTTP and HTTPS, the latter without
/// certificate checks, as upstream), tcpSocket and grpc (`grpc.health.v1.Health/Check` over plaintext HTTP/2).
public final class ProbeHandlers: ProbeExecuting {
    /// `User-Agent` of HTTP probes: `kube-probe/<major>.<minor>`.
    public static let userAgent: String = {
        let parts = AgentVersion.kubernetesVersion.dropFirst().split(separator: ".")
        return "kube-probe/\(parts.prefix(2).joined(separator: "."))"
    }()
    /// Redirects followed to the same host; one more fails the probe (upstream: 10).
    static let maxRedirects = 10
    /// How much of an HTTP body is read (upstream: 10 KiB).
    static let maxBody = 10 * 1024

    private let exec: ExecInContainer
    let client: HTTPClient

    public init(exec: @escaping ExecInContainer) {
        self.exec = exec
        // Redirects are followed by hand (same host only). HTTPS probes do not verify the server's certificate
        // (upstream's `InsecureSkipVerify`): pods serve self-signed certificates for names the prober never uses.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        self.client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(tlsConfiguration: tls, redirectConfiguration: .disallow)
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
            } else if let action = probe.grpc {
                return try await Self.runGRPC(action, target: target, timeout: timeout)
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

/// The probe host: the action's `host` when set, else the pod IP.
func probeHost(_ host: String?, target: ProbeTarget, kind: String) throws(ProbeError) -> String {
    guard let host = (host?.isEmpty == false ? host : target.podIP), !host.isEmpty else {
        throw ProbeError("container \(target.container.name): \(kind) probe has no host and the pod has no IP")
    }
    return host
}

/// `host:port` as Go's `net.JoinHostPort` writes it (IPv6 literals in brackets): the address in messages.
func joinHostPort(_ host: String, _ port: Int) -> String {
    host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
}

extension Duration {
    /// Go's `time.Duration` text for whole and fractional seconds (`1s`, `2.5s`, `500ms`): upstream's messages.
    var goDescription: String {
        let (seconds, attoseconds) = self.components
        if attoseconds == 0 { return "\(seconds)s" }
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        if seconds == 0 { return "\(Int(milliseconds.rounded()))ms" }
        return "\(milliseconds / 1000)s"
    }

    /// The duration in nanoseconds (for NIO's `TimeAmount`).
    var nanoseconds: Int64 {
        self.components.seconds * 1_000_000_000 + self.components.attoseconds / 1_000_000_000
    }
}
