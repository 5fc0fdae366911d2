import IPVSProxy
import ServiceProxy
import Testing

/// The kernel state right after `desired` was applied.
func applied(_ desired: IPVSDesiredState) -> IPVSKernelSnapshot {
    var snapshot = IPVSKernelSnapshot(boundAddresses: desired.boundAddresses, sets: desired.sets)
    for (key, server) in desired.servers {
        snapshot.servers[key] = server.server
        snapshot.destinations[key] = server.destinations.map { IPVSDestinationStatus(server: $0, weight: 1) }
    }
    return snapshot
}

@Suite("IPVSPlan")
struct IPVSPlanTests {
    let key = IPVSServiceKey(address: ip("10.96.0.10"), port: 80, protocol: .tcp)
    let a = IPVSRealServer(address: ip("10.244.1.5"), port: 8080)
    let b = IPVSRealServer(address: ip("10.244.2.7"), port: 8080)

    func desired(_ destinations: Set<IPVSRealServer>, key: IPVSServiceKey? = nil) -> IPVSDesiredState {
        let key = key ?? self.key
        return IPVSCompiler(config: IPVSCompilerConfig()).compile(
            services: [svc("web", key.protocol): ServicePortInfo(clusterIP: key.address, port: key.port, protocol: key.protocol)],
            endpoints: [svc("web", key.protocol): destinations.map { EndpointInfo(ip: $0.address, port: $0.port) }])
    }

    @Test func emptyKernelGetsEverything() {
        let actions = IPVSPlan.actions(desired: self.desired([self.a]), current: IPVSKernelSnapshot())
        #expect(actions.filter { if case .createSet = $0 { true } else { false } }.count == IPVSSetName.all.count)
        #expect(actions.contains(.bind(ip("10.96.0.10"))))
        #expect(actions.contains(.addServer(IPVSVirtualServer(key: self.key))))
        #expect(actions.contains(.addDestination(self.key, self.a, weight: 1)))
        #expect(actions.contains(.setMembers(IPVSSetName.clusterIP, ["add KUBE-CLUSTER-IP 10.96.0.10,tcp:80 -exist"])))
    }

    @Test func appliedStateNeedsNothing() {
        let desired = self.desired([self.a, self.b])
        #expect(IPVSPlan.actions(desired: desired, current: applied(desired)) == [])
    }

    @Test func onlyTheDifferenceIsWritten() {
        var current = applied(self.desired([self.a]))
        current.servers[self.key]?.scheduler = "wlc"
        let stale = IPVSServiceKey(address: ip("10.96.9.9"), port: 53, protocol: .udp)
        current.servers[stale] = IPVSVirtualServer(key: stale)
        current.boundAddresses.insert(ip("10.96.9.9"))
        current.sets[IPVSSetName.clusterIP]?.insert("10.96.9.9,udp:53")
        let actions = IPVSPlan.actions(desired: self.desired([self.a, self.b]), current: current)
        #expect(actions == [
            .updateServer(IPVSVirtualServer(key: self.key, scheduler: "rr")),
            .addDestination(self.key, self.b, weight: 1),
            .deleteServer(stale),
            .setMembers(IPVSSetName.clusterIP, ["del KUBE-CLUSTER-IP 10.96.9.9,udp:53 -exist"]),
            .unbind(ip("10.96.9.9")),
        ])
    }

    struct Drain: Sendable {
        var proto: TransportProtocol
        var weight: Int
        var active: Int
        var inactive: Int
        var expected: String  // "quiesce", "delete", "keep"
    }

    @Test(arguments: [
        Drain(proto: .tcp, weight: 1, active: 2, inactive: 0, expected: "quiesce"),
        Drain(proto: .tcp, weight: 1, active: 0, inactive: 3, expected: "quiesce"),
        Drain(proto: .tcp, weight: 0, active: 1, inactive: 1, expected: "keep"),
        Drain(proto: .tcp, weight: 0, active: 0, inactive: 0, expected: "delete"),
        Drain(proto: .tcp, weight: 1, active: 0, inactive: 0, expected: "delete"),
        Drain(proto: .udp, weight: 1, active: 0, inactive: 5, expected: "delete"),
    ])
    func gracefulTermination(_ drain: Drain) {
        let key = IPVSServiceKey(address: ip("10.96.0.10"), port: 80, protocol: drain.proto)
        let desired = self.desired([self.a], key: key)
        var current = applied(desired)
        current.destinations[key]?.append(
            IPVSDestinationStatus(server: self.b, weight: drain.weight, activeConnections: drain.active,
                                  inactiveConnections: drain.inactive))
        let actions = IPVSPlan.actions(desired: desired, current: current)
        switch drain.expected {
        case "quiesce": #expect(actions == [.updateDestination(key, self.b, weight: 0)])
        case "delete": #expect(actions == [.deleteDestination(key, self.b)])
        default: #expect(actions == [])
        }
    }

    @Test func aQuiescedRealServerThatIsWantedAgainGetsItsWeightBack() {
        let desired = self.desired([self.a])
        var current = applied(desired)
        current.destinations[self.key] = [IPVSDestinationStatus(server: self.a, weight: 0, activeConnections: 1)]
        #expect(IPVSPlan.actions(desired: desired, current: current) == [.updateDestination(self.key, self.a, weight: 1)])
    }
}
