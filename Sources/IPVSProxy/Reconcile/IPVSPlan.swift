public import ServiceProxy

/// What the kernel holds now, as the reconciler reads it.
public struct IPVSKernelSnapshot: Hashable, Sendable {
    public var servers: [IPVSServiceKey: IPVSVirtualServer]
    public var destinations: [IPVSServiceKey: [IPVSDestinationStatus]]
    public var boundAddresses: Set<IPv4Address>
    /// Members of the managed sets that exist; a missing key means the set does not exist.
    public var sets: [String: Set<String>]

    public init(
        servers: [IPVSServiceKey: IPVSVirtualServer] = [:], destinations: [IPVSServiceKey: [IPVSDestinationStatus]] = [:],
        boundAddresses: Set<IPv4Address> = [], sets: [String: Set<String>] = [:]
    ) {
        self.servers = servers
        self.destinations = destinations
        self.boundAddresses = boundAddresses
        self.sets = sets
    }
}

/// One change to the kernel.
public enum IPVSAction: Hashable, Sendable, CustomStringConvertible {
    case addServer(IPVSVirtualServer)
    case updateServer(IPVSVirtualServer)
    case deleteServer(IPVSServiceKey)
    case addDestination(IPVSServiceKey, IPVSRealServer, weight: Int)
    case updateDestination(IPVSServiceKey, IPVSRealServer, weight: Int)
    case deleteDestination(IPVSServiceKey, IPVSRealServer)
    case bind(IPv4Address)
    case unbind(IPv4Address)
    case createSet(String, IPSetType)
    /// `ipset restore` lines (`add S member`, `del S member`) for one set.
    case setMembers(String, [String])

    public var description: String {
        switch self {
        case .addServer(let s): "add virtual server \(s)"
        case .updateServer(let s): "update virtual server \(s)"
        case .deleteServer(let k): "delete virtual server \(k)"
        case .addDestination(let k, let r, let w): "add real server \(r) weight \(w) to \(k)"
        case .updateDestination(let k, let r, let w): "set real server \(r) of \(k) to weight \(w)"
        case .deleteDestination(let k, let r): "delete real server \(r) of \(k)"
        case .bind(let a): "bind \(a)"
        case .unbind(let a): "unbind \(a)"
        case .createSet(let n, let t): "create ipset \(n) \(t.rawValue)"
        case .setMembers(let n, let lines): "ipset \(n): \(lines.count) changes"
        }
    }
}

/// The difference between desired and kernel state (pure): only what differs is added, updated or deleted.
///
/// Graceful termination, as upstream's `GracefulTerminationManager`: a real server that is no longer wanted is
/// first set to weight 0 (no new connections) and deleted only once its active and inactive connections are gone;
/// UDP and SCTP real servers are deleted at once. A quiesced real server that is wanted again gets weight 1 back.
public enum IPVSPlan {
    /// The weight of every wanted real server.
    public static let weight = 1

    public static func actions(desired: IPVSDesiredState, current: IPVSKernelSnapshot) -> [IPVSAction] {
        var actions: [IPVSAction] = []
        for entry in IPVSSetName.all where current.sets[entry.name] == nil {
            actions.append(.createSet(entry.name, entry.type))
        }
        for address in desired.boundAddresses.subtracting(current.boundAddresses).sorted() {
            actions.append(.bind(address))
        }
        for key in desired.servers.keys.sorted() {
            let want = desired.servers[key]!
            if let have = current.servers[key] {
                if have != want.server { actions.append(.updateServer(want.server)) }
            } else {
                actions.append(.addServer(want.server))
            }
            let present = Dictionary(
                (current.destinations[key] ?? []).map { ($0.server, $0) }, uniquingKeysWith: { first, _ in first })
            for server in want.destinations.sorted() {
                if let status = present[server] {
                    if status.weight != self.weight { actions.append(.updateDestination(key, server, weight: self.weight)) }
                } else {
                    actions.append(.addDestination(key, server, weight: self.weight))
                }
            }
            for (server, status) in present.sorted(by: { $0.key < $1.key }) where !want.destinations.contains(server) {
                let drained = status.activeConnections + status.inactiveConnections == 0
                if key.protocol != .tcp || drained {
                    actions.append(.deleteDestination(key, server))
                } else if status.weight != 0 {
                    actions.append(.updateDestination(key, server, weight: 0))
                }
            }
        }
        for key in current.servers.keys.sorted() where desired.servers[key] == nil {
            actions.append(.deleteServer(key))
        }
        for name in desired.sets.keys.sorted() {
            let want = desired.sets[name] ?? []
            let have = current.sets[name] ?? []
            let lines = want.subtracting(have).sorted().map { "add \(name) \($0) -exist" }
                + have.subtracting(want).sorted().map { "del \(name) \($0) -exist" }
            if !lines.isEmpty { actions.append(.setMembers(name, lines)) }
        }
        for address in current.boundAddresses.subtracting(desired.boundAddresses).sorted() {
            actions.append(.unbind(address))
        }
        return actions
    }
}
