#if canImport(Glibc)
import Glibc
#endif

/// A netlink, rtnetlink or ipset call failed: the errno the kernel (or libipset) reported, and a message naming
/// the object at fault (`IPVS add service 10.96.0.1:80/6: File exists`).
public struct NetlinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The positive errno (`ENOENT`, `EEXIST`, `EPROTONOSUPPORT`, ...).
    public var errno: Int32
    /// What failed, and on which object.
    public var message: String

    /// Creates the error.
    public init(errno: Int32, message: String) {
        self.errno = errno
        self.message = message
    }

    /// Whether the kernel lacks the facility (no IPVS family, no ip_set, no dummy links).
    public var isMissingKernelSupport: Bool {
        [ENOENT, EPROTONOSUPPORT, EOPNOTSUPP, EAFNOSUPPORT, ENOPROTOOPT].contains(self.errno)
    }

    public var description: String { "\(self.message) (errno \(self.errno))" }
}

/// Runs a shim call with a message buffer; a negative result becomes a ``NetlinkError``.
@discardableResult
func netlinkCall(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(NetlinkError) -> Int32 {
    var buffer = [CChar](repeating: 0, count: 512)
    let result = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    guard result >= 0 else {
        let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw NetlinkError(errno: -result, message: message.isEmpty ? "netlink call failed" : message)
    }
    return result
}
