import ClusterMode
import Foundation
import KubeAPI
import Testing

@Suite struct MergePatchTests {
    @Test func removedKeysBecomeNullAndArraysAreReplacedWhole() throws {
        let old: JSONValue = .object([
            "phase": .string("Pending"),
            "containerStatuses": .array([.object(["name": .string("web"), "state": .object(["waiting": .object(["reason": .string("ContainerCreating")])])])]),
            "hostIP": .string("10.0.0.1"),
        ])
        let new: JSONValue = .object([
            "phase": .string("Running"),
            "containerStatuses": .array([.object(["name": .string("web"), "state": .object(["running": .object([:])])])]),
            "hostIP": .string("10.0.0.1"),
        ])
        let patch = try #require(MergePatch.diff(old: old, new: new))
        guard case .object(let fields) = patch else { Issue.record("not an object"); return }
        #expect(fields["hostIP"] == nil)
        #expect(fields["phase"] == .string("Running"))
        #expect(MergePatch.apply(patch, to: old) == new)
        #expect(MergePatch.diff(old: new, new: new) == nil)
    }

    @Test func nestedRemovalIsNull() throws {
        let old: JSONValue = .object(["a": .object(["b": .number(1), "c": .number(2)])])
        let new: JSONValue = .object(["a": .object(["b": .number(1)])])
        #expect(MergePatch.diff(old: old, new: new) == .object(["a": .object(["c": .null])]))
    }

    @Test func foreignConditionsAreKeptAndTerminalPhaseSticks() {
        let server = PodStatus(
            phase: .failed,
            conditions: [
                PodCondition(type: "DisruptionTarget", status: "True"),
                PodCondition(type: "Ready", status: "True", lastTransitionTime: Date(timeIntervalSince1970: 100)),
            ]
        )
        let local = PodStatus(
            phase: .running,
            conditions: [PodCondition(type: "Ready", status: "True", lastTransitionTime: Date(timeIntervalSince1970: 200))]
        )
        let merged = PodStatusMerge.merge(local: local, server: server)
        #expect(merged.phase == .failed)
        #expect(merged.conditions.map(\.type.rawValue) == ["Ready", "DisruptionTarget"])
        #expect(merged.conditions[0].lastTransitionTime == Date(timeIntervalSince1970: 100))
    }
}
