public import ServiceProxy

/// What IPVS mode compiles from the services and endpoints, and how.
public struct IPVSCompilerConfig: Hashable, Sendable {
    /// The scheduler of every virtual server (`--ipvs-scheduler`; upstream defaults an empty one to `rr`).
    public var scheduler: String
    /// The addresses NodePort virtual servers listen on (the node's IPs).
    public var nodePortAddresses: [IPv4Address]
    /// `--cluster-cidr`: traffic to a ClusterIP from outside it is masqueraded. nil: masquerade node-originated
    /// traffic with a VIP source only (upstream's behaviour without a local-traffic detector).
    public var clusterCIDR: IPv4CIDR?
    /// `--masquerade-all`.
    public var masqueradeAll: Bool
    /// `--iptables-masquerade-bit` (14 → mark `0x00004000`).
    public var masqueradeBit: Int
    /// The dummy link every service address is bound to.
    public var dummyDevice: String

    public init(
        scheduler: String = "rr", nodePortAddresses: [IPv4Address] = [], clusterCIDR: IPv4CIDR? = nil,
        masqueradeAll: Bool = false, masqueradeBit: Int = 14, dummyDevice: String = "kube-ipvs0"
    ) {
        self.scheduler = scheduler.isEmpty ? "rr" : scheduler
        self.nodePortAddresses = nodePortAddresses
        self.clusterCIDR = clusterCIDR
        self.masqueradeAll = masqueradeAll
        self.masqueradeBit = masqueradeBit
        self.dummyDevice = dummyDevice
    }

