import AgentCore
import Testing

@Suite("Health checks")
struct HealthTests {
    let start = ContinuousClock.Instant.now

    static let syncCases: [(Int?, Int, HealthCheckResult)] = [
        (nil, 5, .healthy),
        (nil, 31, .unhealthy("sync loop took longer than expected: last completed 31s ago; threshold is 30s")),
        (20, 50, .healthy),
        (20, 51, .unhealthy("sync loop took longer than expected: last completed 31s ago; threshold is 30s")),
    ]

    @Test(arguments: syncCases)
    func syncLoop(completedAt: Int?, nowAt: Int, expected: HealthCheckResult) {
        let result = LoopHealth.syncLoop(
            lastCompleted: completedAt.map { self.start + .seconds($0) },
            started: self.start,
            now: self.start + .seconds(nowAt),
            period: .seconds(10)
        )
        #expect(result == expected)
    }

    @Test func plegAsUpstream() {
        #expect(
            LoopHealth.pleg(lastRelist: ContinuousClock.Instant?.none, now: self.start)
                == .unhealthy("PLEG is not healthy: pleg has yet to be successful")
        )
        #expect(LoopHealth.pleg(lastRelist: self.start, now: self.start + .seconds(180)) == .healthy)
        #expect(
            LoopHealth.pleg(lastRelist: self.start, now: self.start + .seconds(181))
                == .unhealthy("PLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s")
        )
    }

    @Test func registryKeepsOrderAndReplaces() {
        let checks = HealthChecks()
        checks.register("syncloop") { .healthy }
        checks.register("pleg") { .unhealthy("x") }
        checks.register("syncloop") { .unhealthy("stalled") }
        #expect(checks.names == ["ping", "syncloop", "pleg"])
        #expect(checks.run().map(\.result) == [.healthy, .unhealthy("stalled"), .unhealthy("x")])
        #expect(checks.run("pleg") == .unhealthy("x"))
        #expect(checks.run("nope") == nil)
    }

    static let durationCases: [(Duration, String)] = [
        (.zero, "0s"), (.seconds(1), "1s"), (.milliseconds(1500), "1.5s"), (.milliseconds(300), "300ms"),
        (.microseconds(2), "2µs"), (.nanoseconds(7), "7ns"), (.seconds(180), "3m0s"), (.seconds(3723), "1h2m3s"),
        (.seconds(3600), "1h0m0s"), (.seconds(-2), "-2s"), (.nanoseconds(1_000_000_001), "1.000000001s"),
        (.microseconds(1500), "1.5ms"),
    ]

    @Test(arguments: durationCases)
    func goDurationFormat(duration: Duration, text: String) {
        #expect(GoDuration.format(duration) == text)
    }
}
