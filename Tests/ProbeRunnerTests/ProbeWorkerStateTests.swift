import AgentCore
import Foundation
import KubeAPI
import ProbeRunner
import Testing

@Suite struct ProbeWorkerStateTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    func container(_ id: String = "c1", running: Bool = true, startedAt: Date? = nil) -> ProbedContainer {
        ProbedContainer(name: "app", containerID: id, startedAt: startedAt ?? self.t0, running: running)
    }

    func timing(_ kind: ProbeKind, delay: Int32 = 0, success: Int32 = 1, failure: Int32 = 3) -> ProbeTiming {
        ProbeTiming(
            Probe(initialDelaySeconds: delay, periodSeconds: 5, successThreshold: success, failureThreshold: failure),
            kind: kind
        )
    }

    @Test(arguments: [
        (ProbeKind.readiness, ProbeResult.failure), (.liveness, .success), (.startup, .unknown),
    ])
    func initialValues(kind: ProbeKind, expected: ProbeResult) {
        #expect(ProbeWorkerState(kind: kind).result == expected)
    }

    @Test func defaults() {
        let timing = ProbeTiming(Probe(), kind: .readiness)
        #expect(timing.initialDelaySeconds == 0)
        #expect(timing.periodSeconds == 10)
        #expect(timing.timeoutSeconds == 1)
        #expect(timing.successThreshold == 1)
        #expect(timing.failureThreshold == 3)
        #expect(ProbeTiming(Probe(successThreshold: 3), kind: .liveness).successThreshold == 1)
        #expect(ProbeTiming(Probe(timeoutSeconds: -1, periodSeconds: 0), kind: .startup).periodSeconds == 1)
    }

    /// Runs outcomes through a worker and returns the published result after each.
    func run(_ kind: ProbeKind, _ outcomes: [ProbeResult], timing: ProbeTiming) -> [ProbeResult] {
        var worker = ProbeWorkerState(kind: kind)
        var published: [ProbeResult] = []
        for outcome in outcomes {
            let (action, _) = worker.observe(self.container(), timing: timing, startupPending: false, now: self.t0)
            if action == .probe { _ = worker.record(outcome, timing: timing) }
            published.append(worker.result)
        }
        return published
    }

    @Test func readinessThresholds() {
        let timing = self.timing(.readiness, success: 2, failure: 2)
        #expect(
            self.run(.readiness, [.success, .success, .failure, .success, .failure, .failure], timing: timing)
                == [.failure, .success, .success, .success, .success, .failure]
        )
    }

    @Test func unknownChangesNothing() {
        let timing = self.timing(.readiness, success: 1, failure: 1)
        #expect(self.run(.readiness, [.success, .unknown, .unknown], timing: timing) == [.success, .success, .success])
        #expect(
            self.run(.liveness, [.failure, .unknown, .failure, .failure], timing: self.timing(.liveness))
                == [.success, .success, .success, .failure]
        )
    }

    @Test func livenessFailureHoldsUntilNewInstance() {
        let timing = self.timing(.liveness, failure: 1)
        var worker = ProbeWorkerState(kind: .liveness)
        let r1 = worker.observe(self.container(), timing: timing, startupPending: false, now: self.t0).action
        #expect(r1 == .probe)
        let r2 = worker.record(.failure, timing: timing)
        #expect(r2)
        #expect(worker.result == .failure)
        let s1 = worker.observe(self.container(), timing: timing, startupPending: false, now: self.t0).action
        #expect(s1 == .skip(until: nil))
        let replaced = worker.observe(self.container("c2"), timing: timing, startupPending: false, now: self.t0)
        #expect(replaced.action == .probe)
        #expect(replaced.changed)
        #expect(worker.result == .success)
        #expect(worker.containerID == "c2")
    }

    @Test func initialDelayCountsFromStart() {
        let timing = self.timing(.readiness, delay: 7)
        var worker = ProbeWorkerState(kind: .readiness)
        let early = worker.observe(self.container(), timing: timing, startupPending: false, now: self.t0 + 3)
        #expect(early.action == .skip(until: self.t0 + 7))
        #expect(ProbeSchedule.nextTick(after: early.action, timing: timing, now: self.t0 + 3) == .seconds(4))
        let r3 = worker.observe(self.container(), timing: timing, startupPending: false, now: self.t0 + 7).action
        #expect(r3 == .probe)
        #expect(ProbeSchedule.nextTick(after: .probe, timing: timing, now: self.t0) == .seconds(5))
    }

    @Test func startupGating() {
        let timing = self.timing(.readiness)
        var readiness = ProbeWorkerState(kind: .readiness)
        let s2 = readiness.observe(self.container(), timing: timing, startupPending: true, now: self.t0).action
        #expect(s2 == .skip(until: nil))
        let r4 = readiness.observe(self.container(), timing: timing, startupPending: false, now: self.t0).action
        #expect(r4 == .probe)

        let startupTiming = self.timing(.startup, failure: 2)
        var startup = ProbeWorkerState(kind: .startup)
        let r5 = startup.observe(self.container(), timing: startupTiming, startupPending: false, now: self.t0).action
        #expect(r5 == .probe)
        let r6 = startup.record(.success, timing: startupTiming)
        #expect(r6)
        // Once started, the startup probe stops.
        let s3 = startup.observe(self.container(), timing: startupTiming, startupPending: false, now: self.t0).action
        #expect(s3 == .skip(until: nil))
    }

    @Test func stoppedContainerIsNotReady() {
        let timing = self.timing(.readiness)
        var worker = ProbeWorkerState(kind: .readiness)
        _ = worker.observe(self.container(), timing: timing, startupPending: false, now: self.t0)
        let r7 = worker.record(.success, timing: timing)
        #expect(r7)
        let stopped = worker.observe(self.container(running: false), timing: timing, startupPending: false, now: self.t0)
        #expect(stopped.changed)
        #expect(worker.result == .failure)
    }

    @Test func firstTickJitter() {
        let timing = self.timing(.readiness)
        #expect(ProbeSchedule.firstTick(timing: timing, agentStarted: self.t0, now: self.t0 + 1) { $0 / 2 } == .milliseconds(2500))
        #expect(ProbeSchedule.firstTick(timing: timing, agentStarted: self.t0, now: self.t0 + 60) { $0 / 2 } == .zero)
    }
}


@Suite struct ProbeMetricsTests {
    @Test func labelsAsUpstream() {
        let registry = MetricsRegistry()
        let metrics = ProbeMetrics(registry: registry)
        let target = ProbeTarget(
            podUID: "u1", podName: "web", namespace: "default", podIP: nil,
            container: Container(name: "app", image: "busybox"), containerID: "c1"
        )
        metrics.record(.readiness, target, ProbeOutcome(.success), seconds: 0.01)
        let text = registry.render()
        #expect(
            text.contains(
                #"prober_probe_total{container="app",namespace="default",pod="web",pod_uid="u1",probe_type="Readiness",result="successful"} 1"#
            ),
            "\(text)"
        )
        #expect(text.contains("prober_probe_duration_seconds_count"))
    }
}
