extension IPTablesRuleset {
    /// Splits a full sync's ruleset into several `iptables-restore --noflush` inputs, each atomic, in an order where
    /// every intermediate state is a working ruleset: the nat chains no per-service chain depends on first
    /// (KUBE-MARK-MASQ, KUBE-POSTROUTING), then SEP chains, then SVC/SVL, then EXT, then FW chains (each group in
    /// stages of at most `maxRules` rules), and last the chains that jump into them (KUBE-SERVICES,
    /// KUBE-NODEPORTS), the stale chains' flush and deletion, and the other tables. A chain is flushed and refilled
    /// within one stage, and a chain is only referenced once it is complete, so traffic keeps flowing throughout.
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
        func category(_ chain: String) -> Int? { perService.firstIndex { chain.hasPrefix($0) } }
        let deleted = Set(nat.deletedChains)
        var rulesByChain: [String: [Rule]] = [:]
        for rule in nat.rules { rulesByChain[rule.chain, default: []].append(rule) }
        // Top-level chains that jump into per-service chains are written last.
        let jumpsIntoServices: (String) -> Bool = { chain in
            (rulesByChain[chain] ?? []).contains { rule in perService.contains { rule.spec.contains("-j " + $0) } }
        }
        var base = Table(name: .nat)
        var final = Table(name: .nat)
        var groups: [[Chain]] = [[], [], [], []]
        for chain in nat.chains {
            if deleted.contains(chain.name) {
                final.chains.append(chain)
            } else if let index = category(chain.name) {
                groups[[0, 1, 1, 2, 3][index]].append(chain)  // SEP; SVC and SVL; EXT; FW
            } else if jumpsIntoServices(chain.name) {
                final.chains.append(chain)
                final.rules += rulesByChain[chain.name] ?? []
            } else {
                base.chains.append(chain)
                base.rules += rulesByChain[chain.name] ?? []
            }
        }
        final.deletedChains = nat.deletedChains
        var stages = [IPTablesRuleset(tables: [base])]
        for group in groups {
            var stage = Table(name: .nat)
            for chain in group {
                let rules = rulesByChain[chain.name] ?? []
                if !stage.chains.isEmpty && stage.rules.count + rules.count > maxRules {
                    stages.append(IPTablesRuleset(tables: [stage]))
                    stage = Table(name: .nat)
                }
                stage.chains.append(chain)
                stage.rules += rules
            }
            if !stage.chains.isEmpty { stages.append(IPTablesRuleset(tables: [stage])) }
        }
        let others = self.tables.filter { $0.name != .nat }
        stages.append(IPTablesRuleset(tables: others + [final]))
        return stages
    }
}
