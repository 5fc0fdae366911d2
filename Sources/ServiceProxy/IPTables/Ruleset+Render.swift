extension IPTablesRuleset {
    /// The ruleset as `iptables-restore` input: per table `*name`, the chain lines, the `-A` rules, the `-D`/`-I`
    /// edits, the `-X` deletions, `COMMIT`. Counters are always `[0:0]`.
    public func render() -> String {
        var capacity = 0
        for table in self.tables {
            capacity += 16 + table.chains.count * 40 + table.deletedChains.count * 30
            for rule in table.rules {
                capacity += rule.chain.utf8.count + rule.spec.utf8.count + 5
            }
        }
        var out = ""
        out.reserveCapacity(capacity)
        for table in self.tables {
            out += "*"
            out += table.name.rawValue
            out += "\n"
            for chain in table.chains {
                out += ":"
                out += chain.name
                out += " "
                out += chain.policy ?? "-"
                out += " [0:0]\n"
            }
            for rule in table.rules {
                out += "-A "
                out += rule.chain
                out += " "
                out += rule.spec
                out += "\n"
            }
            for edit in table.edits {
                switch edit {
                case .delete(let chain, let spec):
                    out += "-D \(chain) \(spec)\n"
                case .insert(let chain, let position, let spec):
                    out += "-I \(chain) \(position) \(spec)\n"
                }
            }
            for chain in table.deletedChains {
                out += "-X "
                out += chain
                out += "\n"
            }
            out += "COMMIT\n"
        }
        return out
    }
}
