import Foundation
import KubeAPI
@testable import StaticPods
import Testing

@Suite struct StaticPodIdentityTests {
    static func pod(_ name: String = "web", image: String = "busybox") -> Pod {
        Pod(
            apiVersion: "v1", kind: "Pod", metadata: ObjectMeta(name: name),
            spec: PodSpec(containers: [Container(name: "c", image: image)])
        )
    }

    @Test(arguments: [
        ("", "6c62272e07bb014262b821756295c58d"),
        ("a", "d228cb696f1a8caf78912b704e4a8964"),
    ])
    func fnv128aMatchesGo(input: String, digest: String) {
        var hasher = FNV128a()
        hasher.write(input)
        #expect(hasher.hexDigest == digest)
    }

    @Test func uidIsStableAndHex() {
        let first = StaticPodIdentity.uid(of: Self.pod(), nodeName: "node-1", source: .file, location: "/m/web.yaml")
        let second = StaticPodIdentity.uid(of: Self.pod(), nodeName: "node-1", source: .file, location: "/m/web.yaml")
        #expect(first == second)
        #expect(first.count == 32)
        #expect(first.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    struct Variant: Sendable, CustomTestStringConvertible {
        var name: String
        var pod: Pod
        var node: String
        var source: PodSourceKind
        var location: String
        var testDescription: String { self.name }
    }

    @Test(arguments: [
        Variant(name: "other node", pod: pod(), node: "node-2", source: .file, location: "/m/web.yaml"),
        Variant(name: "other path", pod: pod(), node: "node-1", source: .file, location: "/m/web2.yaml"),
        Variant(
            name: "other content", pod: pod(image: "nginx"), node: "node-1", source: .file, location: "/m/web.yaml"
        ),
        Variant(name: "url source", pod: pod(), node: "node-1", source: .http, location: "/m/web.yaml"),
    ])
    func uidChangesWith(_ variant: Variant) {
        let base = StaticPodIdentity.uid(of: Self.pod(), nodeName: "node-1", source: .file, location: "/m/web.yaml")
        let other = StaticPodIdentity.uid(
            of: variant.pod, nodeName: variant.node, source: variant.source, location: variant.location
        )
        #expect(base != other)
    }

    @Test func urlSourceIgnoresNode() {
        let one = StaticPodIdentity.uid(of: Self.pod(), nodeName: "a", source: .http, location: "http://x/p")
        let two = StaticPodIdentity.uid(of: Self.pod(), nodeName: "b", source: .http, location: "http://x/p")
        #expect(one == two)
    }

    @Test func appliesUpstreamDefaults() throws {
        let seen = Date(timeIntervalSince1970: 1_700_000_000.25)
        let pod = StaticPodIdentity.applyDefaults(
            to: Self.pod(), nodeName: "Node-1", source: .file, location: "/m/web.yaml", seen: seen
        )
        let uid = StaticPodIdentity.uid(of: Self.pod(), nodeName: "Node-1", source: .file, location: "/m/web.yaml")
        #expect(pod.metadata.name == "web-node-1")
        #expect(pod.metadata.namespace == "default")
        #expect(pod.metadata.uid == uid)
        #expect(pod.metadata.annotations["kubernetes.io/config.hash"] == uid)
        #expect(pod.metadata.annotations["kubernetes.io/config.source"] == "file")
        #expect(pod.metadata.annotations["kubernetes.io/config.seen"] == "2023-11-14T22:13:20.25Z")
        #expect(pod.spec.nodeName == "Node-1")
        #expect(pod.spec.tolerations == [Toleration(operator: .exists, effect: .noExecute)])
        #expect(pod.status?.phase == .pending)
    }

    @Test func seenDoesNotFeedTheHash() {
        let early = StaticPodIdentity.applyDefaults(
            to: Self.pod(), nodeName: "n", source: .file, location: "/m/a.yaml", seen: Date(timeIntervalSince1970: 1)
        )
        let late = StaticPodIdentity.applyDefaults(
            to: Self.pod(), nodeName: "n", source: .file, location: "/m/a.yaml", seen: Date(timeIntervalSince1970: 99)
        )
        #expect(early.metadata.uid == late.metadata.uid)
        let key = "kubernetes.io/config.seen"
        #expect(early.metadata.annotations[key] != late.metadata.annotations[key])
    }

    @Test func urlSourceAddsNoToleration() {
        let pod = StaticPodIdentity.applyDefaults(
            to: Self.pod(), nodeName: "n", source: .http, location: "http://x", seen: Date()
        )
        #expect(pod.spec.tolerations.isEmpty)
        #expect(pod.metadata.annotations["kubernetes.io/config.source"] == "http")
    }

