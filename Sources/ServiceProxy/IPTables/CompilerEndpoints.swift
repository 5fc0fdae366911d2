/// The endpoints each traffic policy uses (upstream's `CategorizeEndpoints`).
struct CategorizedEndpoints {
    /// Endpoints of `Cluster` policy: the ready ones, or if none is ready, the serving terminating ones.
    var cluster: [EndpointInfo] = []
    /// Endpoints of `Local` policy: this node's ready ones, or if none, its serving terminating ones.
    var local: [EndpointInfo] = []
    /// Every endpoint some rule can reach (the union of the two, in endpoint order).
    var reachable: [EndpointInfo] = []
    /// Whether the service has a usable endpoint anywhere.
    var hasAny = false

    init(_ endpoints: [EndpointInfo], _ info: ServicePortInfo, zone: String? = nil) {
        if info.usesClusterEndpoints {
            if let zone = Self.topologyZone(endpoints, info, zone) {
                self.cluster = endpoints.filter { $0.ready && $0.zoneHints.contains(zone) }
            } else {
                self.cluster = endpoints.filter(\.ready)
            }
            if self.cluster.isEmpty {
                self.cluster = endpoints.filter { $0.serving && $0.terminating }
            }
            self.hasAny = !self.cluster.isEmpty
        }
        guard info.usesLocalEndpoints else {
            self.reachable = self.cluster
            return
        }
        var localReady = false
        var localServingTerminating = false
        for endpoint in endpoints {
            if endpoint.ready {
                self.hasAny = true
                localReady = localReady || endpoint.isLocal
            } else if endpoint.serving && endpoint.terminating {
                self.hasAny = true
                localServingTerminating = localServingTerminating || endpoint.isLocal
            }
        }
        if localReady {
            self.local = endpoints.filter { $0.isLocal && $0.ready }
        } else if localServingTerminating {
            self.local = endpoints.filter { $0.isLocal && $0.serving && $0.terminating }
        }
        guard info.usesClusterEndpoints else {
            self.reachable = self.local
            return
        }
        if self.local.isEmpty {
            self.reachable = self.cluster
            return
        }
        let clusterSet = Set(self.cluster)
        if self.local.allSatisfy({ clusterSet.contains($0) }) {
            self.reachable = self.cluster
            return
        }
        let localSet = Set(self.local)
        self.reachable = endpoints.filter { clusterSet.contains($0) || localSet.contains($0) }
    }

    /// The zone to route by (upstream's `canUseTopology`): the service asks for it, the node has a zone, every
    /// ready endpoint has zone hints and one is hinted for this zone. Serving-terminating fallback ignores topology.
    static func topologyZone(_ endpoints: [EndpointInfo], _ info: ServicePortInfo, _ zone: String?) -> String? {
        guard info.topologyAware, let zone, !zone.isEmpty else { return nil }
        var hasEndpointForZone = false
        for endpoint in endpoints where endpoint.ready {
            if endpoint.zoneHints.isEmpty { return nil }
            if endpoint.zoneHints.contains(zone) { hasEndpointForZone = true }
        }
        return hasEndpointForZone ? zone : nil
    }
}
