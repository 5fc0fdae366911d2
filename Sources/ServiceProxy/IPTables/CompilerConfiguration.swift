/// Settings of the iptables rule compiler, with kube-proxy's defaults.
public struct ProxierConfig: Hashable, Sendable {
    /// `--cluster-cidr`: traffic to a cluster IP from outside it is masqueraded, and pod traffic to an external
    /// destination of a `Local` service is short-circuited. nil disables both (upstream's "no local detector").
    public var clusterCIDR: IPv4CIDR?
    /// `--masquerade-all`: masquerade every packet to a cluster IP. Default false.
    public var masqueradeAll: Bool
    /// `--iptables-masquerade-bit`: the fwmark bit of "needs SNAT". Default 14 (`0x4000`).
    public var masqueradeBit: Int
    /// `--iptables-localhost-nodeports`: node ports answer on 127.0.0.0/8 too (and the anti-martian
    /// `KUBE-FIREWALL` rule is written). Default true.
    public var localhostNodePorts: Bool
    /// `--nodeport-addresses` resolved to this node's addresses; nil means every local address.
    public var nodePortAddresses: [IPv4Address]?
    /// Whether `net.netfilter.nf_conntrack_tcp_be_liberal` is set; if not, `KUBE-FORWARD` drops INVALID packets.
    public var conntrackTCPBeLiberal: Bool
    /// Whether `MASQUERADE` gets `--random-fully` (iptables 1.6.2 and newer).
    public var masqueradeRandomFully: Bool
    /// Above this many endpoints the per-endpoint rules lose their comments (upstream's large-cluster mode).
    public var largeClusterEndpointsThreshold: Int
    /// Whether a full sync also (re)creates `KUBE-PROXY-CANARY` in the mangle table.
    public var includeCanary: Bool

    /// Creates the configuration; every parameter defaults to kube-proxy's default.
    public init(
        clusterCIDR: IPv4CIDR? = nil,
        masqueradeAll: Bool = false,
        masqueradeBit: Int = 14,
        localhostNodePorts: Bool = true,
        nodePortAddresses: [IPv4Address]? = nil,
        conntrackTCPBeLiberal: Bool = false,
        masqueradeRandomFully: Bool = true,
        largeClusterEndpointsThreshold: Int = 1000,
        includeCanary: Bool = true
    ) {
        self.clusterCIDR = clusterCIDR
        self.masqueradeAll = masqueradeAll
        self.masqueradeBit = masqueradeBit
        self.localhostNodePorts = localhostNodePorts
        self.nodePortAddresses = nodePortAddresses
        self.conntrackTCPBeLiberal = conntrackTCPBeLiberal
        self.masqueradeRandomFully = masqueradeRandomFully
        self.largeClusterEndpointsThreshold = largeClusterEndpointsThreshold
        self.includeCanary = includeCanary
    }

    /// The mark as upstream prints it into restore input (Go's `%#08x`): `0x00004000` for bit 14.
    public var masqueradeMark: String {
        let hex = String(1 << self.masqueradeBit, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}

/// What one compilation should write.
public struct IPTablesCompileOptions: Hashable, Sendable {
    /// The services whose Service or EndpointSlices changed since the last successful sync; their per-service
    /// chains (SVC, SVL, EXT, FW, SEP) are written, the others' are left as they are in the kernel. nil means a
    /// full sync: every chain is written.
    public var changedServices: Set<ServiceName>?
    /// The nat chains that exist now (from `iptables-save -t nat`, or the previous compilation's
    /// ``IPTablesCompilation/activeNATChains``); per-service chains among them that are no longer used are flushed
    /// and deleted (`-X`). nil skips the deletion.
    public var existingNATChains: Set<String>?

    /// Creates the options; the default is a full sync without stale-chain deletion.
    public init(changedServices: Set<ServiceName>? = nil, existingNATChains: Set<String>? = nil) {
        self.changedServices = changedServices
        self.existingNATChains = existingNATChains
    }

    /// Whether every chain is written.
    public var isFullSync: Bool { self.changedServices == nil }
}

/// The output of one compilation.
public struct IPTablesCompilation: Sendable {
    /// What to feed `iptables-restore --noflush`: filter, nat and (full sync) mangle.
    public var ruleset: IPTablesRuleset
    /// Whether every per-service chain was written.
    public var isFullSync: Bool
    /// Every per-service nat chain that exists after this ruleset is applied, written or not; the next partial
    /// sync's ``IPTablesCompileOptions/existingNATChains``.
    public var activeNATChains: Set<String>
    /// The stale chains this ruleset deletes.
    public var deletedChains: [String]
    /// Whether comments were dropped from per-endpoint rules.
    public var largeClusterMode: Bool
    /// The number of endpoints across all services (the large-cluster measure).
    public var endpointCount: Int
    /// Rules in the filter table (`kubeproxy_sync_proxy_rules_iptables_total{table="filter"}`).
    public var filterRuleCount: Int
    /// Rules in the nat table after the sync, written or kept (`...iptables_total{table="nat"}`).
    public var natRuleCount: Int
    /// Rules in the nat table this ruleset writes (`...iptables_last{table="nat"}`).
    public var natRulesWritten: Int
    /// Services whose internal traffic policy is `Local` and that have no local endpoint.
    public var noLocalEndpointsInternal: Int
    /// Services whose external traffic policy is `Local` and that have no local endpoint.
    public var noLocalEndpointsExternal: Int
}

/// A rule in a built-in chain that sends traffic into the proxy's chains. `iptables-restore --noflush` cannot add
/// these without replacing the whole built-in chain, so the applier ensures them with `iptables -C`/`-I` on a full
/// sync, as upstream does.
public struct IPTablesJumpRule: Hashable, Sendable {
    /// The table.
    public var table: IPTablesTable
    /// The built-in chain (`PREROUTING`, `INPUT`, ...).
    public var from: String
    /// The proxy's chain.
    public var to: String
    /// The rule's arguments after the chain, e.g. `["-m", "conntrack", "--ctstate", "NEW", "-m", "comment",
    /// "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"]` (argv words, not shell-quoted).
    public var arguments: [String]

    /// Creates a jump rule.
    public init(table: IPTablesTable, from: String, to: String, arguments: [String]) {
        self.table = table
        self.from = from
        self.to = to
        self.arguments = arguments
    }
}
