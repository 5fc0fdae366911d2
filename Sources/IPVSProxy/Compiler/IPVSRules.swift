public import ServiceProxy

/// The few iptables rules IPVS mode needs (upstream's IPVS `writeIptablesRules`): the ipsets matched from
/// KUBE-SERVICES, KUBE-NODE-PORT and KUBE-POSTROUTING, the masquerade mark, and the filter chains.
public enum IPVSRules {
    /// The nat chains IPVS mode owns.
    public static let natChains = ["KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER",
                                   "KUBE-MARK-MASQ"]
    /// The filter chains IPVS mode owns.
    public static let filterChains = ["KUBE-FORWARD", "KUBE-NODE-PORT", "KUBE-PROXY-FIREWALL",
                                      "KUBE-SOURCE-RANGES-FIREWALL", "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER"]

    /// The jumps from the built-in chains (upstream's `iptablesJumpChain`), ensured outside the restore.
    public static let jumpRules: [IPTablesJumpRule] = [
        (IPTablesTable.nat, "OUTPUT", "KUBE-SERVICES", "kubernetes service portals"),
        (.nat, "PREROUTING", "KUBE-SERVICES", "kubernetes service portals"),
        (.nat, "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules"),
        (.filter, "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules"),
        (.filter, "INPUT", "KUBE-NODE-PORT", "kubernetes health check rules"),
        (.filter, "INPUT", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules"),
        (.filter, "FORWARD", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules"),
        (.filter, "INPUT", "KUBE-IPVS-FILTER", "kubernetes ipvs access filter"),
        (.filter, "OUTPUT", "KUBE-IPVS-OUT-FILTER", "kubernetes ipvs access filter"),
    ].map { IPTablesJumpRule(table: $0.0, from: $0.1, to: $0.2, arguments: ["-m", "comment", "--comment", $0.3, "-j", $0.2]) }

    /// Sets matched by one rule each, in upstream's `ipsetWithIptablesChain` order.
    static let setRules: [(set: String, table: IPTablesTable, from: String, to: String, match: String, proto: String?)] = [
        (IPVSSetName.loopBack, .nat, "KUBE-POSTROUTING", "MASQUERADE", "dst,dst,src", nil),
        (IPVSSetName.loadBalancer, .nat, "KUBE-SERVICES", "KUBE-LOAD-BALANCER", "dst,dst", nil),
        (IPVSSetName.loadBalancerLocal, .nat, "KUBE-LOAD-BALANCER", "RETURN", "dst,dst", nil),
        (IPVSSetName.nodePortLocalTCP, .nat, "KUBE-NODE-PORT", "RETURN", "dst", "tcp"),
        (IPVSSetName.nodePortTCP, .nat, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", "tcp"),
        (IPVSSetName.nodePortLocalUDP, .nat, "KUBE-NODE-PORT", "RETURN", "dst", "udp"),
        (IPVSSetName.nodePortUDP, .nat, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", "udp"),
        (IPVSSetName.nodePortLocalSCTP, .nat, "KUBE-NODE-PORT", "RETURN", "dst,dst", "sctp"),
        (IPVSSetName.nodePortSCTP, .nat, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst,dst", "sctp"),
        (IPVSSetName.loadBalancerFW, .filter, "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst", nil),
        (IPVSSetName.loadBalancerSourceCIDR, .filter, "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", nil),
        (IPVSSetName.loadBalancerSourceIP, .filter, "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", nil),
    ]

    static func quote(_ comment: String) -> String { "\"\(comment)\"" }

    /// The restore input for `sets` (the compiled members; a rule matching an empty set is left out, as upstream).
    public static func render(config: IPVSCompilerConfig, sets: [String: Set<String>]) -> String {
        var nat: [String] = []
        var filter: [String] = []
        let mark = config.masqueradeMark
        func has(_ set: String) -> Bool { !(sets[set]?.isEmpty ?? true) }
        nat.append("-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN")
        for rule in self.setRules where has(rule.set) {
            var words = ["-A", rule.from]
            if let proto = rule.proto { words += ["-p", proto] }
            words += ["-m", "comment", "--comment", self.quote(IPVSSetName.comment(rule.set)), "-m", "set",
                      "--match-set", rule.set, rule.match, "-j", rule.to]
            if rule.table == .filter { filter.append(words.joined(separator: " ")) } else {
                nat.append(words.joined(separator: " "))
            }
        }
        if has(IPVSSetName.clusterIP) {
            let prefix = "-A KUBE-SERVICES -m comment --comment \(self.quote(IPVSSetName.comment(IPVSSetName.clusterIP)))"
                + " -m set --match-set \(IPVSSetName.clusterIP)"
            if config.masqueradeAll {
                nat.append("\(prefix) dst,dst -j KUBE-MARK-MASQ")
            } else if let cidr = config.clusterCIDR {
                nat.append("\(prefix) dst,dst ! -s \(cidr) -j KUBE-MARK-MASQ")
            } else {
                nat.append("\(prefix) src,dst -j KUBE-MARK-MASQ")
            }
        }
        for set in [IPVSSetName.externalIP, IPVSSetName.externalIPLocal] where has(set) {
            let prefix = "-A KUBE-SERVICES -m comment --comment \(self.quote(IPVSSetName.comment(set)))"
                + " -m set --match-set \(set) dst,dst"
            if set == IPVSSetName.externalIP { nat.append("\(prefix) -j KUBE-MARK-MASQ") }
            nat.append("\(prefix) -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT")
            nat.append("\(prefix) -m addrtype --dst-type LOCAL -j ACCEPT")
        }
        nat.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT")
        nat.append("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ")
        filter.append("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP")
        for set in [IPVSSetName.clusterIP, IPVSSetName.loadBalancer] where has(set) {
            nat.append("-A KUBE-SERVICES -m set --match-set \(set) dst,dst -j ACCEPT")
        }
        filter.append(
            "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark \(mark)/\(mark) -j ACCEPT")
        filter.append(
            "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate "
                + "RELATED,ESTABLISHED -j ACCEPT")
        filter.append(
            "-A KUBE-NODE-PORT -m comment --comment \(self.quote(IPVSSetName.comment(IPVSSetName.healthCheckNodePort)))"
                + " -m set --match-set \(IPVSSetName.healthCheckNodePort) dst -j ACCEPT")
        for (set, match) in [
            (IPVSSetName.loadBalancer, "dst,dst"), (IPVSSetName.clusterIP, "dst,dst"), (IPVSSetName.externalIP, "dst,dst"),
            (IPVSSetName.externalIPLocal, "dst,dst"), (IPVSSetName.healthCheckNodePort, "dst"),
        ] {
            filter.append("-A KUBE-IPVS-FILTER -m set --match-set \(set) \(match) -j RETURN")
        }
        filter.append("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set \(IPVSSetName.ipvsIPs) dst -j REJECT")
        nat.append("-A KUBE-POSTROUTING -m mark ! --mark \(mark)/\(mark) -j RETURN")
        nat.append("-A KUBE-POSTROUTING -j MARK --xor-mark \(mark)")
        nat.append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully")
        nat.append("-A KUBE-MARK-MASQ -j MARK --or-mark \(mark)")
        var lines = ["*filter"] + self.filterChains.map { ":\($0) - [0:0]" } + filter + ["COMMIT"]
        lines += ["*nat"] + self.natChains.map { ":\($0) - [0:0]" } + nat + ["COMMIT"]
        return lines.joined(separator: "\n") + "\n"
    }
}
