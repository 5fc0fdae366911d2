extension CompileState {
    /// Every rule of one service port, in upstream's order.
    ///
    /// - Returns: what the service contributed, to replay while it stays unchanged.
    mutating func writeService(
        _ name: ServicePortName,
        _ info: ServicePortInfo,
        endpoints allEndpoints: [EndpointInfo],
        cache: inout CompilerCache.Entries
    ) -> ServiceRecord {
        var record = ServiceRecord()
        record.endpointCount = allEndpoints.count
        let filterStart = self.filter.rules.count
        let natStart = self.nat.rules.count
        let proto = info.protocol.iptablesName
        let svc = name.description
        let chains: ServiceChainNames
        if let cached = cache.services[name] {
            chains = cached
        } else {
            chains = ServiceChainNames(name)
            cache.services[name] = chains
        }
        let eps = CategorizedEndpoints(allEndpoints, info, zone: self.node.zone)

        let usesClusterChain = !eps.cluster.isEmpty && info.usesClusterEndpoints
        let usesLocalChain = !eps.local.isEmpty && info.usesLocalEndpoints
        var internalChain = chains.cluster
        var hasInternal = eps.hasAny
        if info.internalPolicyLocal {
            internalChain = chains.local
            hasInternal = hasInternal && !eps.local.isEmpty
        }
        var externalPolicyChain = chains.cluster
        var hasExternal = eps.hasAny
        if info.externalPolicyLocal {
            externalPolicyChain = chains.local
            hasExternal = hasExternal && !eps.local.isEmpty
        }
        let externalChain = chains.external
        let usesExternalChain = eps.hasAny && info.externallyAccessible
        let usesFirewall = eps.hasAny && !info.loadBalancerVIPs.isEmpty && !info.loadBalancerSourceRanges.isEmpty
        let loadBalancerChain = usesFirewall ? chains.firewall : externalChain

        var internalFilter = ("", "")
        var externalFilter = ("", "")
        if !eps.hasAny {
            internalFilter = ("REJECT", "\"\(svc) has no endpoints\"")
            externalFilter = internalFilter
        } else {
            if !hasInternal {
                internalFilter = ("DROP", "\"\(svc) has no local endpoints\"")
                self.noLocalInternal += 1
                record.noLocalInternal = true
            }
            if !hasExternal {
                externalFilter = ("DROP", "\"\(svc) has no local endpoints\"")
                self.noLocalExternal += 1
                record.noLocalExternal = true
            }
        }

        let match = "-m \(proto) -p \(proto)"
        let port = info.port
        let toClusterIP = "\(match) -d \(info.clusterIP) --dport \(port)"
        let toNodePort = "\(match) --dport \(info.nodePort)"
        let (internalTarget, internalComment) = internalFilter
        let (externalTarget, externalComment) = externalFilter
        // Cluster IP.
        if hasInternal {
            self.nat.rule(
                C.services,
                "-m comment --comment \"\(svc) cluster IP\" \(toClusterIP) -j \(internalChain)")
        } else {
            self.filter.rule(
                C.services,
                "-m comment --comment \(internalComment) \(toClusterIP) -j \(internalTarget)")
        }
        // External IPs.
        for ip in info.externalIPs {
            if eps.hasAny {
                self.nat.rule(
                    C.services,
                    "-m comment --comment \"\(svc) external IP\" \(match) -d \(ip) --dport \(port) -j \(externalChain)")
            }
            if !hasExternal {
                self.filter.rule(
                    C.externalServices,
                    "-m comment --comment \(externalComment) \(match) -d \(ip) --dport \(port) -j \(externalTarget)")
            }
        }
        // Load-balancer IPs.
        for ip in info.loadBalancerVIPs {
            if eps.hasAny {
                self.nat.rule(
                    C.services,
                    "-m comment --comment \"\(svc) loadbalancer IP\" \(match) -d \(ip) --dport \(port) "
                        + "-j \(loadBalancerChain)")
            }
            if usesFirewall {
                self.filter.rule(
                    C.proxyFirewall,
                    "-m comment --comment \"\(svc) traffic not accepted by \(chains.firewall)\" "
                        + "\(match) -d \(ip) --dport \(port) -j DROP")
            }
        }
        if !hasExternal {
            for ip in info.loadBalancerVIPs {
                self.filter.rule(
                    C.externalServices,
                    "-m comment --comment \(externalComment) \(match) -d \(ip) --dport \(port) -j \(externalTarget)")
            }
        }
        // Node port.
        if info.nodePort != 0 {
            if eps.hasAny {
                self.nat.rule(
                    C.nodePorts, "-m comment --comment \(svc) \(toNodePort) -j \(externalChain)")
            }
            if !hasExternal {
                self.filter.rule(
                    C.externalServices,
                    "-m comment --comment \(externalComment) -m addrtype --dst-type LOCAL \(toNodePort) "
                        + "-j \(externalTarget)")
            }
        }
        if info.healthCheckNodePort != 0 {
            self.filter.rule(
                C.nodePorts,
                "-m comment --comment \"\(svc) health check node port\" -m tcp -p tcp "
                    + "--dport \(info.healthCheckNodePort) -j ACCEPT")
        }

        // Per-service chains. The buffer is moved out so appends do not copy it.
        record.filterRules = Array(self.filter.rules[filterStart...])
        record.natTopRules = Array(self.nat.rules[natStart...])
        var out = self.nat
        self.nat = RuleBuffer()
        let chainRulesStart = out.count

        if hasInternal {
            let args = "-m comment --comment \"\(svc) cluster IP\" \(match) -d \(info.clusterIP) --dport \(port)"
            if self.config.masqueradeAll {
                out.rule(internalChain, "\(args) -j \(C.markMasq)")
            } else if let cidr = self.config.clusterCIDR {
                out.rule(internalChain, "\(args) ! -s \(cidr) -j \(C.markMasq)")
            }
        }

        if usesExternalChain {
            out.chain(externalChain)
            record.chains.append(externalChain)
            if !info.externalPolicyLocal {
                out.rule(
                    externalChain,
                    "-m comment --comment \"masquerade traffic for \(svc) external destinations\" -j \(C.markMasq)")
            } else {
                if let cidr = self.config.clusterCIDR {
                    out.rule(
                        externalChain,
                        "-m comment --comment \"pod traffic for \(svc) external destinations\" -s \(cidr) "
                            + "-j \(chains.cluster)")
                }
                out.rule(
                    externalChain,
                    "-m comment --comment \"masquerade LOCAL traffic for \(svc) external destinations\" "
                        + "-m addrtype --src-type LOCAL -j \(C.markMasq)")
                out.rule(
                    externalChain,
                    "-m comment --comment \"route LOCAL traffic for \(svc) external destinations\" "
                        + "-m addrtype --src-type LOCAL -j \(chains.cluster)")
            }
            if hasExternal {
                out.rule(externalChain, "-j \(externalPolicyChain)")
            }
        }

        if usesFirewall {
            out.chain(chains.firewall)
            record.chains.append(chains.firewall)
            let args = "-m comment --comment \"\(svc) loadbalancer IP\""
            var allowFromNode = false
            for cidr in info.loadBalancerSourceRanges {
                out.rule(chains.firewall, "\(args) -s \(cidr) -j \(externalChain)")
                if let nodeIP = self.node.nodeIP, cidr.contains(nodeIP) { allowFromNode = true }
            }
            if allowFromNode {
                for ip in info.loadBalancerVIPs {
                    out.rule(chains.firewall, "\(args) -s \(ip) -j \(externalChain)")
                }
            }
            out.rule(
                chains.firewall,
                "-m comment --comment \"other traffic to \(svc) will be dropped by KUBE-PROXY-FIREWALL\"")
        }

        var endpointChains: [EndpointInfo: String] = [:]
        endpointChains.reserveCapacity(eps.reachable.count)
        for endpoint in eps.reachable {
            let key = CompilerCache.EndpointKey(service: name, ip: endpoint.ip, port: endpoint.port)
            if let cached = cache.endpoints[key] {
                endpointChains[endpoint] = cached
            } else {
                let chain = IPTablesChainName.endpoint(name, endpoint)
                cache.endpoints[key] = chain
                endpointChains[endpoint] = chain
            }
        }

        if usesClusterChain {
            out.chain(chains.cluster)
            record.chains.append(chains.cluster)
            self.writeServiceToEndpoints(&out, svc, info, chains.cluster, eps.cluster, endpointChains)
        }
        if usesLocalChain {
            out.chain(chains.local)
            record.chains.append(chains.local)
            self.writeServiceToEndpoints(&out, svc, info, chains.local, eps.local, endpointChains)
        }

        let comment = self.largeClusterMode ? "" : "-m comment --comment \(svc) "
        for endpoint in eps.reachable {
            guard let chain = endpointChains[endpoint] else { continue }
            out.chain(chain)
            record.chains.append(chain)
            out.rule(chain, "\(comment)-s \(endpoint.ip) -j \(C.markMasq)")
            let affinity = info.sessionAffinity == .none ? "" : "-m recent --name \(chain) --set "
            out.rule(chain, "\(comment)\(affinity)\(match) -j DNAT --to-destination \(endpoint)")
        }
        record.chainRuleCount = out.count - chainRulesStart
        self.activeNATChains.formUnion(record.chains)
        self.nat = out
        return record
    }

    /// The jumps from a policy chain (SVC or SVL) to its endpoints' SEP chains: affinity checks first, then one
    /// random pick per endpoint.
    mutating func writeServiceToEndpoints(
        _ out: inout RuleBuffer,
        _ svc: String,
        _ info: ServicePortInfo,
        _ chain: String,
        _ endpoints: [EndpointInfo],
        _ endpointChains: [EndpointInfo: String]
    ) {
        if case .clientIP(let timeout) = info.sessionAffinity {
            for endpoint in endpoints {
                guard let target = endpointChains[endpoint] else { continue }
                let comment = self.largeClusterMode ? "" : "-m comment --comment \"\(svc) -> \(endpoint)\" "
                out.rule(
                    chain, "\(comment)-m recent --name \(target) --rcheck --seconds \(timeout) --reap -j \(target)")
            }
        }
        let count = endpoints.count
        for (index, endpoint) in endpoints.enumerated() {
            guard let target = endpointChains[endpoint] else { continue }
            let comment = self.largeClusterMode ? "" : "-m comment --comment \"\(svc) -> \(endpoint)\" "
            if index < count - 1 {
                let probability = self.probability(count - index)
                out.rule(chain, "\(comment)-m statistic --mode random --probability \(probability) -j \(target)")
            } else {
                out.rule(chain, "\(comment)-j \(target)")
            }
        }
    }
}
