/// Follows a packet through an iptables ruleset as netfilter would (nat and filter tables), like upstream's
/// `tracePacket` test helper: which chains it passes, whether it is DNATed (one outcome per endpoint when
/// probability rules split it), rejected, dropped or accepted, and whether it is masqueraded.
///
/// ```swift
/// let compiler = IPTablesCompiler(config: config)
/// let rules = compiler.compile(services: s, endpoints: e, node: n).ruleset.installingJumpRules(compiler.jumpRules)
/// let tracer = try PacketTracer(ruleset: rules, localAddresses: [nodeIP])
/// let outcomes = try tracer.trace(TracePacket(source: client, destination: clusterIP, destinationPort: 80))
/// ```
///
/// Connection tracking is modelled as "the first packet of a new connection" (`--ctstate NEW`, plus `DNAT` once a
/// DNAT rule matched); `-m recent --rcheck` matches the (list, source) pairs given as `recent`.
public struct PacketTracer: Sendable {
    /// An entry of an `xt_recent` list: the list's name (a KUBE-SEP- chain) and a source IP in it.
    public struct RecentEntry: Hashable, Sendable {
        /// The list name.
        public var name: String
        /// The source IP.
        public var source: IPv4Address

        /// Creates an entry.
        public init(name: String, source: IPv4Address) {
            self.name = name
            self.source = source
        }
    }

    let chains: [IPTablesTable: [String: [(rule: TraceRule, text: String)]]]
    let policies: [IPTablesTable: [String: String]]
    let localAddresses: Set<IPv4Address>
    let recent: Set<RecentEntry>

    /// Prepares a tracer, parsing every rule once.
    ///
    /// - Parameters:
    ///   - ruleset: the rules, including the jumps from built-in chains (see
    ///     ``IPTablesRuleset/installingJumpRules(_:)``).
    ///   - localAddresses: the node's own addresses (`addrtype LOCAL`; 127.0.0.0/8 is always local).
    ///   - recent: entries present in `xt_recent` lists (session affinity state).
    /// - Throws: ``TraceError`` naming a rule the tracer does not understand.
    public init(
        ruleset: IPTablesRuleset, localAddresses: [IPv4Address], recent: Set<RecentEntry> = []
    ) throws(TraceError) {
        var chains: [IPTablesTable: [String: [(rule: TraceRule, text: String)]]] = [:]
        var policies: [IPTablesTable: [String: String]] = [:]
        for table in ruleset.tables {
            for chain in table.chains {
                chains[table.name, default: [:]][chain.name, default: []] = []
                if let policy = chain.policy { policies[table.name, default: [:]][chain.name] = policy }
            }
            for rule in table.rules {
                do {
                    let parsed = try TraceRule(rule.spec)
                    chains[table.name, default: [:]][rule.chain, default: []].append((parsed, rule.description))
                } catch {
                    throw TraceError(
                        chain: "\(table.name)/\(rule.chain)", rule: rule.description, message: error.message)
                }
            }
        }
        self.chains = chains
        self.policies = policies
        self.localAddresses = Set(localAddresses)
        self.recent = recent
    }

    /// Traces one packet.
    ///
    /// - Parameter packet: the packet.
    /// - Returns: every possible outcome with its probability (they sum to 1).
    /// - Throws: ``TraceError`` when a jump names a chain that does not exist.
    public func trace(_ packet: TracePacket) throws(TraceError) -> [TraceOutcome] {
        var start = FlowState(packet: packet)
        start.probability = 1
        let hooks: [(IPTablesTable, String)]
        switch packet.origin {
        case .local: hooks = [(.nat, "OUTPUT"), (.filter, "OUTPUT"), (.nat, "POSTROUTING")]
        case .inbound: hooks = [(.nat, "PREROUTING")]
        }
        var flows = try self.run(hooks: hooks, [start])
        if case .inbound = packet.origin {
            var next: [FlowState] = []
            for flow in flows where flow.verdict == nil {
                let local = self.isLocal(flow.destination)
                let after: [(IPTablesTable, String)] =
                    local ? [(.filter, "INPUT")] : [(.filter, "FORWARD"), (.nat, "POSTROUTING")]
                next += try self.run(hooks: after, [flow])
            }
            flows = flows.filter { $0.verdict != nil } + next
        }
        return flows.map { flow in
            TraceOutcome(
                chains: flow.chains,
                dnat: flow.dnat,
                verdict: flow.verdict ?? .accepted,
                masqueraded: flow.masqueraded,
                probability: flow.probability,
                recentEntries: flow.recentSet.map { RecentEntry(name: $0, source: packet.source) }
            )
        }
    }

    private func run(hooks: [(IPTablesTable, String)], _ flows: [FlowState]) throws(TraceError) -> [FlowState] {
        var current = flows
        for (table, chain) in hooks {
            var next: [FlowState] = []
            for flow in current {
                if flow.verdict != nil {
                    next.append(flow)
                    continue
                }
                guard self.chains[table]?[chain] != nil else {
                    next.append(flow)
                    continue
                }
                for var result in try self.evaluate(table, chain, flow) {
                    if result.ended == .fellThrough || result.ended == .returned {
                        if self.policies[table]?[chain] == "DROP" { result.state.verdict = .dropped }
                    }
                    next.append(result.state)
                }
            }
            current = next
        }
        return current
    }
}
