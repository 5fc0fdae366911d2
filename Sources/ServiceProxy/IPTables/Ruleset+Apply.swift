extension IPTablesRuleset {
    /// The tables as they are after `iptables-restore --noflush` of `restore` onto `self`: each declared chain is
    /// created or flushed, the rules are appended, the edits applied, `-X` chains are deleted; chains not mentioned keep their rules.
    /// Tables not in `restore` are unchanged. Useful to check that a partial sync leaves the same rules as a full one.
    ///
    /// - Parameter restore: the restore input.
    /// - Returns: the resulting tables.
    public func applying(_ restore: IPTablesRuleset) -> IPTablesRuleset {
        var result = self
        for input in restore.tables {
            let index: Int
            if let found = result.tables.firstIndex(where: { $0.name == input.name }) {
                index = found
            } else {
                result.tables.append(Table(name: input.name))
                index = result.tables.count - 1
            }
            var table = result.tables[index]
            var rulesByChain: [String: [Rule]] = [:]
            var order = table.chains
            for rule in table.rules { rulesByChain[rule.chain, default: []].append(rule) }
            let known = Set(order.map(\.name))
            for chain in input.chains {
                rulesByChain[chain.name] = []
                if !known.contains(chain.name) { order.append(chain) }
            }
            for rule in input.rules { rulesByChain[rule.chain, default: []].append(rule) }
            for edit in input.edits {
                switch edit {
                case .delete(let chain, let spec):
                    if let index = rulesByChain[chain]?.firstIndex(where: { $0.spec == spec }) {
                        rulesByChain[chain]!.remove(at: index)
                    }
                case .insert(let chain, let position, let spec):
                    var rules = rulesByChain[chain] ?? []
                    rules.insert(Rule(chain: chain, spec: spec), at: min(max(position - 1, 0), rules.count))
                    rulesByChain[chain] = rules
                }
            }
            let deleted = Set(input.deletedChains)
            order.removeAll { deleted.contains($0.name) }
            table.chains = order
            table.rules = order.flatMap { rulesByChain[$0.name] ?? [] }
            table.deletedChains = []
            result.tables[index] = table
        }
        return result
    }

    /// The rules grouped by chain, per table: equal when two rulesets hold the same chains with the same rules in
    /// the same order, whatever the order of chains and interleaving of rules.
    public var chainContents: [IPTablesTable: [String: [String]]] {
        var result: [IPTablesTable: [String: [String]]] = [:]
        for table in self.tables {
            var chains: [String: [String]] = [:]
            for chain in table.chains { chains[chain.name] = [] }
            for rule in table.rules { chains[rule.chain, default: []].append(rule.spec) }
            result[table.name] = chains
        }
        return result
    }
}
