import CRIClient
import Foundation
public import KubeAPI

/// Performs the HTTP GET of an `httpGet` lifecycle hook: the seam tests replace.
public protocol HookHTTPClient: Sendable {
    /// Sends `GET path` to `host:port` and returns the response's status code.
    ///
    /// - Parameters:
    ///   - scheme: `HTTP` or `HTTPS`.
    ///   - host: the host or IP to connect to.
    ///   - port: the TCP port.
    ///   - path: the request path, starting with `/`.
    ///   - headers: extra request headers.
    ///   - timeout: how long the whole request may take.
    /// - Returns: the HTTP status code.
    /// - Throws: when the request cannot be made or no response arrives in time.
    func get(
        scheme: String,
        host: String,
        port: Int,
        path: String,
        headers: [HTTPHeader],
        timeout: Duration
    ) async throws -> Int
}

/// A lifecycle hook failed; `message` is what upstream shows in the container's waiting message.
struct HookFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}

/// Runs postStart and preStop handlers (upstream's `handlerRunner`): exec through `ExecSync`, httpGet to the pod
/// IP (or the handler's host), sleep.
struct LifecycleHookRunner: Sendable {
    let runtime: any ContainerRuntime
    let http: any HookHTTPClient

    /// Runs `handler` for the container instance `containerID`, giving up after `timeout`.
    func run(
        _ handler: LifecycleHandler,
        hook: String,
        containerID: String,
        container: Container,
        pod: Pod,
        podIP: String,
        timeout: Duration
    ) async throws(HookFailure) {
        let what = "\(hook) lifecycle hook for Container \"\(container.name)\" in Pod \"\(formatPod(pod))\""
        if let exec = handler.exec {
            let result: ExecResult
            do {
                result = try await self.runtime.execSync(containerID, command: exec.command, timeout: timeout)
            } catch {
                throw HookFailure(message: "Exec \(what) failed - error: \(errorMessage(error))")
            }
            if result.exitCode != 0 {
                let output = result.stdoutText + result.stderrText
                throw HookFailure(
                    message: "Exec \(what) failed - error: command '\(exec.command.joined(separator: " "))' "
                        + "exited with \(result.exitCode): \(output), message: \"\(output)\""
                )
            }
        } else if let httpGet = handler.httpGet {
            try await self.runHTTP(httpGet, what: what, container: container, podIP: podIP, timeout: timeout)
        } else if let sleep = handler.sleep {
            let delay = Swift.min(Duration.seconds(sleep.seconds), timeout)
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw HookFailure(message: "Sleep \(what) was interrupted")
            }
        } else {
            throw HookFailure(message: "\(what): invalid handler: no exec, httpGet or sleep action")
        }
    }

    private func runHTTP(
        _ action: HTTPGetAction,
        what: String,
        container: Container,
        podIP: String,
        timeout: Duration
    ) async throws(HookFailure) {
        let host = action.host.flatMap { $0.isEmpty ? nil : $0 } ?? podIP
        guard let port = Self.resolvePort(action.port, container: container) else {
            throw HookFailure(message: "HTTP \(what) failed - error: unknown port \"\(action.port)\"")
        }
        var path = action.path ?? "/"
        if !path.hasPrefix("/") { path = "/" + path }
        let code: Int
        do {
            code = try await self.http.get(
                scheme: action.scheme?.rawValue ?? "HTTP",
                host: host,
                port: port,
                path: path,
                headers: action.httpHeaders,
                timeout: timeout
            )
        } catch {
            throw HookFailure(message: "HTTP \(what) failed - error: \(error)")
        }
        if !(200..<400).contains(code) {
            throw HookFailure(message: "HTTP \(what) failed - error: HTTP status code \(code)")
        }
    }

    /// A port number, or a named container port.
    static func resolvePort(_ port: IntOrString, container: Container) -> Int? {
        switch port {
        case .int(let number):
            return number > 0 ? Int(number) : nil
        case .string(let name):
            if let number = Int(name), number > 0 { return number }
            return container.ports.first { $0.name == name }.map { Int($0.containerPort) }
        }
    }
}
