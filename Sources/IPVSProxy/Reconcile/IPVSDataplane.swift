public import ServiceProxy

/// The kernel objects IPVS mode programs: the IPVS table, the dummy link and the ipsets.
///
/// ```swift
/// let dataplane = try IPVSDataplane()                 // throws when the kernel has no IPVS
/// let snapshot = try dataplane.snapshot()
/// try dataplane.apply(IPVSPlan.actions(desired: state, current: snapshot))
/// ```
public struct IPVSDataplane: Sendable {
    public let ipvs: IPVSKernel
    public let link: DummyLink
    public let ipset: IPSetKernel

    /// Opens IPVS and creates the dummy link.
    /// - Throws: ``NetlinkError``; `isMissingKernelSupport` when the kernel has no IPVS.
    public init(dummyDevice: String = "kube-ipvs0") throws(NetlinkError) {
        self.ipvs = try IPVSKernel()
        self.link = DummyLink(name: dummyDevice)
        self.ipset = IPSetKernel()
        try self.link.ensure()
    }

    /// Reads the kernel's state: every virtual server and its real servers, the link's addresses, the sets.
    public func snapshot() throws(NetlinkError) -> IPVSKernelSnapshot {
        var snapshot = IPVSKernelSnapshot()
        for server in try self.ipvs.virtualServers() {
            snapshot.servers[server.key] = server
            snapshot.destinations[server.key] = try self.ipvs.destinations(of: server.key)
        }
        snapshot.boundAddresses = try self.link.addresses()
        let existing = try self.ipset.names()
        for entry in IPVSSetName.all where existing.contains(entry.name) {
            snapshot.sets[entry.name] = try self.ipset.members(of: entry.name)
        }
        return snapshot
    }

    /// Carries the actions out in order; ipset member changes go in one restore.
    /// - Returns: the failures (each action is tried; one failing does not stop the others).
    @discardableResult
    public func apply(_ actions: [IPVSAction]) -> [NetlinkError] {
        var failures: [NetlinkError] = []
        var restore: [String] = []
        for action in actions {
            do throws(NetlinkError) {
                switch action {
                case .addServer(let server): try self.ipvs.add(server)
                case .updateServer(let server): try self.ipvs.update(server)
                case .deleteServer(let key): try self.ipvs.delete(key)
                case .addDestination(let key, let server, let weight):
                    try self.ipvs.addDestination(server, weight: weight, to: key)
                case .updateDestination(let key, let server, let weight):
                    try self.ipvs.updateDestination(server, weight: weight, of: key)
                case .deleteDestination(let key, let server): try self.ipvs.deleteDestination(server, from: key)
                case .bind(let address): try self.link.bind(address)
                case .unbind(let address): try self.link.unbind(address)
                case .createSet(let name, let type): try self.ipset.create(name, type: type)
                case .setMembers(_, let lines): restore += lines
                }
            } catch {
                failures.append(error)
            }
        }
        do throws(NetlinkError) {
            try self.ipset.restore(restore)
        } catch {
            failures.append(error)
        }
        return failures
    }
}
