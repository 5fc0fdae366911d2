import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// ipset through libipset, in-process (no `ipset` binary).
///
/// ```swift
/// let ipset = IPSetKernel()
/// try ipset.create("KUBE-CLUSTER-IP", type: .hashIPPort)
/// try ipset.restore(["add KUBE-CLUSTER-IP 10.96.0.1,tcp:80"])
/// let members = try ipset.members(of: "KUBE-CLUSTER-IP")      // ["10.96.0.1,tcp:80"]
/// ```
public struct IPSetKernel: Sendable {
    public init() {}

    /// Runs one ipset command (`["list", "-n"]`) and returns its output.
    @discardableResult
    public func command(_ arguments: [String]) throws(NetlinkError) -> String {
        var output: UnsafeMutablePointer<CChar>?
        let argv = arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let pointers = argv.map { UnsafePointer<CChar>($0) }
        _ = try pointers.withUnsafeBufferPointer { buffer throws(NetlinkError) in
            try netlinkCall { cnl_ipset_command(Int32(arguments.count), buffer.baseAddress, &output, $0, $1) }
        }
        defer { cnl_free(output) }
        return output.map { String(cString: $0) } ?? ""
    }

    /// Creates the set unless it exists (`-exist`).
    public func create(_ name: String, type: IPSetType, comment: Bool = false) throws(NetlinkError) {
        try self.command(["create", name, type.rawValue] + type.createOptions + ["-exist"])
    }

    public func destroy(_ name: String) throws(NetlinkError) { try self.command(["destroy", name]) }
    public func flush(_ name: String) throws(NetlinkError) { try self.command(["flush", name]) }
    public func add(_ entry: String, to name: String) throws(NetlinkError) {
        try self.command(["add", name, entry, "-exist"])
    }
    public func delete(_ entry: String, from name: String) throws(NetlinkError) {
        try self.command(["del", name, entry, "-exist"])
    }
    public func swap(_ first: String, _ second: String) throws(NetlinkError) { try self.command(["swap", first, second]) }

    /// The names of every set.
    public func names() throws(NetlinkError) -> Set<String> {
        Set(try self.command(["list", "-n"]).split(separator: "\n").map(String.init))
    }

    /// The members of `name`, as `ipset save` prints them (`10.96.0.1,tcp:80`), read by one netlink dump (libipset's
    /// printing opens /etc/protocols once per element).
    /// - Throws: ``NetlinkError`` (`ENOENT` when the set does not exist).
    public func members(of name: String) throws(NetlinkError) -> Set<String> {
        var output: UnsafeMutablePointer<CChar>?
        try netlinkCall { cnl_ipset_list_members(name, &output, $0, $1) }
        defer { cnl_free(output) }
        guard let output else { return [] }
        return Set(String(cString: output).split(separator: "\n").map(String.init))
    }

    /// Runs `ipset restore` input (one command per line) in one session.
    public func restore(_ lines: [String]) throws(NetlinkError) {
        guard !lines.isEmpty else { return }
        let script = lines.joined(separator: "\n") + "\n"
        try netlinkCall { cnl_ipset_restore(script, $0, $1) }
    }
}
