import CRIClient
import Foundation
import KubeAPI
@testable import PodSandbox
import Testing

@Suite struct BackoffTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func doublesFromTenSecondsToTheCap() {
        var backOff = CrashLoopBackOff()
        var delays: [Duration] = []
        var now = self.start
        for _ in 0..<8 {
            backOff.next(key: "k", eventTime: now, now: now)
            delays.append(backOff.delay(forKey: "k")!)
            now = now.addingTimeInterval(1)
        }
        #expect(delays == [10, 20, 40, 80, 160, 300, 300, 300].map { .seconds($0) })
    }

    @Test(arguments: [
        (Duration.seconds(60), Duration.seconds(10), Duration.seconds(60)),
        (Duration.seconds(5), Duration.seconds(5), Duration.seconds(5)),
        (Duration.seconds(1), Duration.seconds(1), Duration.seconds(1)),
    ])
    func configurableMaximum(max: Duration, initial: Duration, cap: Duration) {
        let policy = BackOffPolicy.crashLoop(maxContainerRestartPeriod: max)
        #expect(policy.initial == initial)
        #expect(policy.max == cap)
    }

    @Test func resetsAfterTwiceTheCapWithoutFailures() {
        var backOff = CrashLoopBackOff()
        for step in 0..<4 {
            let time = self.start.addingTimeInterval(Double(step))
            backOff.next(key: "k", eventTime: time, now: time)
        }
        #expect(backOff.delay(forKey: "k") == .seconds(80))
        // Ran for more than 600 s (2 x 300 s) since the last update: the curve starts over.
        let later = self.start.addingTimeInterval(3 + 601)
        #expect(!backOff.isInBackOff(key: "k", since: later, now: later))
        backOff.next(key: "k", eventTime: later, now: later)
        #expect(backOff.delay(forKey: "k") == .seconds(10))
    }

    @Test func measuredFromTheFinishTime() {
        var backOff = CrashLoopBackOff()
        backOff.next(key: "k", eventTime: self.start, now: self.start)
        let finished = self.start.addingTimeInterval(30)
        #expect(backOff.isInBackOff(key: "k", since: finished, now: finished.addingTimeInterval(9.9)))
        #expect(!backOff.isInBackOff(key: "k", since: finished, now: finished.addingTimeInterval(10)))
        #expect(backOff.backOffEnd(key: "k", since: finished, now: finished) == finished.addingTimeInterval(10))
        #expect(!backOff.isInBackOff(key: "other", since: finished, now: finished))
    }

    @Test func imagePullBackOffIsMeasuredFromTheLastFailure() {
        let store = BackOffStore(policy: .imagePull)
        store.next(key: "uid_img", eventTime: self.start, now: self.start)
        #expect(store.isInBackOffSinceUpdate(key: "uid_img", now: self.start.addingTimeInterval(9)))
        #expect(!store.isInBackOffSinceUpdate(key: "uid_img", now: self.start.addingTimeInterval(10)))
        store.next(key: "uid_img", eventTime: self.start.addingTimeInterval(10), now: self.start.addingTimeInterval(10))
        #expect(store.delay(forKey: "uid_img") == .seconds(20))
        store.reset(keysWithPrefix: "uid_")
        #expect(store.delay(forKey: "uid_img") == nil)
    }

    @Test func garbageCollectionDropsIdleEntries() {
        var backOff = CrashLoopBackOff()
        backOff.next(key: "old", eventTime: self.start, now: self.start)
        let later = self.start.addingTimeInterval(500)
        backOff.next(key: "new", eventTime: later, now: later)
        backOff.collectGarbage(now: self.start.addingTimeInterval(601))
        #expect(backOff.entries.keys.sorted() == ["new"])
    }

    @Test func stableKeyIncludesTheSpecHash() {
        let pod = PlannerFixtures.pod()
        let key = CrashLoopBackOff.stableKey(pod: pod, container: PlannerFixtures.container("app"), hash: "1a2b")
        #expect(key == "web_default_uid-1_app_1a2b")
    }

    @Test(arguments: [
        (Duration.seconds(10), "10s"), (.seconds(20), "20s"), (.seconds(80), "1m20s"), (.seconds(300), "5m0s"),
        (.milliseconds(1500), "1.5s"), (.milliseconds(250), "250ms"), (.seconds(3600), "1h0m0s"),
    ])
    func goDurationFormat(duration: Duration, text: String) {
        #expect(formatGoDuration(duration) == text)
    }

    @Test func restartMessageAsUpstream() {
        let pod = PlannerFixtures.pod()
        let message = CrashLoopBackOff.restartMessage(delay: .seconds(20), containerName: "app", pod: pod)
        #expect(message == "back-off 20s restarting failed container=app pod=web_default(uid-1)")
    }

    @Test(arguments: [
        (PullPolicy.ifNotPresent, true, false, ImagePullDecision.usePresent),
        (.ifNotPresent, false, false, .pull),
        (.ifNotPresent, false, true, .backOff),
        (.always, true, false, .pull),
        (.always, true, true, .backOff),
        (.never, true, false, .usePresent),
        (.never, false, false, .neverPullMissing),
        (.never, false, true, .neverPullMissing),
    ])
    func imagePullDecisions(policy: PullPolicy, present: Bool, inBackOff: Bool, expected: ImagePullDecision) {
        #expect(ImagePullDecision.decide(policy: policy, imagePresent: present, inBackOff: inBackOff) == expected)
    }

    @Test(arguments: [
        ("busybox", PullPolicy.always), ("busybox:latest", .always), ("busybox:1.36", .ifNotPresent),
        ("localhost:5000/busybox", .always), ("localhost:5000/busybox:1.0", .ifNotPresent),
        ("busybox@sha256:abcd", .ifNotPresent),
    ])
    func defaultPullPolicy(image: String, expected: PullPolicy) {
        #expect(ImagePullDecision.effectivePolicy(Container(name: "c", image: image)) == expected)
        let explicit = Container(name: "c", image: image, imagePullPolicy: .never)
        #expect(ImagePullDecision.effectivePolicy(explicit) == .never)
    }

    @Test func restartCountContinuesAfterTheLogFiles() {
        #expect(RestartCountFromLogs.next(fileNames: []) == 0)
        #expect(RestartCountFromLogs.next(fileNames: ["0.log", "3.log", "2.log.20261129-101010", "x.log", "7"]) == 4)
        #expect(RestartCountFromLogs.next(directory: "/nonexistent/node-agent") == 0)
    }
}
