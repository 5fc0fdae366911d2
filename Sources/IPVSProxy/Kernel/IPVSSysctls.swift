import Foundation

/// The sysctls IPVS mode needs (upstream's IPVS `NewProxier`): connection tracking of IPVS connections (so the
/// masquerade rules see them), expiry of connections to deleted real servers and of quiescent persistence
/// templates, and forwarding.
public enum IPVSSysctls {
    public static let required: [(path: String, value: String)] = [
        ("net/ipv4/vs/conntrack", "1"),
        ("net/ipv4/vs/expire_nodest_conn", "1"),
        ("net/ipv4/vs/expire_quiescent_template", "1"),
        ("net/ipv4/ip_forward", "1"),
    ]

    /// Writes every required sysctl that differs.
    /// - Throws: ``NetlinkError`` naming the sysctl that could not be set.
    public static func ensure(root: String = "/proc/sys") throws(NetlinkError) {
        for (path, value) in self.required {
            let file = "\(root)/\(path)"
            let current = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard current != value else { continue }
            do {
                try value.write(toFile: file, atomically: false, encoding: .utf8)
            } catch {
                throw NetlinkError(errno: 1, message: "cannot set sysctl \(path) to \(value): \(error)")
            }
        }
    }
}
