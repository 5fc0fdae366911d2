import Foundation
import KubeAPI
@testable import PodSandbox
import Synchronization
import Testing

@Suite("Volumes: service-account token refresh")
struct VolumesTokenTests {
    let clock = ManualDateClock()
    let provider: FakeObjectProvider
    let tokens: ServiceAccountTokens

    init() {
        let clock = self.clock
        self.provider = FakeObjectProvider(now: { clock.now })
        self.tokens = ServiceAccountTokens(now: { clock.now }, jitter: { 0 })
    }

    func token(expirationSeconds: Int64 = 3600, pod: String = "uid-1") async throws -> String {
        try await self.tokens.token(
            provider: self.provider, namespace: "default", serviceAccountName: "default", audience: "",
            expirationSeconds: expirationSeconds, podName: "web", podUID: pod)
    }

    @Test func refreshedAfterEightyPercentOfItsLifetime() async throws {
        #expect(try await self.token() == "token-1")
        self.clock.advance(2880)  // exactly 80% of 3600 s: not yet
        #expect(try await self.token() == "token-1")
        self.clock.advance(1)
        #expect(try await self.token() == "token-2")
        #expect(self.provider.tokensIssued == 2)
    }

    @Test func refreshedAfterADayWhateverItsLifetime() async throws {
        self.provider.state.withLock { $0.tokenLifetime = 48 * 3600 }
        #expect(try await self.token() == "token-1")
        self.clock.advance(24 * 3600)
        #expect(try await self.token() == "token-1")
        self.clock.advance(1)  // 24 h old, long before 80% of 48 h
        #expect(try await self.token() == "token-2")
    }

    @Test func separateTokensPerPodAndExpiration() async throws {
        #expect(try await self.token(pod: "uid-1") == "token-1")
        #expect(try await self.token(pod: "uid-2") == "token-2")
        #expect(try await self.token(expirationSeconds: 7200, pod: "uid-1") == "token-3")
        #expect(try await self.token(pod: "uid-1") == "token-1")
        self.tokens.forget(podUID: "uid-1")
        #expect(self.tokens.count == 1)
    }

    @Test func failedRefreshKeepsAValidTokenAndFailsAnExpiredOne() async throws {
        #expect(try await self.token() == "token-1")
        self.provider.state.withLock { $0.tokenFailure = "forbidden" }
        self.clock.advance(3000)
        #expect(try await self.token() == "token-1")
        self.clock.advance(601)
        await #expect { try await self.token() } throws: { error in
            (error as? VolumeSetupError)?.message
                == "token for service account default/default expired and refresh failed: forbidden"
        }
    }

    @Test func firstFetchFailureIsReported() async throws {
        self.provider.state.withLock { $0.tokenFailure = "forbidden" }
        await #expect { try await self.token() } throws: { error in
            (error as? VolumeSetupError)?.message == "failed to fetch token: forbidden"
        }
    }

    @Test(arguments: [
        (0.0, false), (2879.0, false), (2881.0, true), (86_401.0, true),
    ])
    func requiresRefreshTable(age: Double, expected: Bool) {
        let issued = Date(timeIntervalSince1970: 0)
        let entry = ServiceAccountTokens.Entry(
            token: "t", issuedAt: issued, expiration: issued.addingTimeInterval(age > 86_000 ? 172_800 : 3600))
        #expect(ServiceAccountTokens.requiresRefresh(entry, now: issued.addingTimeInterval(age), jitter: 0) == expected)
    }
}
