public import CRIClient
import Synchronization

/// An in-memory container runtime with CRI semantics, for tests: it records calls, can be scripted to fail or
/// to answer slowly, and keeps sandboxes, containers and images the way a real runtime would.
public final class FakeContainerRuntime: ContainerRuntime {
    /// A scripted answer to `ExecSync`.
    public typealias ExecHandler = @Sendable (_ containerID: String, _ command: [String]) -> ExecResult

    struct State {
        var nextID = 1
        var clock: Int64 = 1_700_000_000_000_000_000
        var sandboxes: [String: (config: PodSandboxConfig, status: PodSandboxStatus)] = [:]
        var containers: [String: (sandboxID: String, status: ContainerStatus)] = [:]
        var images: [String: ImageInfo] = [:]
        var calls: [String] = []
        var failures: [String: [CRIError]] = [:]
        var delays: [String: Duration] = [:]
        var execHandler: ExecHandler = { _, command in
            ExecResult(stdout: Array((command.joined(separator: " ") + "\n").utf8), exitCode: 0)
        }

        mutating func makeID(_ prefix: String) -> String {
            defer { self.nextID += 1 }
            return "\(prefix)\(String(self.nextID, radix: 16))"
        }

        mutating func tick() -> Int64 {
            self.clock += 1_000_000
            return self.clock
        }
    }

    let state = Mutex(State())

    public init(images: [String] = ["registry.k8s.io/pause:3.9", "docker.io/library/busybox:1.36"]) {
        self.state.withLock { state in
            for image in images {
                let id = "sha256:" + String(repeating: String(image.count % 10), count: 64)
                state.images[image] = ImageInfo(id: id, repoTags: [image], size: 1_000_000)
            }
        }
    }

    // MARK: Scripting

    /// Names of the CRI methods called so far, in order (e.g. `RunPodSandbox`).
    public var calls: [String] { self.state.withLock { $0.calls } }

    /// Makes the next call of `method` fail with `code` (queued: call again to fail several calls).
    public func failNext(_ method: String, code: CRIError.Code, message: String = "scripted failure") {
        self.state.withLock {
            $0.failures[method, default: []].append(CRIError(code: code, method: method, message: message))
        }
    }

    /// Makes every call of `method` wait `delay` before answering (nil: answer at once).
    public func setDelay(_ method: String, _ delay: Duration?) {
        self.state.withLock { $0.delays[method] = delay }
    }

    /// Sets what `ExecSync` answers.
    public func setExecHandler(_ handler: @escaping ExecHandler) {
        self.state.withLock { $0.execHandler = handler }
    }

    /// Makes a running container exit, as if its process ended.
    public func exitContainer(_ id: String, exitCode: Int32, reason: String? = nil) {
        self.state.withLock { state in
            let now = state.tick()
            guard var entry = state.containers[id], entry.status.state == .running else { return }
            entry.status.state = .exited
            entry.status.exitCode = exitCode
            entry.status.finishedAt = now
            entry.status.reason = reason ?? (exitCode == 0 ? "Completed" : "Error")
            state.containers[id] = entry
        }
    }

    /// Enters a call: records it, applies a scripted failure or delay.
    func enter(_ method: String) async throws {
        let (failure, delay) = self.state.withLock { state -> (CRIError?, Duration?) in
            state.calls.append(method)
            let failure = state.failures[method]?.isEmpty == false ? state.failures[method]!.removeFirst() : nil
            return (failure, state.delays[method])
        }
        if let delay { try await Task.sleep(for: delay) }
        if let failure { throw failure }
    }

    static func notFound(_ method: String, _ what: String) -> CRIError {
        CRIError(code: .notFound, method: method, message: "\(what): not found")
    }
}
