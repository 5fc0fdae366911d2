import AgentTestKit
import Foundation
import KubeAPI
import Logging
import ProbeRunner
import Synchronization
import Testing

/// Answers every probe with the scripted result of its (container, kind); counts runs.
final class ScriptedProbes: ProbeExecuting {
    let answers = Mutex<[String: ProbeResult]>([:])
    let runs = Mutex<[String: Int]>([:])

    func set(_ container: String, _ kind: ProbeKind, _ result: ProbeResult) {
        self.answers.withLock { $0["\(container)/\(kind.rawValue)"] = result }
    }

    func count(_ container: String, _ kind: ProbeKind) -> Int {
        self.runs.withLock { $0["\(container)/\(kind.rawValue)"] ?? 0 }
    }

    func run(_ probe: Probe, kind: ProbeKind, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome {
        let key = "\(target.container.name)/\(kind.rawValue)"
        self.runs.withLock { $0[key, default: 0] += 1 }
        return ProbeOutcome(self.answers.withLock { $0[key] } ?? .unknown)
    }
}

final class ChangeLog: Sendable {
    let uids = Mutex<[String]>([])
}

@Suite struct ProbeManagerTests {
    static let fast = Probe(exec: ExecAction(command: ["check"]), periodSeconds: 1, failureThreshold: 1)

    func pod(startup: Bool = false) -> Pod {
        var container = Container(name: "app", image: "busybox")
        container.readinessProbe = Self.fast
        container.livenessProbe = Self.fast
        if startup { container.startupProbe = Self.fast }
        var pod = Pod()
        pod.metadata.name = "web"
        pod.metadata.namespace = "default"
        pod.metadata.uid = "uid-1"
        pod.spec.containers = [container]
        return pod
    }

    func probed(_ pod: Pod, id: String = "c1") -> [ProbedPod] {
        [
            ProbedPod(
                pod: pod,
                podIP: "10.0.0.2",
                containers: [ProbedContainer(name: "app", containerID: id, startedAt: Date(), running: true)]
            )
        ]
    }

    func manager(_ probes: ScriptedProbes, _ changes: ChangeLog) -> ProbeManager {
        var configuration = ProbeManager.Configuration()
        configuration.jitterFirstProbe = false
        return ProbeManager(executor: probes, configuration: configuration, logger: Logger(label: "test")) { uid in
            changes.uids.withLock { $0.append(uid) }
        }
    }

    @Test func readinessAndLivenessFlip() async throws {
        let probes = ScriptedProbes()
        let changes = ChangeLog()
        let manager = self.manager(probes, changes)
        probes.set("app", .readiness, .success)
        probes.set("app", .liveness, .success)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await manager.run() }
            manager.update(pods: self.probed(self.pod()))
            try await poll("ready") { manager.results(podUID: "uid-1").ready == ["c1"] ? true : nil }
            #expect(changes.uids.withLock { $0 }.contains("uid-1"))

            probes.set("app", .readiness, .failure)
            probes.set("app", .liveness, .failure)
            try await poll("not ready, liveness failed") {
                let results = manager.results(podUID: "uid-1")
                return results.ready.isEmpty && results.livenessFailed == ["c1"] ? true : nil
            }

            // A new instance starts over: liveness passes, readiness waits for its probe.
            probes.set("app", .readiness, .success)
            probes.set("app", .liveness, .success)
            manager.update(pods: self.probed(self.pod(), id: "c2"))
            try await poll("new instance ready") {
                let results = manager.results(podUID: "uid-1")
                return results.ready == ["c2"] && results.livenessFailed.isEmpty ? true : nil
            }

            // The pod goes away: its workers stop and its results are dropped.
            manager.update(pods: [])
            try await poll("results dropped") { manager.results(podUID: "uid-1") == PodProbeResults() ? true : nil }
            manager.finish()
            group.cancelAll()
        }
    }

    @Test func startupHoldsTheOthers() async throws {
        let probes = ScriptedProbes()
        let manager = self.manager(probes, ChangeLog())
        probes.set("app", .startup, .unknown)
        probes.set("app", .readiness, .success)
        probes.set("app", .liveness, .failure)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await manager.run() }
            manager.update(pods: self.probed(self.pod(startup: true)))
            try await poll("startup probed") { probes.count("app", .startup) >= 2 ? true : nil }
            #expect(probes.count("app", .readiness) == 0)
            #expect(probes.count("app", .liveness) == 0)
            #expect(manager.results(podUID: "uid-1") == PodProbeResults())

            probes.set("app", .startup, .success)
            try await poll("started and ready") {
                let results = manager.results(podUID: "uid-1")
                return results.startupSucceeded == ["c1"] && results.ready == ["c1"] ? true : nil
            }
            try await poll("liveness runs after startup") {
                manager.results(podUID: "uid-1").livenessFailed == ["c1"] ? true : nil
            }
            manager.finish()
            group.cancelAll()
        }
    }
}
