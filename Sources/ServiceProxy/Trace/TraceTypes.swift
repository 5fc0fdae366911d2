/// A packet to trace: the first packet of a new connection.
public struct TracePacket: Hashable, Sendable {
    /// Where a packet enters the node.
    public enum Origin: Hashable, Sendable {
        /// Arrives on an interface (PREROUTING, then INPUT or FORWARD, then POSTROUTING).
        case inbound(interface: String)
        /// Sent by a process on the node (OUTPUT, then POSTROUTING).
        case local
    }

    /// Source IP.
    public var source: IPv4Address
    /// Destination IP.
    public var destination: IPv4Address
    /// Destination port.
    public var destinationPort: Int
    /// Protocol.
    public var `protocol`: TransportProtocol
    /// Where the packet comes from.
    public var origin: Origin

    /// Creates a packet.
    public init(
        source: IPv4Address,
        destination: IPv4Address,
        destinationPort: Int,
        protocol: TransportProtocol = .tcp,
        origin: Origin = .inbound(interface: "eth0")
    ) {
        self.source = source
        self.destination = destination
        self.destinationPort = destinationPort
        self.protocol = `protocol`
        self.origin = origin
    }
}

/// One way a traced packet can go (a probability rule splits the trace into one outcome per branch).
public struct TraceOutcome: Hashable, Sendable, CustomStringConvertible {
    /// What finally happened to the packet.
    public enum Verdict: Hashable, Sendable {
        /// Passed every hook (accepted or fell through to an ACCEPT policy).
        case accepted
        /// Dropped (`DROP`, or a DROP policy).
        case dropped
        /// Rejected (`REJECT`).
        case rejected
    }

    /// The chains traversed in order, as `table/chain` (e.g. `nat/KUBE-SVC-...`).
    public var chains: [String]
    /// The DNAT target, if a rule rewrote the destination.
    public var dnat: String?
    /// The verdict.
    public var verdict: Verdict
    /// Whether POSTROUTING masqueraded the packet.
    public var masqueraded: Bool
    /// The probability of this branch (1 without probability rules).
    public var probability: Double
    /// The `xt_recent` entries `-m recent --set` added on the way (session affinity): give them to the next
    /// tracer to see the client pinned.
    public var recentEntries: [PacketTracer.RecentEntry] = []

    /// Whether the trace went through `chain` in any table.
    public func visited(_ chain: String) -> Bool {
        self.chains.contains { $0.hasSuffix("/" + chain) }
    }

    /// `DNAT 10.0.0.1:80 masq p=0.5 via nat/PREROUTING > ...`.
    public var description: String {
        let target = self.dnat.map { "DNAT \($0)" } ?? "\(self.verdict)"
        let masquerade = self.masqueraded ? " masq" : ""
        return "\(target)\(masquerade) p=\(self.probability) via \(self.chains.joined(separator: " > "))"
    }
}

/// A rule the tracer cannot evaluate, naming it.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `table/chain`.
    public var chain: String
    /// The rule's text.
    public var rule: String
    /// What is not understood.
    public var message: String

    /// `nat/KUBE-SERVICES: unsupported match "--foo": -A KUBE-SERVICES --foo -j X`.
    public var description: String { "\(self.chain): \(self.message): \(self.rule)" }
}

extension IPTablesRuleset {
    /// The ruleset with the jump rules from built-in chains added as the applier inserts them (each at the top, so
    /// the last one ends first), declaring the built-in chains with policy ACCEPT where missing. A compiled ruleset
    /// needs this before tracing; a parsed `iptables-save` already has them.
    public func installingJumpRules(_ jumps: [IPTablesJumpRule]) -> IPTablesRuleset {
        var copy = self
        for jump in jumps {
            var index: Int
            if let found = copy.tables.firstIndex(where: { $0.name == jump.table }) {
                index = found
            } else {
                copy.tables.append(Table(name: jump.table))
                index = copy.tables.count - 1
            }
            if !copy.tables[index].declares(jump.from) {
                copy.tables[index].chains.insert(Chain(jump.from, policy: "ACCEPT"), at: 0)
            }
            let spec = jump.arguments.map(Self.quote).joined(separator: " ")
            copy.tables[index].rules.insert(Rule(chain: jump.from, spec: spec), at: 0)
        }
        return copy
    }

    static func quote(_ word: String) -> String {
        word.contains(" ") || word.isEmpty ? "\"\(word)\"" : word
    }
}
