import CNetlink
public import ServiceProxy
import Synchronization

/// The kernel's IPVS table through the IPVS generic-netlink family (one netlink socket, calls serialised).
///
/// ```swift
/// let ipvs = try IPVSKernel()            // throws NetlinkError(errno: ENOENT) when the kernel has no IPVS
/// try ipvs.add(IPVSVirtualServer(key: key, scheduler: "rr"))
/// try ipvs.addDestination(IPVSRealServer(address: ip, port: 8080), weight: 1, to: key)
/// ```
public final class IPVSKernel: Sendable {
    private let handle: Mutex<OpaquePointer>

    /// Opens the socket and resolves the `IPVS` family.
    /// - Throws: ``NetlinkError`` (`ENOENT` when the kernel has no IPVS).
    public init() throws(NetlinkError) {
        var pointer: OpaquePointer?
        try netlinkCall { cnl_ipvs_open(&pointer, $0, $1) }
        self.handle = Mutex(pointer!)
    }

    deinit {
        self.handle.withLock { cnl_ipvs_close($0) }
    }

    /// The generic-netlink family id the kernel gave IPVS.
    public var familyID: Int { Int(self.handle.withLock { cnl_ipvs_family($0) }) }

    /// Every IPv4 address/port virtual server (the HASHED flag the kernel adds is dropped, as upstream does).
    public func virtualServers() throws(NetlinkError) -> [IPVSVirtualServer] {
        try self.handle.withLock { h throws(NetlinkError) in
            var list: UnsafeMutablePointer<cnl_ipvs_service>?
            let count = try netlinkCall { cnl_ipvs_list_services(h, &list, $0, $1) }
            defer { cnl_free(list) }
            return (0..<Int(count)).compactMap { Self.server(list![$0]) }
        }
    }

    public func add(_ server: IPVSVirtualServer) throws(NetlinkError) {
        var raw = Self.raw(server)
        _ = try self.handle.withLock { h throws(NetlinkError) in try netlinkCall { cnl_ipvs_add_service(h, &raw, $0, $1) } }
    }

    public func update(_ server: IPVSVirtualServer) throws(NetlinkError) {
        var raw = Self.raw(server)
        _ = try self.handle.withLock { h throws(NetlinkError) in
            try netlinkCall { cnl_ipvs_update_service(h, &raw, $0, $1) }
        }
    }

    public func delete(_ key: IPVSServiceKey) throws(NetlinkError) {
        var raw = Self.raw(IPVSVirtualServer(key: key))
        _ = try self.handle.withLock { h throws(NetlinkError) in
            try netlinkCall { cnl_ipvs_delete_service(h, &raw, $0, $1) }
        }
    }

    /// Deletes every virtual server.
    public func flush() throws(NetlinkError) {
        _ = try self.handle.withLock { h throws(NetlinkError) in try netlinkCall { cnl_ipvs_flush(h, $0, $1) } }
    }

    /// The real servers of `key`, with their weights and connection counts.
    public func destinations(of key: IPVSServiceKey) throws(NetlinkError) -> [IPVSDestinationStatus] {
        var service = Self.raw(IPVSVirtualServer(key: key))
        return try self.handle.withLock { h throws(NetlinkError) in
            var list: UnsafeMutablePointer<cnl_ipvs_dest>?
            let count = try netlinkCall { cnl_ipvs_list_dests(h, &service, &list, $0, $1) }
            defer { cnl_free(list) }
            return (0..<Int(count)).map { index in
                let d = list![index]
                return IPVSDestinationStatus(
                    server: IPVSRealServer(address: IPv4Address(d.addr), port: Int(d.port)), weight: Int(d.weight),
                    forwardingMethod: d.fwd_method, activeConnections: Int(d.active_conns),
                    inactiveConnections: Int(d.inact_conns))
            }
        }
    }

    /// Adds a masquerading real server.
    public func addDestination(_ server: IPVSRealServer, weight: Int, to key: IPVSServiceKey) throws(NetlinkError) {
        try self.destinationCall(server, weight: weight, key: key, .add)
    }

    /// Changes a real server's weight (0 = quiesced: no new connections).
    public func updateDestination(_ server: IPVSRealServer, weight: Int, of key: IPVSServiceKey) throws(NetlinkError) {
        try self.destinationCall(server, weight: weight, key: key, .update)
    }

    public func deleteDestination(_ server: IPVSRealServer, from key: IPVSServiceKey) throws(NetlinkError) {
        try self.destinationCall(server, weight: 0, key: key, .delete)
    }

    private enum DestOperation { case add, update, delete }

    private func destinationCall(
        _ server: IPVSRealServer, weight: Int, key: IPVSServiceKey, _ operation: DestOperation
    ) throws(NetlinkError) {
        var service = Self.raw(IPVSVirtualServer(key: key))
        var dest = cnl_ipvs_dest()
        dest.addr = server.address.value
        dest.port = UInt16(server.port)
        dest.fwd_method = 0  // IP_VS_CONN_F_MASQ
        dest.weight = UInt32(weight)
        _ = try self.handle.withLock { h throws(NetlinkError) in
            try netlinkCall { buffer, length in
                switch operation {
                case .add: cnl_ipvs_add_dest(h, &service, &dest, buffer, length)
                case .update: cnl_ipvs_update_dest(h, &service, &dest, buffer, length)
                case .delete: cnl_ipvs_delete_dest(h, &service, &dest, buffer, length)
                }
            }
        }
    }

    static func protocolNumber(_ proto: TransportProtocol) -> UInt16 {
        switch proto {
        case .tcp: 6
        case .udp: 17
        case .sctp: 132
        }
    }

    static func raw(_ server: IPVSVirtualServer) -> cnl_ipvs_service {
        var raw = cnl_ipvs_service()
        raw.af = 2  // AF_INET
        raw.protocol = self.protocolNumber(server.key.protocol)
        raw.addr = server.key.address.value
        raw.port = UInt16(server.key.port)
        raw.flags = server.flags
        raw.timeout = UInt32(server.persistenceTimeout)
        raw.netmask = 0xffff_ffff
        withUnsafeMutableBytes(of: &raw.sched_name) { bytes in
            for (index, byte) in server.scheduler.utf8.prefix(15).enumerated() { bytes[index] = byte }
        }
        return raw
    }

    static func server(_ raw: cnl_ipvs_service) -> IPVSVirtualServer? {
        guard raw.fwmark == 0 else { return nil }
        let proto: TransportProtocol
        switch raw.protocol {
        case 6: proto = .tcp
        case 17: proto = .udp
        case 132: proto = .sctp
        default: return nil
        }
        var copy = raw
        let scheduler = withUnsafeBytes(of: &copy.sched_name) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let persistent = raw.flags & 1 != 0
        return IPVSVirtualServer(
            key: IPVSServiceKey(address: IPv4Address(raw.addr), port: Int(raw.port), protocol: proto),
            scheduler: scheduler, persistenceTimeout: persistent ? Int(raw.timeout) : 0)
    }
}