    /// The mark as upstream prints it (`%#08x`): `0x00004000`.
    public var masqueradeMark: String {
        let hex = String(1 << self.masqueradeBit, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}

/// One virtual server the proxy wants, with its real servers (all weight 1, masquerade).
public struct IPVSDesiredServer: Hashable, Sendable {
    public var server: IPVSVirtualServer
    public var destinations: Set<IPVSRealServer>
    /// The service port it serves (for logs).
    public var servicePort: ServicePortName
}

/// The whole desired IPVS-mode state: virtual servers, the addresses on kube-ipvs0, the ipsets' members and the
/// iptables rules.
public struct IPVSDesiredState: Hashable, Sendable {
    public var servers: [IPVSServiceKey: IPVSDesiredServer] = [:]
    public var boundAddresses: Set<IPv4Address> = []
    /// Every managed set (from ``IPVSSetName/all``), empty ones included, with its members.
    public var sets: [String: Set<String>] = [:]
    /// `iptables-restore --noflush` input for the nat and filter tables.
    public var iptablesRules: String = ""
}

/// Compiles services and endpoints into ``IPVSDesiredState``, as upstream's IPVS `syncProxyRules` decides it.
/// Pure: no I/O, the same input gives the same output.
///
/// ```swift
/// let state = IPVSCompiler(config: IPVSCompilerConfig(scheduler: "rr", nodePortAddresses: [nodeIP]))
///     .compile(services: inputs.services, endpoints: inputs.endpoints)
/// ```
public struct IPVSCompiler: Sendable {
    public var config: IPVSCompilerConfig

    public init(config: IPVSCompilerConfig) {
        self.config = config
    }

    public func compile(
        services: [ServicePortName: ServicePortInfo], endpoints: [ServicePortName: [EndpointInfo]]
    ) -> IPVSDesiredState {
        var state = IPVSDesiredState()
        for entry in IPVSSetName.all { state.sets[entry.name] = [] }
        for name in services.keys.sorted() {
            guard let info = services[name] else { continue }
            self.add(name, info, endpoints[name] ?? [], into: &state)
        }
        state.iptablesRules = IPVSRules.render(config: self.config, sets: state.sets)
        return state
    }

    private func add(
        _ name: ServicePortName, _ info: ServicePortInfo, _ endpoints: [EndpointInfo], into state: inout IPVSDesiredState
    ) {
        let proto = info.protocol
        let p = proto.iptablesName
        let usable = Self.usable(endpoints, local: false)
        let local = Self.usable(endpoints, local: true)
        let internalEndpoints = info.internalPolicyLocal ? local : usable
        let externalEndpoints = info.externalPolicyLocal ? local : usable
        let persistence: Int
        switch info.sessionAffinity {
        case .none: persistence = 0
        case .clientIP(let timeout): persistence = timeout
        }
        func server(_ address: IPv4Address, _ port: Int, _ targets: [EndpointInfo]) {
            let key = IPVSServiceKey(address: address, port: port, protocol: proto)
            state.servers[key] = IPVSDesiredServer(
                server: IPVSVirtualServer(key: key, scheduler: self.config.scheduler, persistenceTimeout: persistence),
                destinations: Set(targets.map { IPVSRealServer(address: $0.ip, port: $0.port) }), servicePort: name)
        }
        func bind(_ address: IPv4Address) {
            state.boundAddresses.insert(address)
            state.sets[IPVSSetName.ipvsIPs, default: []].insert("\(address)")
        }
        // Hairpin: a local endpoint reaching its own service is masqueraded.
        for endpoint in endpoints where endpoint.isLocal {
            state.sets[IPVSSetName.loopBack, default: []].insert("\(endpoint.ip),\(p):\(endpoint.port),\(endpoint.ip)")
        }
        state.sets[IPVSSetName.clusterIP, default: []].insert("\(info.clusterIP),\(p):\(info.port)")
        server(info.clusterIP, info.port, internalEndpoints)
        bind(info.clusterIP)
        for ip in info.externalIPs {
            let set = info.externalPolicyLocal ? IPVSSetName.externalIPLocal : IPVSSetName.externalIP
            state.sets[set, default: []].insert("\(ip),\(p):\(info.port)")
            server(ip, info.port, externalEndpoints)
            bind(ip)
        }
        for ip in info.loadBalancerVIPs {
            let entry = "\(ip),\(p):\(info.port)"
            state.sets[IPVSSetName.loadBalancer, default: []].insert(entry)
            if info.externalPolicyLocal { state.sets[IPVSSetName.loadBalancerLocal, default: []].insert(entry) }
            if !info.loadBalancerSourceRanges.isEmpty {
                state.sets[IPVSSetName.loadBalancerFW, default: []].insert(entry)
                for range in info.loadBalancerSourceRanges {
                    state.sets[IPVSSetName.loadBalancerSourceCIDR, default: []].insert("\(entry),\(range)")
                }
            }
            server(ip, info.port, externalEndpoints)
            bind(ip)
        }
        if info.nodePort != 0 {
            switch proto {
            case .tcp, .udp:
                let all = proto == .tcp ? IPVSSetName.nodePortTCP : IPVSSetName.nodePortUDP
                let localSet = proto == .tcp ? IPVSSetName.nodePortLocalTCP : IPVSSetName.nodePortLocalUDP
                state.sets[all, default: []].insert("\(info.nodePort)")
                if info.externalPolicyLocal { state.sets[localSet, default: []].insert("\(info.nodePort)") }
            case .sctp:
                for address in self.config.nodePortAddresses {
                    let entry = "\(address),sctp:\(info.nodePort)"
                    state.sets[IPVSSetName.nodePortSCTP, default: []].insert(entry)
                    if info.externalPolicyLocal { state.sets[IPVSSetName.nodePortLocalSCTP, default: []].insert(entry) }
                }
            }
            for address in self.config.nodePortAddresses {
                server(address, info.nodePort, externalEndpoints)
            }
        }
        if info.healthCheckNodePort != 0 {
            state.sets[IPVSSetName.healthCheckNodePort, default: []].insert("\(info.healthCheckNodePort)")
        }
    }

    /// Ready endpoints, or when none is ready the serving terminating ones (upstream's `CategorizeEndpoints`);
    /// `local` restricts both to this node's.
    static func usable(_ endpoints: [EndpointInfo], local: Bool) -> [EndpointInfo] {
        let candidates = local ? endpoints.filter(\.isLocal) : endpoints
        let ready = candidates.filter(\.ready)
        return ready.isEmpty ? candidates.filter { $0.serving && $0.terminating } : ready
    }
}
