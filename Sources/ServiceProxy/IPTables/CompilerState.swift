/// Chain and rule lines of one table under construction.
struct RuleBuffer {
    var chains: [IPTablesRuleset.Chain] = []
    var rules: [IPTablesRuleset.Rule] = []
    var count = 0

    mutating func chain(_ name: String) {
        self.chains.append(IPTablesRuleset.Chain(name))
    }

    mutating func rule(_ chain: String, _ spec: String) {
        self.count += 1
        self.rules.append(IPTablesRuleset.Rule(chain: chain, spec: spec))
    }
}

/// The state of one compilation: the table buffers and what upstream's `syncProxyRules` accumulates.
struct CompileState {
    let config: ProxierConfig
    let node: NodeContext
    let mark: String
    var filter = RuleBuffer()
    var nat = RuleBuffer()
    var keptRuleCount = 0
    var activeNATChains = Set<String>()
    var largeClusterMode = false
    var noLocalInternal = 0
    var noLocalExternal = 0
    var probabilities: [String] = []

    init(config: ProxierConfig, node: NodeContext) {
        self.config = config
        self.node = node
        self.mark = config.masqueradeMark
    }

    typealias C = IPTablesChainName

    /// An unchanged service in a partial sync: its top-level rules again, its chains kept as they are.
    mutating func replay(_ record: ServiceRecord) {
        self.filter.rules += record.filterRules
        self.filter.count += record.filterRules.count
        self.nat.rules += record.natTopRules
        self.nat.count += record.natTopRules.count
        self.keptRuleCount += record.chainRuleCount
        if record.noLocalInternal { self.noLocalInternal += 1 }
        if record.noLocalExternal { self.noLocalExternal += 1 }
    }

    /// Top-level chains and the rules that do not depend on services.
    mutating func writeTopLevel() {
        for chain in [C.services, C.externalServices, C.forward, C.nodePorts, C.proxyFirewall] {
            self.filter.chain(chain)
        }
        for chain in [C.services, C.nodePorts, C.postrouting, C.markMasq] {
            self.nat.chain(chain)
        }
        self.nat.rule(C.postrouting, "-m mark ! --mark \(self.mark)/\(self.mark) -j RETURN")
        self.nat.rule(C.postrouting, "-j MARK --xor-mark \(self.mark)")
        let random = self.config.masqueradeRandomFully ? " --random-fully" : ""
        self.nat.rule(
            C.postrouting, "-m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE\(random)")
        self.nat.rule(C.markMasq, "-j MARK --or-mark \(self.mark)")
        if self.config.localhostNodePorts {
            self.filter.chain(C.kubeletFirewall)
            self.filter.rule(
                C.kubeletFirewall,
                "-m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 "
                    + "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
        }
    }

    /// The rules after every service: the tail call to KUBE-NODEPORTS and KUBE-FORWARD.
    mutating func writeTail() {
        let comment =
            "-m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
        if let addresses = self.config.nodePortAddresses {
            for ip in addresses where !ip.isLoopback || self.config.localhostNodePorts {
                self.nat.rule(C.services, "\(comment) -d \(ip) -j \(C.nodePorts)")
            }
        } else {
            let localhost = self.config.localhostNodePorts ? "" : " ! -d 127.0.0.0/8"
            self.nat.rule(C.services, "\(comment) -m addrtype --dst-type LOCAL\(localhost) -j \(C.nodePorts)")
        }
        if !self.config.conntrackTCPBeLiberal {
            self.filter.rule(C.forward, "-m conntrack --ctstate INVALID -j DROP")
        }
        self.filter.rule(
            C.forward,
            "-m comment --comment \"kubernetes forwarding rules\" -m mark --mark \(self.mark)/\(self.mark) -j ACCEPT")
        self.filter.rule(
            C.forward,
            "-m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED "
                + "-j ACCEPT")
    }

    /// `--probability` of the rule that picks one of `n` remaining endpoints: 1/n printed `%0.10f`.
    mutating func probability(_ n: Int) -> String {
        while self.probabilities.count <= n {
            self.probabilities.append(Self.formatProbability(self.probabilities.count))
        }
        return self.probabilities[n]
    }

    /// 1/n with ten decimals, rounded as Go's `%0.10f` rounds the float64 (ties to even; the float's error is too
    /// small to cross a rounding boundary).
    static func formatProbability(_ n: Int) -> String {
        guard n > 1 else { return n == 1 ? "1.0000000000" : "<bad value>" }
        let scale: UInt64 = 10_000_000_000
        var quotient = scale / UInt64(n)
        let remainder = scale % UInt64(n)
        if 2 * remainder > UInt64(n) || (2 * remainder == UInt64(n) && quotient % 2 == 1) {
            quotient += 1
        }
        let digits = String(quotient)
        return "0." + String(repeating: "0", count: 10 - digits.count) + digits
    }
}
