import AgentTestKit
@testable import ProbeRunner
import Synchronization
import Testing

/// A flag one task sets and another reads.
private final class Flag: Sendable {
    private let state = Mutex(false)
    var value: Bool { self.state.withLock { $0 } }
    func set() { self.state.withLock { $0 = true } }
}

@Suite struct WakeupTests {
    /// A wait that timed out leaves the wakeup usable: the next wait really waits (a wait on an `AsyncStream`
    /// whose consuming task was cancelled would return at once from then on).
    @Test func waitsAgainAfterATimeout() async throws {
        let wakeup = Wakeup()
        await wakeup.wait(timeout: .milliseconds(1))
        await wakeup.wait(timeout: .milliseconds(1))
        let returned = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await wakeup.wait(timeout: .seconds(3600))
                returned.set()
            }
            _ = try await poll("the third wait is waiting") { wakeup.isWaiting ? true : nil }
            #expect(!returned.value)
            wakeup.signal()
            _ = try await poll("the signal ends the wait") { returned.value ? true : nil }
            try await group.waitForAll()
        }
    }

    /// A signal sent while nobody waits ends the next wait at once; several such signals count once.
    @Test func keepsOneSignalForTheNextWait() async throws {
        let wakeup = Wakeup()
        wakeup.signal()
        wakeup.signal()
        await wakeup.wait(timeout: .seconds(3600))
        let returned = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await wakeup.wait(timeout: .seconds(3600))
                returned.set()
            }
            _ = try await poll("the second wait is waiting") { wakeup.isWaiting ? true : nil }
            #expect(!returned.value)
            group.cancelAll()
            _ = try await poll("cancelling ends the wait") { returned.value ? true : nil }
        }
    }
}
