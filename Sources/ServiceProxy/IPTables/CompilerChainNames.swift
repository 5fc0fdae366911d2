/// Chain names exactly as upstream kube-proxy's iptables mode derives them (`portProtoHash`,
/// `servicePortEndpointChainName`): the first 16 characters of base32(sha256(text)).
public enum IPTablesChainName {
    /// `KUBE-SERVICES` (nat and filter).
    public static let services = "KUBE-SERVICES"
    /// `KUBE-EXTERNAL-SERVICES` (filter).
    public static let externalServices = "KUBE-EXTERNAL-SERVICES"
    /// `KUBE-NODEPORTS` (nat and filter).
    public static let nodePorts = "KUBE-NODEPORTS"
    /// `KUBE-POSTROUTING` (nat).
    public static let postrouting = "KUBE-POSTROUTING"
    /// `KUBE-MARK-MASQ` (nat).
    public static let markMasq = "KUBE-MARK-MASQ"
    /// `KUBE-FORWARD` (filter).
    public static let forward = "KUBE-FORWARD"
    /// `KUBE-PROXY-FIREWALL` (filter).
    public static let proxyFirewall = "KUBE-PROXY-FIREWALL"
    /// `KUBE-PROXY-CANARY` (mangle): if it disappears, somebody flushed the tables and a full sync is due.
    public static let canary = "KUBE-PROXY-CANARY"
    /// `KUBE-FIREWALL` (filter): the kubelet's anti-martian chain, duplicated as upstream does.
    public static let kubeletFirewall = "KUBE-FIREWALL"

    /// Prefixes of the per-service chains; a chain with one of them that is not active is stale.
    public static let servicePrefixes = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-SEP-", "KUBE-FW-", "KUBE-EXT-"]

    /// Whether `chain` is a per-service chain (SVC, SVL, SEP, FW, EXT), i.e. one the proxy creates and deletes.
    public static func isServiceChain(_ chain: String) -> Bool {
        chain.hasPrefix("KUBE-") && self.servicePrefixes.contains { chain.hasPrefix($0) }
    }

    /// `base32(sha256(servicePortName + protocol))[:16]`, e.g. for `default/kubernetes:https` + `tcp`.
    public static func portProtoHash(_ servicePortName: String, _ protocolName: String) -> String {
        self.hash16(servicePortName + protocolName)
    }

    /// `KUBE-SVC-<hash>`: the cluster-policy chain.
    public static func serviceCluster(_ name: ServicePortName) -> String {
        "KUBE-SVC-" + self.portProtoHash(name.description, name.protocol.iptablesName)
    }

    /// `KUBE-SEP-<hash>`: the chain of one endpoint, hashing `servicePortName + protocol + "ip:port"`.
    public static func endpoint(_ name: ServicePortName, _ endpoint: EndpointInfo) -> String {
        "KUBE-SEP-" + self.hash16(name.description + name.protocol.iptablesName + endpoint.description)
    }

    /// The first 16 characters of the standard base32 encoding of the SHA-256 of `text`.
    public static func hash16(_ text: String) -> String {
        let digest = SHA256.hash(Array(text.utf8))
        return Base32.prefix16(digest)
    }
}

/// The five per-service chain names of one service port (they share one hash).
struct ServiceChainNames: Sendable {
    let cluster: String
    let local: String
    let firewall: String
    let external: String

    init(_ name: ServicePortName) {
        let hash = IPTablesChainName.portProtoHash(name.description, name.protocol.iptablesName)
        self.cluster = "KUBE-SVC-" + hash
        self.local = "KUBE-SVL-" + hash
        self.firewall = "KUBE-FW-" + hash
        self.external = "KUBE-EXT-" + hash
    }
}

enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// The first 16 base32 characters (10 bytes) of `bytes`.
    static func prefix16(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(16)
        for group in 0..<2 {
            var bits: UInt64 = 0
            for index in 0..<5 {
                bits = bits << 8 | UInt64(bytes[group * 5 + index])
            }
            for shift in stride(from: 35, through: 0, by: -5) {
                out.append(self.alphabet[Int(bits >> UInt64(shift) & 31)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SHA-256 (FIPS 180-4), enough for chain names without a crypto dependency.
enum SHA256 {
    static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        )
        let paddedCount = (message.count + 9 + 63) / 64 * 64
        let bitLength = UInt64(message.count) * 8
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: paddedCount) { data in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for index in 0..<paddedCount { data[index] = 0 }
                for (index, byte) in message.enumerated() { data[index] = byte }
                data[message.count] = 0x80
                for index in 0..<8 {
                    data[paddedCount - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8))
                }
                for chunk in stride(from: 0, to: paddedCount, by: 64) {
                    for i in 0..<16 {
                        let j = chunk + i * 4
                        w[i] =
                            UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8
                            | UInt32(data[j + 3])
                    }
                    for i in 16..<64 {
                        let s0 = w[i - 15].rotr(7) ^ w[i - 15].rotr(18) ^ (w[i - 15] >> 3)
                        let s1 = w[i - 2].rotr(17) ^ w[i - 2].rotr(19) ^ (w[i - 2] >> 10)
                        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, hh) = h
                    for i in 0..<64 {
                        let s1 = e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = hh &+ s1 &+ ch &+ self.k[i] &+ w[i]
                        let s0 = a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ maj
                        hh = g
                        g = f
                        f = e
                        e = d &+ t1
                        d = c
                        c = b
                        b = a
                        a = t1 &+ t2
                    }
                    h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
                }
                var out = [UInt8]()
                out.reserveCapacity(32)
                for word in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
                    out.append(UInt8(word >> 24))
                    out.append(UInt8(word >> 16 & 0xff))
                    out.append(UInt8(word >> 8 & 0xff))
                    out.append(UInt8(word & 0xff))
                }
                return out
            }
        }
    }
}

extension UInt32 {
    fileprivate func rotr(_ count: UInt32) -> UInt32 {
        self >> count | self << (32 - count)
    }
}
