import Foundation
import KubeAPI
import PodSandbox
import Synchronization

/// An in-memory ``PodObjectProvider``: objects the test sets, tokens numbered by request, failures on demand,
/// and a log of what was asked.
final class FakeObjectProvider: PodObjectProvider {
    struct State {
        var configMaps: [String: ConfigMap] = [:]
        var secrets: [String: Secret] = [:]
        var failing: [String: String] = [:]
        var tokenFailure: String?
        var tokenLifetime: TimeInterval = 3600
        var tokensIssued = 0
        var log: [String] = []
    }

    let state = Mutex(State())
    let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    func setConfigMap(_ name: String, namespace: String = "default", _ data: [String: String]) {
        self.state.withLock {
            $0.configMaps["\(namespace)/\(name)"] = ConfigMap(
                metadata: ObjectMeta(name: name, namespace: namespace), data: data)
        }
    }

    func setSecret(_ name: String, namespace: String = "default", _ data: [String: String]) {
        self.state.withLock {
            $0.secrets["\(namespace)/\(name)"] = Secret(
                metadata: ObjectMeta(name: name, namespace: namespace), strings: data)
        }
    }

    var log: [String] { self.state.withLock { $0.log } }
    var tokensIssued: Int { self.state.withLock { $0.tokensIssued } }

    func configMap(namespace: String, name: String) async throws -> ConfigMap? {
        try self.state.withLock { state in
            state.log.append("configMap \(namespace)/\(name)")
            if let message = state.failing["configmap/\(name)"] { throw FakeFailure(message: message) }
            return state.configMaps["\(namespace)/\(name)"]
        }
    }

    func secret(namespace: String, name: String) async throws -> Secret? {
        try self.state.withLock { state in
            state.log.append("secret \(namespace)/\(name)")
            if let message = state.failing["secret/\(name)"] { throw FakeFailure(message: message) }
            return state.secrets["\(namespace)/\(name)"]
        }
    }

    func serviceAccountToken(
        namespace: String,
        serviceAccountName: String,
        audience: String,
        expirationSeconds: Int64,
        podName: String,
        podUID: String
    ) async throws -> (token: String, expiration: Date) {
        let now = self.now()
        return try self.state.withLock { state in
            state.log.append("token \(namespace)/\(serviceAccountName) aud=\(audience) exp=\(expirationSeconds) "
                + "pod=\(podName)/\(podUID)")
            if let message = state.tokenFailure { throw FakeFailure(message: message) }
            state.tokensIssued += 1
            return ("token-\(state.tokensIssued)", now.addingTimeInterval(state.tokenLifetime))
        }
    }
}

struct FakeFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}

/// A clock the test moves by hand.
final class ManualDateClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    var now: Date { self.current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
