/// FNV-1a, 128 bits (Go's `hash/fnv.New128a`), the hash upstream derives static pod UIDs with.
struct FNV128a {
    static let offsetBasis: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
    static let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013b

    private(set) var state: UInt128 = Self.offsetBasis

    mutating func write(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            self.state ^= UInt128(byte)
            self.state = self.state &* Self.prime
        }
    }

    mutating func write(_ text: String) {
        self.write(text.utf8)
    }

    /// The digest as 32 lowercase hex digits, big-endian (Go's `hex.EncodeToString(h.Sum(nil))`).
    var hexDigest: String {
        let hex = String(self.state, radix: 16)
        return String(repeating: "0", count: 32 - hex.count) + hex
    }
}
