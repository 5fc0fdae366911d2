public import Foundation
import Synchronization

/// Caches the bound service-account tokens of projected volumes and decides when one is refreshed, as
/// upstream's token manager (`pkg/kubelet/token/token_manager.go`): a token is fetched again once 80% of its
/// lifetime has passed or it is older than 24 hours (each less a random jitter of up to 10 s); when a refresh
/// fails, the cached token is used while it has not expired.
public final class ServiceAccountTokens: Sendable {
    /// What identifies a token: upstream's cache key (service account, audience, expiration, bound pod).
    struct Key: Hashable {
        var namespace: String
        var serviceAccountName: String
        var audience: String
        var expirationSeconds: Int64
        var podName: String
        var podUID: String
    }

    struct Entry {
        var token: String
        var issuedAt: Date
        var expiration: Date
    }

    /// The age after which a token is refreshed whatever its expiration.
    public static let maxTTL: TimeInterval = 24 * 3600
    /// The largest jitter subtracted from the refresh times.
    public static let maxJitter: TimeInterval = 10

    private let entries = Mutex<[Key: Entry]>([:])
    private let now: @Sendable () -> Date
    private let jitter: @Sendable () -> TimeInterval

    /// - Parameters:
    ///   - now: the clock.
    ///   - jitter: a random jitter in `0..<maxJitter` seconds, subtracted from refresh times.
    public init(
        now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> TimeInterval = { TimeInterval(Int.random(in: 0..<10)) }
    ) {
        self.now = now
        self.jitter = jitter
    }

    /// The token for a pod's projected source, from the cache or the provider.
    ///
    /// - Parameters:
    ///   - provider: where tokens come from.
    ///   - namespace: the pod's namespace.
    ///   - serviceAccountName: the pod's service account.
    ///   - audience: the audience; empty for the API server's.
    ///   - expirationSeconds: the requested validity.
    ///   - podName: the pod's name.
    ///   - podUID: the pod's UID.
    /// - Returns: the token.
    /// - Throws: ``VolumeSetupError`` when none could be fetched and no unexpired token is cached.
    public func token(
        provider: any PodObjectProvider,
        namespace: String,
        serviceAccountName: String,
        audience: String,
        expirationSeconds: Int64,
        podName: String,
        podUID: String
    ) async throws(VolumeSetupError) -> String {
        let key = Key(
            namespace: namespace, serviceAccountName: serviceAccountName, audience: audience,
            expirationSeconds: expirationSeconds, podName: podName, podUID: podUID
        )
        let cached = self.entries.withLock { $0[key] }
        let now = self.now()
        if let cached, !Self.requiresRefresh(cached, now: now, jitter: self.jitter()) {
            return cached.token
        }
        do {
            let fetched = try await provider.serviceAccountToken(
                namespace: namespace, serviceAccountName: serviceAccountName, audience: audience,
                expirationSeconds: expirationSeconds, podName: podName, podUID: podUID
            )
            let entry = Entry(token: fetched.token, issuedAt: now, expiration: fetched.expiration)
            // Tokens of pods that are gone expire and are dropped here (upstream collects them every minute).
            self.entries.withLock { entries in
                entries = entries.filter { $0.value.expiration > now }
                entries[key] = entry
            }
            return fetched.token
        } catch {
            guard let cached else { throw VolumeSetupError("failed to fetch token: \(error)") }
            guard cached.expiration > now else {
                throw VolumeSetupError(
                    "token for service account \(namespace)/\(serviceAccountName) expired and refresh failed: \(error)")
            }
            return cached.token
        }
    }

    /// Drops the tokens bound to a pod that is gone.
    ///
    /// - Parameter podUID: the pod's UID.
    public func forget(podUID: String) {
        self.entries.withLock { entries in
            entries = entries.filter { $0.key.podUID != podUID }
        }
    }

    /// How many tokens are cached.
    public var count: Int { self.entries.withLock { $0.count } }

    /// Upstream's `requiresRefresh`: older than 24 h, or within the last 20% of its lifetime (both less jitter).
    static func requiresRefresh(_ entry: Entry, now: Date, jitter: TimeInterval) -> Bool {
        if now > entry.issuedAt.addingTimeInterval(Self.maxTTL - jitter) { return true }
        let lifetime = entry.expiration.timeIntervalSince(entry.issuedAt)
        return now > entry.expiration.addingTimeInterval(-(lifetime * 0.2) - jitter)
    }
}
