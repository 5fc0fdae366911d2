#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IPVSProxy
import ServiceProxy
import Testing

@Suite("IPVSKernel", .serialized, .enabled(if: IPVSKernelGate.enabled, IPVSKernelGate.reason))
struct IPVSKernelTests {
    let key = IPVSServiceKey(address: ip("10.96.0.10"), port: 80, protocol: .tcp)

    @Test func servicesAndDestinationsAreProgrammedAndReadBack() async throws {
        let ipvs = try IPVSKernel()
        try ipvs.flush()
        defer { try? ipvs.flush() }
        let udp = IPVSServiceKey(address: ip("10.96.0.53"), port: 53, protocol: .udp)
        try ipvs.add(IPVSVirtualServer(key: self.key, scheduler: "rr"))
        try ipvs.add(IPVSVirtualServer(key: udp, scheduler: "wrr", persistenceTimeout: 10800))
        #expect(Set(try ipvs.virtualServers()) == [
            IPVSVirtualServer(key: self.key, scheduler: "rr"),
            IPVSVirtualServer(key: udp, scheduler: "wrr", persistenceTimeout: 10800),
        ])
        let a = IPVSRealServer(address: ip("10.244.1.5"), port: 8080)
        let b = IPVSRealServer(address: ip("10.244.2.7"), port: 8080)
        try ipvs.addDestination(a, weight: 1, to: self.key)
        try ipvs.addDestination(b, weight: 1, to: self.key)
        let read = try ipvs.destinations(of: self.key).sorted { $0.server < $1.server }
        #expect(read.map(\.server) == [a, b])
        #expect(read.allSatisfy { $0.weight == 1 && $0.forwardingMethod == 0 })
        var lines = try await ipvsadmLines()
        #expect(lines.contains("TCP 10.96.0.10:80 rr"))
        #expect(lines.contains("-> 10.244.1.5:8080 Masq 1 0 0"))
        #expect(lines.contains("UDP 10.96.0.53:53 wrr persistent 10800"))

        // Updates: weight 0 (quiesced), another scheduler, persistence.
        try ipvs.updateDestination(a, weight: 0, of: self.key)
        try ipvs.update(IPVSVirtualServer(key: self.key, scheduler: "wlc", persistenceTimeout: 60))
        lines = try await ipvsadmLines()
        #expect(lines.contains("-> 10.244.1.5:8080 Masq 0 0 0"))
        #expect(lines.contains("TCP 10.96.0.10:80 wlc persistent 60"))
        #expect(try ipvs.virtualServers().contains(IPVSVirtualServer(key: self.key, scheduler: "wlc", persistenceTimeout: 60)))

        // Errors carry errno and name the object.
        let duplicate = #expect(throws: NetlinkError.self) { try ipvs.add(IPVSVirtualServer(key: self.key)) }
        #expect(duplicate?.errno == EEXIST)
        #expect(duplicate?.message.contains("10.96.0.10:80") == true)

        // Deletes.
        try ipvs.deleteDestination(a, from: self.key)
        #expect(try ipvs.destinations(of: self.key).map(\.server) == [b])
        try ipvs.delete(udp)
        #expect(try ipvs.virtualServers().map(\.key) == [self.key])
        lines = try await ipvsadmLines()
        #expect(!lines.contains { $0.hasPrefix("UDP") })
        #expect(!lines.contains { $0.contains("10.244.1.5") })
    }

    @Test func ipsetsAreCreatedFilledSwappedAndDestroyed() async throws {
        let ipset = IPSetKernel()
        let name = "KUBE-TEST-A"
        let other = "KUBE-TEST-B"
        for set in [name, other] { try? ipset.destroy(set) }
        defer { for set in [name, other] { try? ipset.destroy(set) } }
        try ipset.create(name, type: .hashIPPort)
        try ipset.create(name, type: .hashIPPort)  // -exist
        try ipset.add("10.96.0.10,tcp:80", to: name)
        try ipset.restore((1...200).map { "add \(name) 10.96.1.\($0 % 250),udp:\(1000 + $0) -exist" })
        var members = try ipset.members(of: name)
        #expect(members.count == 201)
        #expect(members.contains("10.96.0.10,tcp:80"))
        let listed = try await tool("ipset", "list", name)
        #expect(listed.contains("Type: hash:ip,port"))
        #expect(listed.contains("10.96.0.10,tcp:80"))
        try ipset.delete("10.96.0.10,tcp:80", from: name)
        members = try ipset.members(of: name)
        #expect(!members.contains("10.96.0.10,tcp:80"))

        try ipset.create(other, type: .hashIPPort)
        try ipset.add("10.96.9.9,tcp:9", to: other)
        try ipset.swap(name, other)
        #expect(try ipset.members(of: name) == ["10.96.9.9,tcp:9"])
        #expect(try ipset.members(of: other).count == 200)
        try ipset.flush(other)
        #expect(try ipset.members(of: other).isEmpty)
        try ipset.create("KUBE-TEST-PORTS", type: .bitmapPort)
        defer { try? ipset.destroy("KUBE-TEST-PORTS") }
        try ipset.add("30080", to: "KUBE-TEST-PORTS")
        #expect(try ipset.members(of: "KUBE-TEST-PORTS") == ["30080"])
        try ipset.destroy(other)
        #expect(!(try ipset.names()).contains(other))
        let missing = #expect(throws: NetlinkError.self) { try ipset.members(of: "KUBE-NO-SUCH-SET") }
        #expect(missing?.errno == ENOENT)
        #expect(missing?.message.contains("KUBE-NO-SUCH-SET") == true || missing?.message.contains("does not exist") == true)
    }

    /// `members(of:)` reads the kernel's dump itself; it must print every type IPVS mode uses as `ipset save` does,
    /// or each sync would rewrite the sets.
    @Test(arguments: [
        (IPSetType.hashIPPort, ["10.96.0.10,tcp:80", "10.96.0.11,udp:53", "10.96.0.12,sctp:9"]),
        (.hashIPPortIP, ["10.244.1.5,tcp:8080,10.244.1.5", "10.244.1.6,udp:53,10.244.1.6"]),
        (.hashIPPortNet, ["203.0.113.1,tcp:80,10.0.0.0/8", "203.0.113.1,tcp:80,192.0.2.7", "203.0.113.2,udp:53,192.0.2.0/24"]),
        (.hashIP, ["10.96.0.10", "10.96.255.254"]),
        (.bitmapPort, ["30080", "0", "65535"]),
    ])
    func ipsetMembersReadAsIPSetSavePrintsThem(type: IPSetType, entries: [String]) async throws {
        let ipset = IPSetKernel()
        let name = "KUBE-TEST-FMT"
        try? ipset.destroy(name)
        defer { try? ipset.destroy(name) }
        try ipset.create(name, type: type)
        #expect(try ipset.members(of: name).isEmpty)
        try ipset.restore(entries.map { "add \(name) \($0) -exist" })
        let saved = try await tool("ipset", "save", name).split(separator: "\n").filter { $0.hasPrefix("add ") }
            .map { String($0.split(separator: " ")[2]) }
        #expect(Set(saved) == Set(entries))
        #expect(try ipset.members(of: name) == Set(saved))
    }

    @Test func theDummyLinkHoldsTheServiceAddresses() async throws {
        let link = DummyLink(name: "kipvs-test0")
        if link.exists { try link.delete() }
        defer { try? link.delete() }
        #expect(try link.ensure())
        #expect(try !link.ensure(), "a second ensure finds the link")
        try link.bind(ip("10.96.0.10"))
        try link.bind(ip("10.96.0.11"))
        try link.bind(ip("10.96.0.11"))  // already there: no error
        #expect(try link.addresses() == [ip("10.96.0.10"), ip("10.96.0.11")])
        let shown = try await tool("ip", "-4", "addr", "show", "dev", "kipvs-test0")
        #expect(shown.contains("inet 10.96.0.10/32"))
        try link.unbind(ip("10.96.0.10"))
        try link.unbind(ip("10.96.0.10"))  // already gone: no error
        #expect(try link.addresses() == [ip("10.96.0.11")])
        let missing = #expect(throws: NetlinkError.self) { try DummyLink(name: "kipvs-none0").bind(ip("10.1.1.1")) }
        #expect(missing?.errno == ENODEV)
    }

    @Test func theDataplaneConvergesAndWritesOnlyTheDifference() async throws {
        let dataplane = try IPVSDataplane(dummyDevice: "kube-ipvs0")
        try dataplane.ipvs.flush()
        defer { cleanUp(dataplane) }
        let compiler = IPVSCompiler(config: IPVSCompilerConfig(nodePortAddresses: [ip("192.168.50.1")]))
        var services: [ServicePortName: ServicePortInfo] = [:]
        var endpoints: [ServicePortName: [EndpointInfo]] = [:]
        for index in 1...20 {
            let name = svc("s\(index)")
            services[name] = ServicePortInfo(clusterIP: ip("10.96.2.\(index)"), port: 80, nodePort: index == 1 ? 30001 : 0)
            endpoints[name] = [EndpointInfo(ip: ip("10.244.7.\(index)"), port: 8080)]
        }
        var desired = compiler.compile(services: services, endpoints: endpoints)
        var failures = dataplane.apply(IPVSPlan.actions(desired: desired, current: try dataplane.snapshot()))
        #expect(failures == [])
        #expect(IPVSPlan.actions(desired: desired, current: try dataplane.snapshot()) == [], "converged")
        #expect(try dataplane.ipvs.virtualServers().count == 21)
        let lines = try await ipvsadmLines()
        #expect(lines.contains("TCP 192.168.50.1:30001 rr"))
        #expect(try await tool("ipset", "list", "KUBE-CLUSTER-IP").contains("10.96.2.20,tcp:80"))
        #expect(try await tool("ipset", "list", "KUBE-NODE-PORT-TCP").contains("30001"))
        #expect(try dataplane.link.addresses().count == 20)

        // One service gone, one endpoint moved: only those are touched.
        services[svc("s20")] = nil
        endpoints[svc("s20")] = nil
        endpoints[svc("s3")] = [EndpointInfo(ip: ip("10.244.8.3"), port: 8080)]
        desired = compiler.compile(services: services, endpoints: endpoints)
        let actions = IPVSPlan.actions(desired: desired, current: try dataplane.snapshot())
        let s3 = IPVSServiceKey(address: ip("10.96.2.3"), port: 80, protocol: .tcp)
        #expect(Set(actions) == [
            .addDestination(s3, IPVSRealServer(address: ip("10.244.8.3"), port: 8080), weight: 1),
            .deleteDestination(s3, IPVSRealServer(address: ip("10.244.7.3"), port: 8080)),
            .deleteServer(IPVSServiceKey(address: ip("10.96.2.20"), port: 80, protocol: .tcp)),
            .setMembers(IPVSSetName.clusterIP, ["del KUBE-CLUSTER-IP 10.96.2.20,tcp:80 -exist"]),
            .setMembers(IPVSSetName.ipvsIPs, ["del KUBE-IPVS-IPS 10.96.2.20 -exist"]),
            .unbind(ip("10.96.2.20")),
        ])
        failures = dataplane.apply(actions)
        #expect(failures == [])
        #expect(IPVSPlan.actions(desired: desired, current: try dataplane.snapshot()) == [])
        #expect(!(try dataplane.link.addresses()).contains(ip("10.96.2.20")))
        #expect(!(try await tool("ipset", "list", "KUBE-CLUSTER-IP")).contains("10.96.2.20,"))
    }
}

/// Removes what the IPVS-mode tests programmed.
func cleanUp(_ dataplane: IPVSDataplane) {
    try? dataplane.ipvs.flush()
    try? dataplane.link.delete()
    for entry in IPVSSetName.all { try? dataplane.ipset.destroy(entry.name) }
}
