import KubeAPI
@testable import PodSandbox
import Testing

/// The grace a killed container gets (upstream's `setTerminationGracePeriod`): the deletion's grace wins, then the
/// failed probe's own `terminationGracePeriodSeconds` for liveness and startup kills, then the pod's, then 30 s.
@Suite struct KillGracePeriodTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var reason: ContainerKill.Reason?
        var pod: Int64?
        var deletion: Int64? = nil
        var liveness: Int64? = nil
        var startup: Int64? = nil
        var expected: Int64

        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "liveness kill takes the liveness probe's grace", reason: .livenessProbe, pod: 60, liveness: 5,
             expected: 5),
        Case(name: "liveness kill without a probe grace takes the pod's", reason: .livenessProbe, pod: 60,
             expected: 60),
        Case(name: "liveness kill ignores the startup probe's grace", reason: .livenessProbe, pod: 60, startup: 7,
             expected: 60),
        Case(name: "startup kill takes the startup probe's grace", reason: .startupProbe, pod: 60, liveness: 5,
             startup: 7, expected: 7),
        Case(name: "startup kill without a probe grace takes the pod's", reason: .startupProbe, pod: 60, liveness: 5,
             expected: 60),
        Case(name: "a spec change ignores probe graces", reason: .specChanged, pod: 60, liveness: 5, startup: 7,
             expected: 60),
        Case(name: "a pod kill ignores probe graces", reason: nil, pod: 45, liveness: 5, expected: 45),
        Case(name: "the probe grace applies without a pod grace", reason: .livenessProbe, pod: nil, liveness: 4,
             expected: 4),
        Case(name: "the deletion's grace wins over the probe's", reason: .livenessProbe, pod: 60, deletion: 3,
             liveness: 5, expected: 3),
        Case(name: "the deletion's grace wins over the pod's", reason: nil, pod: 60, deletion: 0, expected: 0),
        Case(name: "nothing set is 30 s", reason: .livenessProbe, pod: nil, expected: 30),
    ]

    @Test(arguments: Self.cases)
    func grace(_ test: Case) {
        var container = Container(name: "app", image: "busybox")
        container.livenessProbe = Probe(exec: ExecAction(command: ["true"]))
        container.livenessProbe?.terminationGracePeriodSeconds = test.liveness
        container.startupProbe = Probe(exec: ExecAction(command: ["true"]))
        container.startupProbe?.terminationGracePeriodSeconds = test.startup
        let pod = Pod(
            metadata: ObjectMeta(name: "web", namespace: "default", uid: "u1", deletionGracePeriodSeconds: test.deletion),
            spec: PodSpec(containers: [container], terminationGracePeriodSeconds: test.pod)
        )
        let grace = PodSyncer.terminationGracePeriod(pod: pod, container: container, reason: test.reason)
        #expect(grace == .seconds(test.expected))
    }
}
