import GRPCCore
import GRPCNIOTransportHTTP2Posix
import KubeAPI

extension ProbeHandlers {
    // MARK: - grpc

    /// Upstream's gRPC prober (k/k `pkg/probe/grpc`): `grpc.health.v1.Health/Check` with the probe's service name
    /// over plaintext HTTP/2 to the pod IP, one connection per run. `SERVING` succeeds; any other status and any
    /// error fail, with upstream's messages.
    static func runGRPC(_ action: GRPCAction, target: ProbeTarget, timeout: Duration) async throws -> ProbeOutcome {
        guard (1...65535).contains(action.port) else {
            throw ProbeError("container \(target.container.name): grpc probe port \(action.port) is out of range")
        }
        let host = try probeHost(nil, target: target, kind: "grpc")
        let port = Int(action.port)
        let address = joinHostPort(host, port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: host.contains(":") ? .ipv6(address: host, port: port) : .ipv4(address: host, port: port),
                transportSecurity: .plaintext
            )
        } catch {
            return ProbeOutcome(.failure, "error: failed to connect service at \"\(address)\": \(error)")
        }
        var request = Grpc_Health_V1_HealthCheckRequest()
        request.service = action.service ?? ""
        var options = CallOptions.defaults
        options.timeout = timeout
        // A port nobody listens on fails at once instead of waiting out the timeout for a connection.
        options.waitForReady = false
        do {
            // The RPC deadline bounds the call; this bound also covers connecting and closing.
            let (request, options) = (request, options)
            let status = try await withDeadline(timeout + .seconds(1)) {
                try await withGRPCClient(transport: transport) { client in
                    try await Grpc_Health_V1_Health.Client(wrapping: client).check(request, options: options).status
                }
            }
            guard let status else {
                return ProbeOutcome(.failure, "timeout: health rpc did not complete within \(timeout.goDescription)")
            }
            guard status == .serving else {
                return ProbeOutcome(.failure, "service unhealthy (responded with \"\(Self.name(status))\")")
            }
            return ProbeOutcome(.success, "service healthy")
        } catch let error as RPCError {
            return ProbeOutcome(.failure, Self.message(error, address: address, timeout: timeout))
        } catch {
            return ProbeOutcome(.failure, "error: health rpc probe failed: \(error)")
        }
    }

    /// Upstream's failure message for an RPC error.
    static func message(_ error: RPCError, address: String, timeout: Duration) -> String {
        switch error.code {
        case .unimplemented:
            "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): \(error.message)"
        case .deadlineExceeded:
            "timeout: health rpc did not complete within \(timeout.goDescription)"
        case .unavailable:
            "error: failed to connect service at \"\(address)\": \(error.message)"
        default:
            "error: health rpc probe failed: rpc error: code = \(Self.goName(error.code)) desc = \(error.message)"
        }
    }

    /// The status as Go's generated `String()` prints it (`NOT_SERVING`; the number when unknown).
    static func name(_ status: Grpc_Health_V1_HealthCheckResponse.ServingStatus) -> String {
        switch status {
        case .unknown: "UNKNOWN"
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .UNRECOGNIZED(let number): "\(number)"
        }
    }

    /// The gRPC code as Go's `codes.Code.String()` prints it (`NotFound`).
    static func goName(_ code: RPCError.Code) -> String {
        let names = [
            "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
            "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
            "Internal", "Unavailable", "DataLoss", "Unauthenticated",
        ]
        return names.indices.contains(code.rawValue) ? names[code.rawValue] : "Code(\(code.rawValue))"
    }
}
