import ServiceProxy
import Testing

@Suite("Apply: a large full sync restored in stages")
struct ApplyStagesTests {
    static func model(services: Int, endpoints: Int, from first: Int = 0)
        -> ([ServicePortName: ServicePortInfo], [ServicePortName: [EndpointInfo]])
    {
        var ports: [ServicePortName: ServicePortInfo] = [:]
        var eps: [ServicePortName: [EndpointInfo]] = [:]
        for index in first..<(first + services) {
            let name = ServicePortName(namespace: "ns", name: "svc-\(index)", port: "http")
            ports[name] = ServicePortInfo(
                clusterIP: IPv4Address(UInt32(0x0A60_0000 + index + 1)), port: 80, protocol: .tcp, nodePort: 30000 + index)
            eps[name] = (0..<endpoints).map { offset in
                EndpointInfo(ip: IPv4Address(UInt32(0x0A80_0000 + index * endpoints + offset)), port: 8080)
            }
        }
        return (ports, eps)
    }

    @Test("the stages, applied in order over the old rules, give exactly the one-restore result; each references only complete chains")
    func stagesEqualOneRestore() throws {
        let node = NodeContext(nodeName: "n", nodeIP: IPv4Address("10.0.0.1"))
        let old = Self.model(services: 120, endpoints: 3)
        let compiler = IPTablesCompiler(config: ProxierConfig())
        let before = compiler.compile(services: old.0, endpoints: old.1, node: node)
        let new = Self.model(services: 120, endpoints: 3, from: 40)  // 40 services gone, 40 new
        let full = compiler.compile(
            services: new.0, endpoints: new.1, node: node,
            options: IPTablesCompileOptions(existingNATChains: before.activeNATChains))
        let stages = full.ruleset.stagedForRestore(maxRules: 200)
        #expect(stages.count > 4)
        var staged = before.ruleset
        var chainsSoFar = Set(before.ruleset.chainNames(in: .nat))
        for stage in stages {
            // Every jump of a stage goes to a chain that exists by the end of that stage.
            let declared = chainsSoFar.union(stage.chainNames(in: .nat))
            for rule in stage.table(.nat)?.rules ?? [] {
                if let target = rule.spec.split(separator: " ").drop(while: { $0 != "-j" }).dropFirst().first,
                    target.hasPrefix("KUBE-")
                {
                    #expect(declared.contains(String(target)), "\(rule) jumps to an undeclared chain")
                }
            }
            staged = staged.applying(stage)
            chainsSoFar = Set(staged.chainNames(in: .nat))
        }
        let once = before.ruleset.applying(full.ruleset)
        #expect(staged.chainContents == once.chainContents)
    }
}
