import CNetlink
public import ServiceProxy

/// The dummy link IPVS mode binds its virtual addresses to (`kube-ipvs0`), through rtnetlink.
public struct DummyLink: Sendable {
    /// The link's name.
    public var name: String

    public init(name: String = "kube-ipvs0") {
        self.name = name
    }

    /// Creates the dummy link unless it exists. - Returns: whether it was created now.
    @discardableResult
    public func ensure() throws(NetlinkError) -> Bool {
        var created: Int32 = 0
        try netlinkCall { cnl_link_ensure_dummy(self.name, &created, $0, $1) }
        return created != 0
    }

    /// Deletes the link (and with it every address).
    public func delete() throws(NetlinkError) {
        try netlinkCall { cnl_link_delete(self.name, $0, $1) }
    }

    /// Whether the link exists.
    public var exists: Bool { (try? netlinkCall { cnl_link_index(self.name, $0, $1) }) != nil }

    /// The IPv4 addresses on the link.
    public func addresses() throws(NetlinkError) -> Set<IPv4Address> {
        var list: UnsafeMutablePointer<UInt32>?
        let count = try netlinkCall { cnl_addr_list(self.name, &list, $0, $1) }
        defer { cnl_free(list) }
        return Set((0..<Int(count)).map { IPv4Address(list![$0]) })
    }

    /// Adds `address`/32 (no error when present).
    public func bind(_ address: IPv4Address) throws(NetlinkError) {
        try netlinkCall { cnl_addr_add(self.name, address.value, 32, $0, $1) }
    }

    /// Removes `address`/32 (no error when absent).
    public func unbind(_ address: IPv4Address) throws(NetlinkError) {
        try netlinkCall { cnl_addr_delete(self.name, address.value, 32, $0, $1) }
    }
}
