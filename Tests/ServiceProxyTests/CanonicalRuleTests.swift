import Foundation
import ServiceProxy
import Testing

/// The canonical form against real `iptables-save` output: Fixtures/representative-full.save is what iptables 1.8.9
/// (nf_tables) printed after restoring representative-full.rules, which holds every kind of rule the compiler writes.
struct CanonicalRuleTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test("every chain of the compiled rules equals the same chain as iptables-save printed it")
    func compiledEqualsSaved() throws {
        let rules = try IPTablesRuleset.parse(
            save: String(contentsOf: Self.fixtures.appendingPathComponent("representative-full.rules"), encoding: .utf8))
        let saveText = try String(
            contentsOf: Self.fixtures.appendingPathComponent("representative-full.save"), encoding: .utf8)
        let saved = try IPTablesRuleset.parse(save: saveText)
        var compared = 0
        for table in rules.tables where table.name != .mangle {
            for chain in table.chains {
                let ours = table.rules(of: chain.name).map { IPTablesCanonicalRule.canonical($0.spec) }
                let theirs = saved.rules(in: table.name, chain: chain.name).map {
                    IPTablesCanonicalRule.canonical($0.spec)
                }
                #expect(ours == theirs, "\(table.name) \(chain.name)")
                compared += ours.count
            }
        }
        #expect(compared > 50)
        // The snapshot's digests agree with the compiled ruleset's: a full sync over these rules writes nothing.
        let snapshot = IPTablesApplier.parseSnapshotForTests(saveText)
        let pruned = rules.pruned(against: snapshot.digests)
        #expect(pruned.ruleset.tables.allSatisfy { $0.name == .mangle }, "\(pruned.ruleset.render())")
        #expect(pruned.unchanged == rules.tables.filter { $0.name != .mangle }.reduce(0) { $0 + $1.chains.count })
    }

    @Test(arguments: [
        ("-m tcp -p tcp -d 10.96.0.1 --dport 80 -j KUBE-SVC-X", "-d 10.96.0.2/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-X"),
        ("! -s 10.0.0.0/8 -d 10.96.0.1 -j KUBE-MARK-MASQ", "-s 10.0.0.0/8 ! -d 10.96.0.1/32 -j KUBE-MARK-MASQ"),
        ("-m statistic --mode random --probability 0.2000000000 -j A", "-m statistic --mode random --probability 0.25000000000 -j A"),
        ("-j DNAT --to-destination 10.1.0.1:80", "-j DNAT --to-destination 10.1.0.1:81"),
        ("-m comment --comment \"a b\" -j A", "-m comment --comment \"a c\" -j A"),
        ("-j KUBE-SEP-A", "-j KUBE-SEP-B"),
    ])
    func differencesThatMatterStay(ours: String, other: String) {
        #expect(IPTablesCanonicalRule.canonical(ours) != IPTablesCanonicalRule.canonical(other))
    }

    @Test(arguments: [
        ("-m tcp -p tcp -d 10.96.0.1 --dport 80 -j KUBE-SVC-X", "-d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-X"),
        ("-m statistic --mode random --probability 0.2000000000 -j A", "-m statistic --mode random --probability 0.20000000019 -j A"),
        ("-j MARK --or-mark 0x00004000", "-j MARK --set-xmark 0x4000/0x4000"),
        ("-j MARK --xor-mark 0x00004000", "-j MARK --set-xmark 0x4000/0x0"),
        ("-m comment --comment ns/a:p -j REJECT", "-m comment --comment \"ns/a:p\" -j REJECT --reject-with icmp-port-unreachable"),
        ("-m comment --comment \"x -> 10.0.0.1:80\" -j A", "-m comment --comment \"x -> 10.0.0.1:80\" -j A"),
    ])
    func spellingsOfOneRuleAgree(ours: String, saved: String) {
        #expect(IPTablesCanonicalRule.canonical(ours) == IPTablesCanonicalRule.canonical(saved))
    }
}
