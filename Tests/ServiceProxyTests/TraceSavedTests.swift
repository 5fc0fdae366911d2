import Foundation
import ServiceProxy
import Testing

/// Fixtures/representative-full.save is `iptables-save` (1.8.9, nf_tables) of a network namespace after
/// `iptables-restore --noflush < representative-full.rules` and the jump rules of `IPTablesCompiler.jumpRules`
/// (captured once as root; the test itself needs no root). The kernel prints rules its own way (`/32`, options
/// reordered, `--set-xmark 0x4000/0x4000`, `--mask ... --rsource`), and every packet must trace the same on both.
@Suite struct TraceSavedTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func kernelSavedRulesTraceLikeTheCompiledOnes() throws {
        let golden = try String(
            contentsOf: Self.fixtures.appendingPathComponent("representative-full.rules"), encoding: .utf8)
        let save = try String(
            contentsOf: Self.fixtures.appendingPathComponent("representative-full.save"), encoding: .utf8)
        let compiler = IPTablesCompiler(config: TestNet.config)
        let compiled = try IPTablesRuleset.parse(save: golden).installingJumpRules(compiler.jumpRules)
        let live = try IPTablesRuleset.parse(save: save)
        #expect(live.chainNames(in: .nat).contains("KUBE-SVC-XPGD46QRK7WJZT7O"))
        let local = [TestNet.ip("192.168.0.2")]
        let fromCompiled = try PacketTracer(ruleset: compiled, localAddresses: local)
        let fromKernel = try PacketTracer(ruleset: live, localAddresses: local)
        let sources = ["10.0.1.5", "203.0.113.9", "198.51.100.1", "192.168.0.2", "127.0.0.1", "10.180.0.1", "5.6.7.8"]
        let destinations = [
            "172.30.0.41", "172.30.0.42", "172.30.0.43", "172.30.0.44", "172.30.0.45", "172.30.0.46", "172.30.0.47",
            "172.30.0.48", "192.168.0.2", "127.0.0.1", "1.2.3.4", "5.6.7.8", "192.168.99.22", "192.168.99.33",
            "192.168.99.66", "8.8.8.8",
        ]
        func summary(_ outcomes: [TraceOutcome]) -> [String] {
            outcomes.map {
                "\($0.dnat ?? "-") \($0.verdict) \($0.masqueraded) \(Int(($0.probability * 10000).rounded()))"
            }
            .sorted()
        }
        var differences: [String] = []
        var dnats = 0
        for source in sources {
            for destination in destinations {
                for port in [80, 53, 7777, 3001, 3002, 3003, 3006, 30000, 81] {
                    for proto in TransportProtocol.allCases {
                        for origin in [TracePacket.Origin.local, .inbound(interface: "eth0")] {
                            let packet = TracePacket(
                                source: TestNet.ip(source), destination: TestNet.ip(destination), destinationPort: port,
                                protocol: proto, origin: origin)
                            let want = summary(try fromCompiled.trace(packet))
                            let got = summary(try fromKernel.trace(packet))
                            if want != got {
                                differences.append("\(source) -> \(destination):\(port)/\(proto) \(origin)")
                            }
                            if want.contains(where: { !$0.hasPrefix("-") }) { dnats += 1 }
                        }
                    }
                }
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5))")
        #expect(dnats > 100)
    }
}
