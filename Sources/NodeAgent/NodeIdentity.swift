import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The node's name and addresses, as the kubelet derives them.
enum NodeIdentity {
    /// `--hostname-override`, or the machine's hostname, lowercased as upstream does.
    static func nodeName(override: String?) -> String {
        if let override, !override.isEmpty { return override.lowercased() }
        return ProcessInfo.processInfo.hostName.lowercased()
    }

    /// `--node-ip` (comma-separated, one per family), or the first global IPv4 address of an interface that is up,
    /// preferring the interface of the default route; `127.0.0.1` as a last resort.
    static func nodeIPs(flag: String?) -> [String] {
        if let flag, !flag.isEmpty {
            return flag.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let defaultInterface = Self.defaultRouteInterface()
        var candidates: [(interface: String, address: String)] = []
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return ["127.0.0.1"] }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let flags = Int32(entry.pointee.ifa_flags)
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0
            else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard
                getnameinfo(
                    address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0,
                    NI_NUMERICHOST
                ) == 0
            else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            candidates.append((name, String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
        }
        if let match = candidates.first(where: { $0.interface == defaultInterface }) { return [match.address] }
        return [candidates.first?.address ?? "127.0.0.1"]
    }

    /// The interface of the IPv4 default route, from `/proc/net/route`.
    private static func defaultRouteInterface() -> String? {
        guard let table = try? String(contentsOfFile: "/proc/net/route", encoding: .utf8) else { return nil }
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count > 2, fields[1] == "00000000" { return String(fields[0]) }
        }
        return nil
    }
}
