extension IPTablesRuleset {
    /// Splits a full sync's ruleset into several `iptables-restore --noflush` inputs, each atomic, in an order where
    /// every intermediate state is a working ruleset: the nat chains no per-service chain depends on first
    /// (KUBE-MARK-MASQ, KUBE-POSTROUTING), then whole services (each service's SVC, SVL, EXT, FW and SEP chains
    /// together, in stages of at most about `maxRules` rules), and last the chains that jump into them
    /// (KUBE-SERVICES, KUBE-NODEPORTS), the stale chains' flush and deletion, and the other tables. A chain is
    /// flushed and refilled within one stage, and a chain is only referenced once it is complete, so traffic keeps
    /// flowing throughout.
    ///
    /// Why: iptables-nft's `--noflush` mode spends time quadratic in the chains one restore names (it keeps them in a
    /// sorted linked list), so one restore of 85k rules takes many times a plain restore; stages of a few thousand
    /// rules do not. The chains keep the compiler's order (by service): creating them in sorted name order would
    /// make every later `iptables-save` quadratic (its chain sort is a first-element-pivot quicksort).
    ///
    /// - Parameter maxRules: the most rules per per-service stage.
    /// - Returns: the stages in order; one stage (`self`) when there is nothing to split.
    public func stagedForRestore(maxRules: Int) -> [IPTablesRuleset] {
        guard let nat = self.table(.nat), nat.rules.count > maxRules else { return [self] }
        let perService = ["KUBE-SEP-", "KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-"]
        func isPerService(_ chain: some StringProtocol) -> Bool { perService.contains { chain.hasPrefix($0) } }
        let deleted = Set(nat.deletedChains)
        var rulesByChain: [String: [Rule]] = [:]
        for rule in nat.rules { rulesByChain[rule.chain, default: []].append(rule) }
        // A service's chains (SVC, SVL, EXT, FW and its SEPs) jump only among themselves: union-find over the jumps
        // gives one group per service, restored whole in one stage (declared before any of its rules), so each
        // stage names each chain once and never refers back to a previous stage's chains.
        var parent: [String: String] = [:]
        func root(_ chain: String) -> String {
            var chain = chain
            while let next = parent[chain], next != chain { chain = next }
            return chain
        }
        var base = Table(name: .nat)
        var final = Table(name: .nat)
        var serviceChains: [Chain] = []
        for chain in nat.chains {
            if deleted.contains(chain.name) {
                final.chains.append(chain)
            } else if isPerService(chain.name) {
                serviceChains.append(chain)
                parent[chain.name] = chain.name
            } else if (rulesByChain[chain.name] ?? []).contains(where: { rule in
                perService.contains { rule.spec.contains("-j " + $0) }
            }) {
                // Top-level chains that jump into per-service chains are written last.
                final.chains.append(chain)
                final.rules += rulesByChain[chain.name] ?? []
            } else {
                base.chains.append(chain)
                base.rules += rulesByChain[chain.name] ?? []
            }
        }
        for chain in serviceChains {
            for rule in rulesByChain[chain.name] ?? [] {
                guard let range = rule.spec.range(of: "-j KUBE-") else { continue }
                let target = String(rule.spec[rule.spec.index(range.lowerBound, offsetBy: 3)...].prefix { $0 != " " })
                guard parent[target] != nil else { continue }
                let (a, b) = (root(chain.name), root(target))
                if a != b { parent[b] = a }
            }
        }
        var groupOrder: [String] = []
        var groups: [String: [Chain]] = [:]
        for chain in serviceChains {
            let group = root(chain.name)
            if groups[group] == nil { groupOrder.append(group) }
            groups[group, default: []].append(chain)
        }
        final.deletedChains = nat.deletedChains
        var stages = [IPTablesRuleset(tables: [base])]
        var stage = Table(name: .nat)
        for group in groupOrder {
            let chains = groups[group] ?? []
            let rules = chains.flatMap { rulesByChain[$0.name] ?? [] }
            if !stage.chains.isEmpty && stage.rules.count + rules.count > maxRules {
                stages.append(IPTablesRuleset(tables: [stage]))
                stage = Table(name: .nat)
            }
            stage.chains += chains
            stage.rules += rules
        }
        if !stage.chains.isEmpty { stages.append(IPTablesRuleset(tables: [stage])) }
        let others = self.tables.filter { $0.name != .nat }
        stages.append(IPTablesRuleset(tables: others + [final]))
        return stages
    }
}