    @Test func keepsManifestUIDAndNamespace() {
        var manifest = Self.pod()
        manifest.metadata.uid = "fixed"
        manifest.metadata.namespace = "kube-system"
        let pod = StaticPodIdentity.applyDefaults(
            to: manifest, nodeName: "n", source: .file, location: "/a", seen: Date()
        )
        #expect(pod.metadata.uid == "fixed")
        #expect(pod.metadata.namespace == "kube-system")
    }
}

@Suite struct StaticPodSetTests {
    @Test(arguments: [
        ("web.yaml", true), ("web.yml", true), ("web.json", true), ("WEB.YAML", true),
        (".web.yaml", false), ("web.yaml~", false), (".web.yaml.swp", false), ("#web.yaml#", false),
        ("web.yaml.swp", false), ("web.txt", false), ("web", false), ("4913", false), ("web.yaml.tmp", false),
    ])
    func fileNameFilter(name: String, accepted: Bool) {
        #expect(StaticPodSet.isManifestFileName(name) == accepted)
    }

    @Test func duplicateNamesKeepTheFirstFile() {
        var set = StaticPodSet(nodeName: "n", source: .file)
        let pod = StaticPodIdentityTests.pod()
        let snapshot = set.snapshot(
            of: [
                .init(location: "/m/b.yaml", result: .success([pod])),
                .init(location: "/m/a.yaml", result: .success([pod])),
            ],
            now: Date()
        )
        #expect(snapshot.pods.count == 1)
        let uid = StaticPodIdentity.uid(of: pod, nodeName: "n", source: .file, location: "/m/a.yaml")
        #expect(snapshot.pods.first?.metadata.uid == uid)
        #expect(snapshot.errors.map(\.path) == ["/m/b.yaml"])
        let message = "duplicate pod \"default/web-n\": already defined by /m/a.yaml"
        #expect(snapshot.errors.first?.message.contains(message) == true)
    }

    @Test func nameWithNodeSuffixMustStillBeValid() {
        var set = StaticPodSet(nodeName: String(repeating: "n", count: 250), source: .file)
        let manifest = StaticPodSet.Manifest(location: "/m/a.yaml", result: .success([StaticPodIdentityTests.pod()]))
        let snapshot = set.snapshot(of: [manifest], now: Date())
        #expect(snapshot.pods.isEmpty)
        #expect(snapshot.errors.first?.message.contains("must be no more than 253 characters") == true)
    }

    @Test func firstSeenSurvivesRescansAndResetsAfterRemoval() {
        var set = StaticPodSet(nodeName: "n", source: .file)
        let manifest = StaticPodSet.Manifest(location: "/m/a.yaml", result: .success([StaticPodIdentityTests.pod()]))
        let first = set.snapshot(of: [manifest], now: Date(timeIntervalSince1970: 10))
        let second = set.snapshot(of: [manifest], now: Date(timeIntervalSince1970: 20))
        #expect(first == second)
        _ = set.snapshot(of: [], now: Date(timeIntervalSince1970: 30))
        let third = set.snapshot(of: [manifest], now: Date(timeIntervalSince1970: 40))
        #expect(StaticPodIdentity.seen(third.pods[0]) == Date(timeIntervalSince1970: 40))
    }

    @Test func brokenFileIsReportedBesideGoodOnes() {
        var set = StaticPodSet(nodeName: "n", source: .file)
        let broken = StaticPodSet.decodeFile(Data("apiVersion: v1\nkind: Pod\nspec: [\n".utf8), path: "/m/bad.yaml")
        let good = StaticPodSet.Manifest(location: "/m/good.yaml", result: .success([StaticPodIdentityTests.pod()]))
        let snapshot = set.snapshot(of: [broken, good], now: Date())
        #expect(snapshot.pods.map(\.metadata.name) == ["web-n"])
        #expect(snapshot.errors.map(\.path) == ["/m/bad.yaml"])
        #expect(snapshot.errors.first?.message.hasPrefix("line ") == true)
    }
}

@Suite struct InotifyBatchTests {
    static func event(mask: UInt32, nameLength: UInt32 = 0) -> [UInt8] {
        let fields: [UInt32] = [1, mask, 0, nameLength]
        return fields.flatMap { value in (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }
            + [UInt8](repeating: 0, count: Int(nameLength))
    }

    @Test func modifyAloneWaitsForClose() {
        let modify: UInt32 = 0x2
        let closeWrite: UInt32 = 0x8
        let batch = Self.event(mask: modify, nameLength: 16) + Self.event(mask: modify, nameLength: 16)
        #expect(!InotifyWatcher.worthARescan(ArraySlice(batch)))
        #expect(InotifyWatcher.worthARescan(ArraySlice(batch + Self.event(mask: closeWrite, nameLength: 16))))
    }
}
