import AgentTestKit
import Foundation
import KubeAPI
import Synchronization
import Testing

@testable import KubeClient

/// A clock whose sleeps return at once and are recorded.
final class ImmediateClock: Clock, Sendable {
    typealias Instant = ManualClock.Instant
    private let slept = Mutex<[Duration]>([])
    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .zero }
    var sleeps: [Duration] { self.slept.withLock { $0 } }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        self.slept.withLock { $0.append(deadline.offset) }
    }
}

/// A counter shared with child tasks.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { self.count.withLock { $0 } }
    @discardableResult
    func increment() -> Int { self.count.withLock { $0 += 1; return $0 } }
}

@Suite("Rate limiting and retries")
struct RateLimitAndRetryTests {
    @Test("the bucket allows the burst at once, then qps")
    func tokenBucket() async throws {
        let clock = ManualClock()
        let limiter = TokenBucketRateLimiter(qps: 2, burst: 3, clock: clock)
        for _ in 0..<3 { #expect(limiter.tryAcquire()) }
        #expect(!limiter.tryAcquire())
        clock.advance(by: .milliseconds(500))
        #expect(limiter.tryAcquire())
        #expect(!limiter.tryAcquire())
        // A long quiet period refills only up to the burst.
        clock.advance(by: .seconds(60))
        #expect(limiter.availableTokens == 3)
    }

    @Test("waiters reserve tokens in order: the nth waits n/qps")
    func waiters() async throws {
        let clock = ManualClock()
        let limiter = TokenBucketRateLimiter(qps: 10, burst: 1, clock: clock)
        try await limiter.acquire()
        let done = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await limiter.acquire()
                    done.increment()
                }
            }
            _ = try await poll("three waiters") { clock.sleeperCount == 3 ? true : nil }
            let sleeps = clock.requestedSleeps.sorted()
            #expect(sleeps.count == 3)
            #expect(abs((sleeps[0] - .milliseconds(100)) / .microseconds(1)) < 1)
            #expect(abs((sleeps[1] - .milliseconds(200)) / .microseconds(1)) < 1)
            #expect(abs((sleeps[2] - .milliseconds(300)) / .microseconds(1)) < 1)
            clock.advance(by: .milliseconds(100))
            _ = try await poll("the first waiter") { done.value == 1 ? true : nil }
            #expect(clock.sleeperCount == 2)
            clock.advance(by: .milliseconds(200))
            try await group.waitForAll()
        }
        #expect(done.value == 3)
    }

    @Test("the client takes a token per request; qps < 0 disables limiting")
    func clientUsesLimiter() async throws {
        let clock = ManualClock()
        let limiter = TokenBucketRateLimiter(qps: 1, burst: 2, clock: clock)
        let transport = ScriptedTransport { _ in .json(#"{"metadata":{"name":"n1"}}"#) }
        let client = try KubeAPIClient(
            configuration: KubeClientConfiguration(server: "https://h"), transport: transport, rateLimiter: limiter
        )
        _ = try await client.get(Node.self, name: "n1")
        _ = try await client.get(Node.self, name: "n1")
        #expect(clock.sleeperCount == 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await client.get(Node.self, name: "n1") }
            _ = try await poll("the third request waits") { clock.sleeperCount == 1 ? true : nil }
            #expect(transport.requests.count == 2)
            clock.advance(by: .seconds(1))
            try await group.waitForAll()
        }
        #expect(transport.requests.count == 3)
    }

    @Test("retryOnConflict retries conflicts only, up to the steps")
    func retryOnConflictSteps() async throws {
        let clock = ImmediateClock()
        let conflict = KubeAPIError(code: .conflict, httpStatus: 409, request: "PUT x", message: "modified")
        let attempts = Mutex(0)
        let value = try await retryOnConflict(
            backoff: RetryBackoff(steps: 5, duration: .milliseconds(10), factor: 1, jitter: 0), clock: clock
        ) {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt < 3 { throw conflict }
            return attempt
        }
        #expect(value == 3)
        #expect(clock.sleeps == [.milliseconds(10), .milliseconds(10)])

        attempts.withLock { $0 = 0 }
        let exhausted = await #expect(throws: KubeAPIError.self) {
            try await retryOnConflict(
                backoff: RetryBackoff(steps: 4, duration: .milliseconds(10), factor: 5, jitter: 0), clock: clock
            ) {
                attempts.withLock { $0 += 1 }
                throw conflict
            }
        }
        #expect(exhausted?.isConflict == true)
        #expect(attempts.withLock { $0 } == 4)

        attempts.withLock { $0 = 0 }
        await #expect(throws: KubeAPIError.self) {
            try await retryOnConflict(clock: clock) {
                attempts.withLock { $0 += 1 }
                throw KubeAPIError(code: .notFound, httpStatus: 404, request: "GET x", message: "gone")
            }
        }
        #expect(attempts.withLock { $0 } == 1)
    }
}
