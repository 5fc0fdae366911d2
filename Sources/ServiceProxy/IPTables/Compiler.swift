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
/// Services are written in ``ServicePortName`` order, so equal input gives equal text.
///
/// The compiler remembers what it wrote last (chain names, each service's top-level rules and chains), so keep one
/// compiler for the proxy's life and call it from one sync loop at a time. A partial sync trusts
/// ``IPTablesCompileOptions/changedServices`` to name every service changed since the previous `compile` call; after a
/// failed apply, or when the node context changes, do a full sync (upstream's `needFullSync`).
public struct IPTablesCompiler: Sendable {
    /// The settings.
    public let config: ProxierConfig
    let cache = CompilerCache()

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
        var cache = self.cache.take()
        defer { self.cache.put(cache) }
        var state = CompileState(config: self.config, node: node)
        state.writeTopLevel()
        let deleted: [String]
        if let changed = options.changedServices, !cache.order.isEmpty {
            deleted = self.compilePartial(&state, &cache, services, endpoints, changed, options.existingNATChains)
        } else {
            deleted = self.compileFull(&state, &cache, services, endpoints, options.existingNATChains)
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
            activeNATChains: cache.active,
            deletedChains: deleted,
            largeClusterMode: state.largeClusterMode,
            endpointCount: cache.endpointCount,
            filterRuleCount: state.filter.count,
            natRuleCount: state.nat.count + state.keptRuleCount,
            natRulesWritten: state.nat.count,
            noLocalEndpointsInternal: state.noLocalInternal,
            noLocalEndpointsExternal: state.noLocalExternal
        )
    }

    /// Writes every service; the cache's records, order and active set are rebuilt.
    private func compileFull(
        _ state: inout CompileState,
        _ cache: inout CompilerCache.Entries,
        _ services: [ServicePortName: ServicePortInfo],
        _ endpoints: [ServicePortName: [EndpointInfo]],
        _ existing: Set<String>?
    ) -> [String] {
        var endpointCount = 0
        for (name, _) in services {
            endpointCount += endpoints[name]?.count ?? 0
        }
        state.largeClusterMode = endpointCount > self.config.largeClusterEndpointsThreshold
        cache.pruneNames(services: services.count, endpoints: endpointCount)
        cache.services.reserveCapacity(services.count)
        cache.endpoints.reserveCapacity(endpointCount)
        state.activeNATChains.reserveCapacity(services.count * 3 + endpointCount)
        state.nat.rules.reserveCapacity(services.count * 4 + endpointCount * 3)
        let order = services.keys.sorted()
        var records: [ServiceRecord] = []
        records.reserveCapacity(order.count)
        for name in order {
            guard let info = services[name] else { continue }
            records.append(state.writeService(name, info, endpoints: endpoints[name] ?? [], cache: &cache))
        }
        cache.records = records
        cache.order = order
        cache.endpointCount = endpointCount
        cache.active = state.activeNATChains
        guard let existing else { return [] }
        return self.deleteStale(&state, existing.subtracting(cache.active))
    }

    /// Writes the changed services' chains and replays the others' top-level rules from the cache.
    private func compilePartial(
        _ state: inout CompileState,
        _ cache: inout CompilerCache.Entries,
        _ services: [ServicePortName: ServicePortInfo],
        _ endpoints: [ServicePortName: [EndpointInfo]],
        _ changed: Set<ServiceName>,
        _ existing: Set<String>?
    ) -> [String] {
        let previousActive = cache.active
        cache.active = []
        let changed = SmallSet(changed)
        // The changed services' ports, old and new.
        var oldChains = Set<String>()
        var endpointCount = cache.endpointCount
        var isChanged = [Bool](repeating: false, count: cache.order.count)
        for (index, name) in cache.order.enumerated() where changed.contains(name.service) {
            isChanged[index] = true
            oldChains.formUnion(cache.records[index].chains)
            endpointCount -= cache.records[index].endpointCount
        }
        var fresh: [ServicePortName] = []
        for name in services.keys where changed.contains(name.service) {
            fresh.append(name)
            endpointCount += endpoints[name]?.count ?? 0
        }
        fresh.sort()
        state.largeClusterMode = endpointCount > self.config.largeClusterEndpointsThreshold
        let unchanged = existing.map { $0 == previousActive } ?? false
        state.activeNATChains = previousActive
        state.activeNATChains.subtract(oldChains)

        // Merge the kept order with the fresh names, writing as we go.
        var order: [ServicePortName] = []
        var records: [ServiceRecord] = []
        order.reserveCapacity(cache.order.count + fresh.count)
        records.reserveCapacity(cache.order.count + fresh.count)
        var next = 0
        func writeFresh() {
            let name = fresh[next]
            next += 1
            guard let info = services[name] else { return }
            order.append(name)
            records.append(state.writeService(name, info, endpoints: endpoints[name] ?? [], cache: &cache))
        }
        for (index, name) in cache.order.enumerated() where !isChanged[index] {
            while next < fresh.count, fresh[next] < name {
                writeFresh()
            }
            state.replay(cache.records[index])
            order.append(name)
            records.append(cache.records[index])
        }
        while next < fresh.count {
            writeFresh()
        }
        cache.order = order
        cache.records = records
        cache.endpointCount = endpointCount
        cache.active = state.activeNATChains

        guard let existing else { return [] }
        if unchanged {
            // The usual case (the caller passes the previous compilation's set back): only the changed services'
            // old chains can be stale.
            let active = cache.active
            return self.deleteStale(&state, oldChains.filter { !active.contains($0) })
        }
        return self.deleteStale(&state, existing.subtracting(cache.active))
    }

    /// A set that is a few elements most of the time (the services changed since the last sync): linear search below
    /// 16 elements avoids hashing every service name of a large cluster.
    struct SmallSet {
        let few: [ServiceName]?
        let many: Set<ServiceName>

        init(_ set: Set<ServiceName>) {
            self.many = set
            self.few = set.count <= 16 ? Array(set) : nil
        }

        func contains(_ name: ServiceName) -> Bool {
            if let few = self.few { return few.contains(name) }
            return self.many.contains(name)
        }
    }

    /// Declares and deletes the per-service chains among `candidates`.
    private func deleteStale(_ state: inout CompileState, _ candidates: Set<String>) -> [String] {
        let stale = candidates.filter(IPTablesChainName.isServiceChain).sorted()
        for chain in stale {
            state.nat.chain(chain)
        }
        return stale
    }

    /// The rules in built-in chains that lead into the proxy's chains (upstream's `iptablesJumpChains`, plus the
    /// kubelet's `KUBE-FIREWALL` jumps when ``ProxierConfig/localhostNodePorts`` is set), in the order to insert
    /// them at the top of their chains.
    public var jumpRules: [IPTablesJumpRule] {
        let new = ["-m", "conntrack", "--ctstate", "NEW"]
        func jump(
            _ table: IPTablesTable, _ from: String, _ to: String, _ comment: String, _ extra: [String] = []
        )
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
