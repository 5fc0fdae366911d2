import KubeAPI
import PodSandbox
import Testing

@Suite("QoS, OOM score, CPU math, container hash")
struct ConfigQOSHashTests {
    struct QOSCase: Sendable, CustomTestStringConvertible {
        var name: String
        var containers: [String]
        var initContainers: [String] = []
        var expected: PodQOS.Class
        var testDescription: String { self.name }
    }

    static let qosCases: [QOSCase] = [
        .init(name: "no resources", containers: ["{}"], expected: .bestEffort),
        .init(name: "zero requests", containers: [#"{"requests":{"cpu":"0","memory":"0"}}"#], expected: .bestEffort),
        .init(name: "other resources only", containers: [#"{"limits":{"nvidia.com/gpu":"1"}}"#], expected: .bestEffort),
        .init(name: "limits equal requests", containers: [
            #"{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"100m","memory":"64Mi"}}"#,
        ], expected: .guaranteed),
        .init(name: "limits only (requests default to limits)",
              containers: [#"{"limits":{"cpu":"1","memory":"1Gi"}}"#], expected: .guaranteed),
        .init(name: "equal after summing", containers: [
            #"{"limits":{"cpu":"1","memory":"1Gi"}}"#, #"{"limits":{"cpu":"500m","memory":"512Mi"}}"#,
        ], expected: .guaranteed),
        .init(name: "cpu only", containers: [#"{"limits":{"cpu":"1"}}"#], expected: .burstable),
        .init(name: "request below limit", containers: [
            #"{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"200m","memory":"64Mi"}}"#,
        ], expected: .burstable),
        .init(name: "one best-effort container", containers: [
            #"{"limits":{"cpu":"1","memory":"1Gi"}}"#, "{}",
        ], expected: .burstable),
        .init(name: "init container counts", containers: [#"{"limits":{"cpu":"1","memory":"1Gi"}}"#],
              initContainers: [#"{"requests":{"cpu":"100m"}}"#], expected: .burstable),
    ]

    @Test(arguments: qosCases)
    func qos(_ testCase: QOSCase) throws {
        func list(_ resources: [String], _ prefix: String) -> String {
            resources.enumerated().map { #"{"name":"\#(prefix)\#($0.offset)","image":"x","resources":\#($0.element)}"# }
                .joined(separator: ",")
        }
        let pod = try ConfigFixtures.pod(spec: """
            {"containers":[\(list(testCase.containers, "c"))],"initContainers":[\(list(testCase.initContainers, "i"))]}
            """)
        #expect(PodQOS.compute(pod) == testCase.expected)
    }

    @Test func qosClassStrings() {
        #expect(PodQOS.Class.allCases.map(\.rawValue) == ["Guaranteed", "Burstable", "BestEffort"])
    }

    @Test(arguments: [
        (Int64(0), Int64(2)), (1, 2), (2, 2), (100, 102), (250, 256), (1000, 1024), (2500, 2560),
        (1_000_000, 262_144),
    ])
    func shares(milliCPU: Int64, expected: Int64) {
        #expect(CPUMath.shares(milliCPU: milliCPU) == expected)
    }

    @Test(arguments: [(Int64(0), Int64(0)), (5, 1000), (10, 1000), (100, 10_000), (250, 25_000), (1500, 150_000)])
    func quota(milliCPU: Int64, expected: Int64) {
        #expect(CPUMath.quota(milliCPU: milliCPU) == expected)
    }

    @Test func oomScore() {
        let gi: Int64 = 1 << 30
        #expect(OOMScore.containerAdjust(qos: .guaranteed, memoryRequest: 0, memoryCapacity: gi) == -997)
        #expect(OOMScore.containerAdjust(qos: .bestEffort, memoryRequest: 0, memoryCapacity: gi) == 1000)
        #expect(OOMScore.containerAdjust(qos: .burstable, memoryRequest: gi / 2, memoryCapacity: gi) == 500)
        #expect(OOMScore.containerAdjust(qos: .burstable, memoryRequest: 0, memoryCapacity: gi) == 999)
        #expect(OOMScore.containerAdjust(qos: .burstable, memoryRequest: 2 * gi, memoryCapacity: gi) == 3)
        #expect(OOMScore.containerAdjust(qos: .bestEffort, memoryRequest: 0, memoryCapacity: gi, nodeCritical: true)
            == -997)
        // A sidecar scores no higher than the regular container with the smallest request.
        #expect(OOMScore.containerAdjust(qos: .burstable, memoryRequest: 0, memoryCapacity: gi,
                                         sidecarFloorRequest: gi / 4) == 750)
        #expect(OOMScore.containerAdjust(qos: .burstable, memoryRequest: gi / 2, memoryCapacity: gi,
                                         sidecarFloorRequest: gi / 4) == 500)
    }

    static let base = #"{"name":"app","image":"nginx:1.25","command":["nginx"],"env":[{"name":"A","value":"1"}]}"#

    func container(_ json: String) throws -> Container {
        try ConfigFixtures.pod(spec: "{\"containers\":[\(json)]}").spec.containers[0]
    }

    @Test func hashIsStableAndHex() throws {
        let first = ContainerHash.compute(try container(Self.base))
        let reordered = ContainerHash.compute(
            try container(#"{"env":[{"value":"1","name":"A"}],"command":["nginx"],"image":"nginx:1.25","name":"app"}"#))
        #expect(first == reordered)
        #expect(!first.isEmpty && first.allSatisfy(\.isHexDigit))
        // A fixed value guards against accidental changes of the encoding, which would restart every container
        // after an agent upgrade.
        #expect(first == "c39b6eb587ef8116")
    }

    @Test(arguments: [
        #"{"name":"app","image":"nginx:1.26","command":["nginx"],"env":[{"name":"A","value":"1"}]}"#,
        #"{"name":"app","image":"nginx:1.25","command":["nginx","-g"],"env":[{"name":"A","value":"1"}]}"#,
        #"{"name":"app","image":"nginx:1.25","command":["nginx"],"env":[{"name":"A","value":"2"}]}"#,
        #"{"name":"app","image":"nginx:1.25","command":["nginx"],"env":[{"name":"A","value":"1"}],"args":["x"]}"#,
        #"{"name":"app","image":"nginx:1.25","command":["nginx"],"env":[{"name":"A","value":"1"}],"#
            + #""resources":{"limits":{"cpu":"1"}}}"#,
    ])
    func hashChangesWithTheSpec(_ changed: String) throws {
        #expect(ContainerHash.compute(try container(changed)) != ContainerHash.compute(try container(Self.base)))
    }

    @Test func probesDoNotChangeTheHash() throws {
        let probed = #"{"name":"app","image":"nginx:1.25","command":["nginx"],"env":[{"name":"A","value":"1"}],"# +
            #""livenessProbe":{"tcpSocket":{"port":80}}}"#
        #expect(ContainerHash.compute(try container(probed)) == ContainerHash.compute(try container(Self.base)))
    }
}
