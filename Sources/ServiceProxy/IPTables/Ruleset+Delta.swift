/// What the proxy's top-level chains (KUBE-SERVICES, KUBE-NODEPORTS, the filter chains: every chain that is not
/// one service's own) hold in the kernel after the last successful sync, per table: the rule specs in order.
public typealias IPTablesChainContents = [IPTablesTable: [String: [String]]]

extension IPTablesRuleset {
    /// One rule-level change to a chain that is not rewritten as a whole.
    public enum Edit: Hashable, Sendable {
        /// `-D chain spec`: deletes the first rule that matches `spec`.
        case delete(chain: String, spec: String)
        /// `-I chain position spec` (1-based): the rule ends up at `position`.
        case insert(chain: String, position: Int, spec: String)
    }

    /// The top-level chains' contents this ruleset writes (every declared chain that is not a service's own).
    public var topLevelContents: IPTablesChainContents {
        var result: IPTablesChainContents = [:]
        for table in self.tables where table.name != .mangle {
            var chains: [String: [String]] = [:]
            for chain in table.chains where !IPTablesChainName.isServiceChain(chain.name) {
                chains[chain.name] = []
            }
            for rule in table.rules where chains[rule.chain] != nil {
                chains[rule.chain]!.append(rule.spec)
            }
            result[table.name] = chains
        }
        return result
    }

    /// A partial sync's restore input cut down to what changed in the top-level chains.
    ///
    /// A partial sync's compilation writes every top-level chain in full (as upstream's KEP-3453 partial sync
    /// does), which at 10k services means flushing and refilling a KUBE-SERVICES of 10k rules even when one
    /// endpoint moved, and iptables-nft takes most of a second for that. Given what those chains hold now
    /// (`current`), each top-level chain is instead
    /// - left out when its rules are unchanged (the usual case: an endpoint change touches only its service's
    ///   KUBE-SVC-/KUBE-SEP- chains);
    /// - edited rule by rule (`-D` of the rules that left, `-I` at their exact positions of the rules that came)
    ///   when few rules changed and the kept rules keep their order, so the chain ends up exactly as written in
    ///   full;
    /// - written in full otherwise, or when its contents are not known.
    ///
    /// Per-service chains, deletions and other tables pass through unchanged.
    ///
    /// - Parameters:
    ///   - current: the top-level chains' contents now (``topLevelContents`` of the last full sync, carried forward).
    ///   - maxEdits: above `max(maxEdits, rules / 4)` changed rules a chain is written in full.
    /// - Returns: the ruleset to restore, and the top-level contents after it is applied.
    public func delta(against current: IPTablesChainContents, maxEdits: Int = 64)
        -> (ruleset: IPTablesRuleset, contents: IPTablesChainContents)
    {
        var contents = current
        var result = IPTablesRuleset()
        for var table in self.tables {
            guard table.name != .mangle else {
                result.tables.append(table)
                continue
            }
            let wanted = IPTablesRuleset(tables: [table]).topLevelContents[table.name] ?? [:]
            let known = current[table.name] ?? [:]
            var skipped = Set<String>()
            var edits: [Edit] = []
            for chain in table.chains where !IPTablesChainName.isServiceChain(chain.name) {
                let new = wanted[chain.name] ?? []
                contents[table.name, default: [:]][chain.name] = new
                guard let old = known[chain.name] else { continue }
                if old == new {
                    skipped.insert(chain.name)
                } else if let chainEdits = Self.edits(chain: chain.name, from: old, to: new),
                    chainEdits.count <= max(maxEdits, new.count / 4)
                {
                    skipped.insert(chain.name)
                    edits += chainEdits
                }
            }
            if !skipped.isEmpty {
                table.chains.removeAll { skipped.contains($0.name) }
                table.rules.removeAll { skipped.contains($0.chain) }
            }
            table.edits += edits
            if table.chains.isEmpty && table.rules.isEmpty && table.edits.isEmpty && table.deletedChains.isEmpty {
                continue
            }
            result.tables.append(table)
        }
        return (result, contents)
    }

    /// The `-D`/`-I` edits that turn `old` into exactly `new`, or nil when the rules both keep are not in the same
    /// order (then only a rewrite gives `new`). Deletions come first, then insertions in ascending position, so each
    /// insertion's position counts the rules already in place before it.
    public static func edits(chain: String, from old: [String], to new: [String]) -> [Edit]? {
        // The multiset difference both ways: duplicates count.
        var added: [String: Int] = [:]
        for spec in new { added[spec, default: 0] += 1 }
        var kept: [String] = []
        kept.reserveCapacity(old.count)
        var deletions: [Edit] = []
        for spec in old {
            if let count = added[spec], count > 0 {
                added[spec] = count - 1
                kept.append(spec)
            } else {
                deletions.append(.delete(chain: chain, spec: spec))
            }
        }
        var insertions: [Edit] = []
        var keptIndex = 0
        for (index, spec) in new.enumerated() {
            if keptIndex < kept.count && kept[keptIndex] == spec {
                keptIndex += 1
            } else if let count = added[spec], count > 0 {
                added[spec] = count - 1
                insertions.append(.insert(chain: chain, position: index + 1, spec: spec))
            } else {
                return nil  // a kept rule moved
            }
        }
        guard keptIndex == kept.count else { return nil }
        return deletions + insertions
    }
}
