import AgentTestKit
import ServiceProxy
import Synchronization
import Testing

@Suite("Sync: bounded-frequency schedule and runner")
struct SyncScheduleTests {
    typealias Instant = ManualClock.Instant

    func at(_ milliseconds: Int) -> Instant { Instant(offset: .milliseconds(milliseconds)) }

    static func tryRun(_ schedule: inout BoundedFrequencySchedule<Instant>, _ now: Instant) -> Bool {
        schedule.tryRun(now: now)
    }

    @Test("two runs back to back, then one per minInterval; requests in between fold into one deferred run")
    func burstThenRateLimited() {
        var schedule = BoundedFrequencySchedule(
            minInterval: .seconds(1), maxInterval: .seconds(30), burst: 2, now: self.at(0))
        #expect(Self.tryRun(&schedule, self.at(0)))
        #expect(Self.tryRun(&schedule, self.at(10)))
        #expect(!Self.tryRun(&schedule, self.at(20)))
        // Tokens refill one per second: 2 tokens used at ~0 s, the next is there at 1.0 s.
        #expect(schedule.nextRun == self.at(1000))
        #expect(!Self.tryRun(&schedule, self.at(500)))
        #expect(schedule.nextRun == self.at(1000))
        #expect(schedule.isDue(now: self.at(1000)))
        #expect(Self.tryRun(&schedule, self.at(1000)))
        #expect(schedule.nextRun == self.at(31_000))
    }

    @Test("a run is due maxInterval after the last one")
    func periodic() {
        var schedule = BoundedFrequencySchedule(
            minInterval: .seconds(1), maxInterval: .seconds(30), burst: 2, now: self.at(0))
        #expect(!schedule.isDue(now: self.at(29_999)))
        #expect(schedule.isDue(now: self.at(30_000)))
        #expect(Self.tryRun(&schedule, self.at(30_000)))
        #expect(schedule.nextRun == self.at(60_000))
    }

    @Test("a retry brings the next run forward, never back")
    func retry() {
        var schedule = BoundedFrequencySchedule(
            minInterval: .seconds(1), maxInterval: .seconds(30), burst: 2, now: self.at(0))
        schedule.retry(after: .seconds(5), now: self.at(0))
        #expect(schedule.nextRun == self.at(5000))
        schedule.retry(after: .seconds(20), now: self.at(0))
        #expect(schedule.nextRun == self.at(5000))
    }

    @Test("the runner on an injected clock: burst, deferral to minInterval, periodic run, retry")
    func runnerOnManualClock() async throws {
        let clock = ManualClock()
        let runs = Mutex<[Duration]>([])
        let runner = BoundedFrequencyRunner(minInterval: .seconds(1), maxInterval: .seconds(30), clock: clock) {
            runs.withLock { $0.append(clock.now.offset) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.loop() }
            func waitForRuns(_ count: Int) async throws {
                try await poll("\(count) runs", timeout: .seconds(5), interval: .milliseconds(1)) {
                    runs.withLock { $0.count } >= count ? true : nil
                }
            }
            func waitForSleep() async throws {
                try await poll("the runner sleeping", timeout: .seconds(5), interval: .milliseconds(1)) {
                    clock.sleeperCount > 0 ? true : nil
                }
            }
            runner.run()
            try await waitForRuns(1)
            runner.run()
            try await waitForRuns(2)
            try await waitForSleep()
            runner.run()
            runner.run()
            try await waitForSleep()
            #expect(runs.withLock { $0.count } == 2)
            clock.advance(by: .milliseconds(999))
            try await waitForSleep()
            #expect(runs.withLock { $0.count } == 2)
            clock.advance(by: .milliseconds(1))
            try await waitForRuns(3)
            #expect(runs.withLock { $0 } == [.zero, .zero, .seconds(1)])
            // Nothing asks: the next run is maxInterval after the last.
            try await waitForSleep()
            clock.advance(by: .seconds(30))
            try await waitForRuns(4)
            #expect(runs.withLock { $0.last } == .seconds(31))
            // A retry brings it forward.
            try await waitForSleep()
            runner.retryAfter(.seconds(5))
            try await waitForSleep()
            clock.advance(by: .seconds(5))
            try await waitForRuns(5)
            #expect(runs.withLock { $0.last } == .seconds(36))
            group.cancelAll()
        }
    }
}

@Suite("Sync: change tracker")
struct SyncChangeTrackerTests {
    @Test("updates fold into one change per key; a change back to the start is dropped")
    func folding() {
        var tracker = ChangeTracker<String, Int>()
        let added = tracker.update("a", previous: nil, current: 1)
        #expect(added)
        let changedAgain = tracker.update("a", previous: 1, current: 2)
        #expect(changedAgain)
        let otherChanged = tracker.update("b", previous: 5, current: 6)
        #expect(otherChanged)
        let otherBack = tracker.update("b", previous: 6, current: 5)
        #expect(!otherBack)
        let noOp = tracker.update("c", previous: 3, current: 3)
        #expect(!noOp)
        let changes = tracker.drain()
        #expect(changes == ["a": .init(previous: nil, current: 2)])
        #expect(tracker.isEmpty)
        tracker.update("d", previous: nil, current: 1)
        let addedThenDeleted = tracker.update("d", previous: 1, current: nil)
        #expect(!addedThenDeleted)
        #expect(tracker.isEmpty)
    }
}
