import ServiceProxy
import Testing

/// `IPTablesRestorePlan`: what a sync restores, from the compilation and what is known of the kernel.
struct RestorePlanTests {
    static let node = NodeContext(nodeName: "n", nodeIP: IPv4Address("10.0.0.1"))

    static func compiled(services: Int) -> IPTablesCompilation {
        let (ports, endpoints) = ApplyStagesTests.model(services: services, endpoints: 3)
        return IPTablesCompiler(config: ProxierConfig()).compile(services: ports, endpoints: endpoints, node: Self.node)
    }

    @Test("a full sync over a kernel that already holds every chain writes only the canary")
    func fullOverSameRules() throws {
        let compilation = Self.compiled(services: 20)
        let saved = compilation.ruleset.tables.filter { $0.name != .mangle }
        // A snapshot in the compiler's own spelling: the canonical form makes it equal to iptables-save's.
        let snapshot = IPTablesApplier.parseSnapshotForTests(IPTablesRuleset(tables: saved).render())
        let plan = IPTablesRestorePlan(
            ruleset: compilation.ruleset, full: true, kernel: snapshot, topLevel: nil, stageRules: 2000,
            missingJumps: [])
        #expect(plan.input == "*mangle\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n")
        #expect(plan.topLevel == compilation.ruleset.topLevelContents)
    }

    @Test("a cold full sync is staged in one input, each stage its own COMMIT, the missing jumps in the last")
    func coldFullIsStaged() {
        let compilation = Self.compiled(services: 120)
        let jumps = IPTablesCompiler(config: ProxierConfig()).jumpRules
        let plan = IPTablesRestorePlan(
            ruleset: compilation.ruleset, full: true, kernel: IPTablesApplier.parseSnapshotForTests(""),
            topLevel: nil, stageRules: 200, missingJumps: jumps)
        let blocks = plan.input.components(separatedBy: "COMMIT\n").dropLast()
        #expect(blocks.count > 3)
        #expect(blocks.dropLast().allSatisfy { !$0.contains("-I PREROUTING") })
        #expect(blocks.last?.contains("-I PREROUTING") == true)
    }

    @Test("a partial sync without known top-level contents writes everything compiled; with them, only the change")
    func partial() {
        let compilation = Self.compiled(services: 20)
        let unknown = IPTablesRestorePlan(
            ruleset: compilation.ruleset, full: false, kernel: nil, topLevel: nil, stageRules: 2000, missingJumps: [])
        #expect(unknown.input == compilation.ruleset.render())
        let known = IPTablesRestorePlan(
            ruleset: compilation.ruleset, full: false, kernel: nil, topLevel: compilation.ruleset.topLevelContents,
            stageRules: 2000, missingJumps: [])
        #expect(!known.input.contains(":KUBE-SERVICES"))
        #expect(known.topLevel == compilation.ruleset.topLevelContents)
    }
}
