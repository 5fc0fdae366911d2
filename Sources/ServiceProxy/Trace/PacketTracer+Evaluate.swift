/// One branch of a traced packet.
struct FlowState {
    var source: IPv4Address
    var destination: IPv4Address
    var port: Int
    var proto: String
    var interface: String?
    var mark: UInt32 = 0
    var dnat: String?
    var masqueraded = false
    var verdict: TraceOutcome.Verdict?
    var recentSet: [String] = []
    var chains: [String] = []
    var probability: Double = 1

    init(packet: TracePacket) {
        self.source = packet.source
        self.destination = packet.destination
        self.port = packet.destinationPort
        self.proto = packet.protocol.iptablesName
        if case .inbound(let interface) = packet.origin { self.interface = interface }
    }
}

extension PacketTracer {
    enum Ending: Equatable {
        /// Reached the end of the chain.
        case fellThrough
        /// `RETURN`.
        case returned
        /// `ACCEPT`, `DNAT` or `MASQUERADE`: this hook is done, the next one runs.
        case accepted
        /// `DROP` or `REJECT`.
        case terminal
    }

    struct ChainResult {
        var state: FlowState
        var ended: Ending
    }

    func evaluate(
        _ table: IPTablesTable, _ chain: String, _ state: FlowState, depth: Int = 0
    ) throws(TraceError)
        -> [ChainResult]
    {
        guard depth < 64 else {
            throw TraceError(chain: "\(table)/\(chain)", rule: "", message: "jump loop")
        }
        guard let rules = self.chains[table]?[chain] else {
            throw TraceError(chain: "\(table)/\(chain)", rule: "", message: "jump to a chain that does not exist")
        }
        var entered = state
        entered.chains.append("\(table)/\(chain)")
        var results: [ChainResult] = []
        var pending: [(Int, FlowState)] = [(0, entered)]
        while let (start, branch) = pending.popLast() {
            var index = start
            var flow = branch
            var finished = false
            while index < rules.count, !finished {
                let rule = rules[index].rule
                let chance = self.matchProbability(rule, flow)
                if chance == 0 {
                    index += 1
                    continue
                }
                if chance < 1 {
                    var miss = flow
                    miss.probability *= 1 - chance
                    pending.append((index + 1, miss))
                    flow.probability *= chance
                }
                for (match, _) in rule.matches {
                    if case .recentSet(let name) = match { flow.recentSet.append(name) }
                }
                switch rule.target {
                case .none:
                    index += 1
                case .markOr(let value):
                    flow.mark |= value
                    index += 1
                case .markXor(let value):
                    flow.mark ^= value
                    index += 1
                case .markSet(let value, let mask):
                    flow.mark = (flow.mark & ~mask) ^ value
                    index += 1
                case .accept:
                    results.append(ChainResult(state: flow, ended: .accepted))
                    finished = true
                case .drop, .reject:
                    flow.verdict = rule.target.isReject ? .rejected : .dropped
                    results.append(ChainResult(state: flow, ended: .terminal))
                    finished = true
                case .return:
                    results.append(ChainResult(state: flow, ended: .returned))
                    finished = true
                case .masquerade:
                    flow.masqueraded = true
                    results.append(ChainResult(state: flow, ended: .accepted))
                    finished = true
                case .dnat(let target):
                    flow.dnat = target
                    let parts = target.split(separator: ":")
                    if let ip = IPv4Address(parts[0]) { flow.destination = ip }
                    if parts.count > 1, let port = Int(parts[1]) { flow.port = port }
                    results.append(ChainResult(state: flow, ended: .accepted))
                    finished = true
                case .jump(let target):
                    for sub in try self.evaluate(table, target, flow, depth: depth + 1) {
                        if sub.ended == .fellThrough || sub.ended == .returned {
                            pending.append((index + 1, sub.state))
                        } else {
                            results.append(sub)
                        }
                    }
                    finished = true
                }
            }
            if !finished {
                results.append(ChainResult(state: flow, ended: .fellThrough))
            }
        }
        return results
    }

    /// The probability that `rule` matches `flow`: 0 or 1, or the rule's `--probability` when everything else
    /// matches.
    func matchProbability(_ rule: TraceRule, _ flow: FlowState) -> Double {
        var chance = 1.0
        for (match, negated) in rule.matches {
            var matched: Bool
            switch match {
            case .probability(let value):
                chance *= negated ? 1 - value : value
                continue
            case .proto(let name): matched = name == flow.proto
            case .source(let cidr): matched = cidr.contains(flow.source)
            case .destination(let cidr): matched = cidr.contains(flow.destination)
            case .inInterface(let name): matched = name == flow.interface
            case .destinationPort(let port): matched = port == flow.port
            case .srcTypeLocal: matched = self.isLocal(flow.source)
            case .dstTypeLocal: matched = self.isLocal(flow.destination)
            case .recentCheck(let name): matched = self.recent.contains(RecentEntry(name: name, source: flow.source))
            case .recentSet: matched = true
            case .mark(let value, let mask): matched = flow.mark & mask == value
            case .ctstate(let states):
                matched = states.contains("NEW") || (flow.dnat != nil && states.contains("DNAT"))
            }
            if matched == negated { return 0 }
        }
        return chance
    }

    func isLocal(_ ip: IPv4Address) -> Bool {
        ip.isLoopback || self.localAddresses.contains(ip)
    }
}

extension TraceRule.Target {
    var isReject: Bool {
        if case .reject = self { return true }
        return false
    }
}
