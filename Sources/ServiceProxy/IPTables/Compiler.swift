import Synchronization

/// The pure iptables rule compiler: services, endpoints and node context in, the `iptables-restore` input of
/// upstream kube-proxy's iptables mode out (same chains, hash names, rules and comments).
///
/// ```swift
/// let compiler = IPTablesCompiler(config: ProxierConfig(clusterCIDR: IPv4CIDR("10.244.0.0/16")))
/// let full = compiler.compile(services: services, endpoints: endpoints, node: node)
/// let partial = compiler.compile(
///     services: services, endpoints: endpoints, node: node,
///     options: IPTablesCompileOptions(changedServices: [changed], existingNATChains: full.activeNATChains))
/// ```
///
/// Services are written in ``ServicePortName`` order, so equal input gives equal text. Chain names are cached
/// across calls (hashing 50k endpoint names costs more than writing their rules).
public struct IPTablesCompiler: Sendable {
    /// The settings.
    public let config: ProxierConfig
    let names = ChainNameCache()

    /// Creates a compiler.
    public init(config: ProxierConfig) {
        self.config = config
    }

    /// Compiles the ruleset.
    ///
    /// - Parameters:
    ///   - services: every service port the proxy serves.
    ///   - endpoints: the endpoints of each service port (ports without a service are ignored).
    ///   - node: the node the rules are for.
    ///   - options: full or partial sync, and the chains that exist now.
    /// - Returns: the ruleset and its bookkeeping.
    public func compile(
        services: [ServicePortName: ServicePortInfo],
        endpoints: [ServicePortName: [EndpointInfo]],
        node: NodeContext,
        options: IPTablesCompileOptions = IPTablesCompileOptions()
    ) -> IPTablesCompilation {
        var state = CompileState(config: self.config, node: node)
        state.writeTopLevel()

        var endpointCount = 0
        for (name, _) in services {
            endpointCount += endpoints[name]?.count ?? 0
        }
        state.largeClusterMode = endpointCount > self.config.largeClusterEndpointsThreshold

        let names = self.names.snapshot()
        var newNames = ChainNameCache.Entries()
        for name in services.keys.sorted() {
            guard let info = services[name] else { continue }
            let write = options.changedServices?.contains(name.service) ?? true
            state.writeService(
                name, info, endpoints: endpoints[name] ?? [], writeChains: write,
                names: names, newNames: &newNames)
        }
        self.names.merge(newNames, usedServices: services.count, usedEndpoints: endpointCount)

        var deleted: [String] = []
        if let existing = options.existingNATChains {
            for chain in existing.subtracting(state.activeNATChains).sorted() where
                IPTablesChainName.isServiceChain(chain)
            {
                state.nat.chain(chain)
                deleted.append(chain)
            }
        }
        state.writeTail()

        var tables = [
            IPTablesRuleset.Table(name: .filter, chains: state.filter.chains, rules: state.filter.rules),
            IPTablesRuleset.Table(
                name: .nat, chains: state.nat.chains, rules: state.nat.rules, deletedChains: deleted),
        ]
        if options.isFullSync && self.config.includeCanary {
            tables.append(IPTablesRuleset.Table(name: .mangle, chains: [.init(IPTablesChainName.canary)]))
        }
        return IPTablesCompilation(
            ruleset: IPTablesRuleset(tables: tables),
            isFullSync: options.isFullSync,
            activeNATChains: state.activeNATChains,
            deletedChains: deleted,
            largeClusterMode: state.largeClusterMode,
            endpointCount: endpointCount,
            filterRuleCount: state.filter.count,
            natRuleCount: state.nat.count + state.skipped.count,
            natRulesWritten: state.nat.count,
            noLocalEndpointsInternal: state.noLocalInternal,
            noLocalEndpointsExternal: state.noLocalExternal
        )
    }

    /// The rules in built-in chains that lead into the proxy's chains (upstream's `iptablesJumpChains`, plus the
    /// kubelet's `KUBE-FIREWALL` jumps when ``ProxierConfig/localhostNodePorts`` is set), in the order to insert
    /// them at the top of their chains.
    public var jumpRules: [IPTablesJumpRule] {
        let new = ["-m", "conntrack", "--ctstate", "NEW"]
        func jump(_ table: IPTablesTable, _ from: String, _ to: String, _ comment: String, _ extra: [String] = [])
            -> IPTablesJumpRule
        {
            let comment = comment.isEmpty ? [] : ["-m", "comment", "--comment", comment]
            return IPTablesJumpRule(table: table, from: from, to: to, arguments: extra + comment + ["-j", to])
        }
        typealias C = IPTablesChainName
        var rules = [
            jump(.filter, "INPUT", C.externalServices, "kubernetes externally-visible service portals", new),
            jump(.filter, "FORWARD", C.externalServices, "kubernetes externally-visible service portals", new),
            jump(.filter, "INPUT", C.nodePorts, "kubernetes health check service ports"),
            jump(.filter, "FORWARD", C.services, "kubernetes service portals", new),
            jump(.filter, "OUTPUT", C.services, "kubernetes service portals", new),
            jump(.filter, "FORWARD", C.forward, "kubernetes forwarding rules"),
            jump(.filter, "INPUT", C.proxyFirewall, "kubernetes load balancer firewall", new),
            jump(.filter, "OUTPUT", C.proxyFirewall, "kubernetes load balancer firewall", new),
            jump(.filter, "FORWARD", C.proxyFirewall, "kubernetes load balancer firewall", new),
            jump(.nat, "OUTPUT", C.services, "kubernetes service portals"),
            jump(.nat, "PREROUTING", C.services, "kubernetes service portals"),
            jump(.nat, "POSTROUTING", C.postrouting, "kubernetes postrouting rules"),
        ]
        if self.config.localhostNodePorts {
            rules.append(jump(.filter, "INPUT", C.kubeletFirewall, ""))
            rules.append(jump(.filter, "OUTPUT", C.kubeletFirewall, ""))
        }
        return rules
    }
}

/// Chain names computed by earlier compilations, so a sync hashes only new service ports and endpoints.
final class ChainNameCache: Sendable {
    struct Entries: Sendable {
        var services: [ServicePortName: ServiceChainNames] = [:]
        var endpoints: [EndpointKey: String] = [:]
    }

    struct EndpointKey: Hashable, Sendable {
        var service: ServicePortName
        var ip: IPv4Address
        var port: Int
    }

    private let entries = Mutex(Entries())

    /// The cached names.
    func snapshot() -> Entries {
        self.entries.withLock { $0 }
    }

    /// Adds `new`; when the cache has grown past twice what the last sync used (deleted services), it starts over.
    func merge(_ new: Entries, usedServices: Int, usedEndpoints: Int) {
        self.entries.withLock { entries in
            if entries.services.count > 2 * usedServices + 1024 || entries.endpoints.count > 2 * usedEndpoints + 1024 {
                entries = Entries()
            }
            entries.services.merge(new.services) { _, fresh in fresh }
            entries.endpoints.merge(new.endpoints) { _, fresh in fresh }
        }
    }
}
