/// An IPv4 address, stored as a host-order 32-bit number and printed dotted-quad (`10.0.0.1`).
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as a number, `a.b.c.d` = `a<<24 | b<<16 | c<<8 | d`.
    public var value: UInt32

    /// Creates the address from its number.
    public init(_ value: UInt32) {
        self.value = value
    }

    /// Parses dotted-quad text; nil when the text is not exactly four decimal octets.
    public init?(_ text: some StringProtocol) {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard digits < 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard octet <= 255 else { return nil }
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, dots == 3 else { return nil }
        self.value = value << 8 | octet
    }

    /// Dotted-quad text.
    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            var count = 0
            for shift in [24, 16, 8, 0] as [UInt32] {
                let octet = Int(self.value >> shift & 0xff)
                if octet >= 100 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(octet / 100)
                    count += 1
                }
                if octet >= 10 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(octet / 10 % 10)
                    count += 1
                }
                buffer[count] = UInt8(ascii: "0") + UInt8(octet % 10)
                count += 1
                if shift != 0 {
                    buffer[count] = UInt8(ascii: ".")
                    count += 1
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }

    /// Whether the address is in 127.0.0.0/8.
    public var isLoopback: Bool { self.value >> 24 == 127 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// An IPv4 network in CIDR notation (`10.0.0.0/8`); a bare address parses as a /32.
public struct IPv4CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public var address: IPv4Address
    /// The prefix length, 0...32.
    public var prefixLength: Int

    /// Creates the network, clearing the host bits of `address`.
    public init(address: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength), "IPv4 prefix length \(prefixLength) is not in 0...32")
        self.prefixLength = prefixLength
        self.address = IPv4Address(address.value & Self.mask(prefixLength))
    }

    /// Parses `a.b.c.d/n` or `a.b.c.d` (a /32); nil when malformed.
    public init?(_ text: some StringProtocol) {
        let trimmed = text.trimmingSpaces
        if let slash = trimmed.firstIndex(of: "/") {
            guard let address = IPv4Address(trimmed[..<slash]),
                let length = Int(trimmed[trimmed.index(after: slash)...]), (0...32).contains(length)
            else { return nil }
            self.init(address: address, prefixLength: length)
        } else {
            guard let address = IPv4Address(trimmed) else { return nil }
            self.init(address: address, prefixLength: 32)
        }
    }

    /// Whether `ip` is inside the network.
    public func contains(_ ip: IPv4Address) -> Bool {
        ip.value & Self.mask(self.prefixLength) == self.address.value
    }

    /// `a.b.c.d/n`, always with the prefix length, as iptables-save prints it.
    public var description: String { "\(self.address)/\(self.prefixLength)" }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
