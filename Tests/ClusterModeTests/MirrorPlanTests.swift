import ClusterMode
import Foundation
import KubeAPI
import Testing

@Suite struct MirrorPlanTests {
    func staticPod(_ name: String, hash: String) -> Pod {
        Pod(
            metadata: ObjectMeta(
                name: name,
                namespace: "default",
                uid: hash,
                labels: ["app": name],
                annotations: ["kubernetes.io/config.hash": hash, "kubernetes.io/config.source": "file"]
            ),
            spec: PodSpec(containers: [Container(name: "c")], nodeName: "n1")
        )
    }

    func mirror(_ name: String, hash: String, uid: String, deleting: Bool = false) -> Pod {
        Pod(
            metadata: ObjectMeta(
                name: name,
                namespace: "default",
                uid: uid,
                deletionTimestamp: deleting ? Date() : nil,
                annotations: ["kubernetes.io/config.mirror": hash]
            )
        )
    }

    @Test func missingMirrorIsCreatedWithTheAnnotationAndOwner() {
        let node = Node(metadata: ObjectMeta(name: "n1", uid: "node-uid"))
        let actions = MirrorPodService.plan(staticPods: [self.staticPod("web-n1", hash: "h1")], apiPods: [], node: node)
        guard case .create(let pod) = actions.first, actions.count == 1 else {
            Issue.record("expected one create, got \(actions)")
            return
        }
        #expect(pod.metadata.annotations["kubernetes.io/config.mirror"] == "h1")
        #expect(pod.metadata.labels == ["app": "web-n1"])
        #expect(pod.metadata.uid.isEmpty)
        #expect(pod.metadata.ownerReferences.first?.uid == "node-uid")
        #expect(pod.spec.nodeName == "n1")
    }

    @Test func outdatedOrDeletedMirrorsAreDeletedAndOrphansRemoved() {
        let statics = [self.staticPod("a-n1", hash: "new"), self.staticPod("b-n1", hash: "hb"), self.staticPod("c-n1", hash: "hc")]
        let api = [
            self.mirror("a-n1", hash: "old", uid: "ua"),
            self.mirror("b-n1", hash: "hb", uid: "ub", deleting: true),
            self.mirror("c-n1", hash: "hc", uid: "uc"),
            self.mirror("gone-n1", hash: "x", uid: "ug"),
        ]
        let actions = MirrorPodService.plan(staticPods: statics, apiPods: api, node: nil)
        #expect(actions == [
            .delete(namespace: "default", name: "a-n1", uid: "ua"),
            .delete(namespace: "default", name: "b-n1", uid: "ub"),
            .delete(namespace: "default", name: "gone-n1", uid: "ug"),
        ])
    }

    @Test func aRegularPodOfTheSameNameBlocksTheMirror() {
        let regular = Pod(metadata: ObjectMeta(name: "web-n1", namespace: "default", uid: "r"))
        #expect(MirrorPodService.plan(staticPods: [self.staticPod("web-n1", hash: "h")], apiPods: [regular], node: nil).isEmpty)
    }

    @Test func nodeStatusChangeIgnoresHeartbeatsAndKeepsTransitionTimes() {
        let facts = testFacts()
        let first = NodeStatusBuilder.status(facts, health: NodeHealth(), previous: nil, now: Date(timeIntervalSince1970: 100))
        let second = NodeStatusBuilder.status(facts, health: NodeHealth(), previous: first, now: Date(timeIntervalSince1970: 110))
        #expect(!NodeStatusBuilder.changed(old: first, new: second))
        #expect(second.conditions.first { $0.type == .ready }?.lastTransitionTime == Date(timeIntervalSince1970: 100))
        let down = NodeStatusBuilder.status(
            facts, health: NodeHealth(notReadyMessage: "container runtime is down"), previous: second, now: Date(timeIntervalSince1970: 120)
        )
        #expect(NodeStatusBuilder.changed(old: second, new: down))
        let ready = down.conditions.first { $0.type == .ready }
        #expect(ready?.status == "False")
        #expect(ready?.reason == "KubeletNotReady")
        #expect(ready?.message == "container runtime is down")
        #expect(ready?.lastTransitionTime == Date(timeIntervalSince1970: 120))
    }
}
