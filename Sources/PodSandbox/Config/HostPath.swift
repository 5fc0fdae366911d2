/// Path text helpers with Go's `path/filepath` semantics (`Clean`, `Join`), used for the paths the agent
/// hands to the runtime.
enum HostPath {
    /// Lexically cleans a path: collapses `//`, removes `.` and resolves `..` against earlier elements.
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Joins elements with `/` and cleans the result; empty elements are ignored.
    static func join(_ elements: String...) -> String {
        Self.join(elements)
    }

    /// Joins elements with `/` and cleans the result; empty elements are ignored.
    static func join(_ elements: [String]) -> String {
        let nonEmpty = elements.filter { !$0.isEmpty }
        if nonEmpty.isEmpty { return "" }
        return Self.clean(nonEmpty.joined(separator: "/"))
    }

    /// Whether `path` is `base` or below it (both absolute and clean).
    static func isWithin(_ path: String, base: String) -> Bool {
        if base == "/" { return path.hasPrefix("/") }
        return path == base || path.hasPrefix(base + "/")
    }
}

/// FNV-1a, 64 bit: a small, stable, non-cryptographic hash (the kubelet uses the 32-bit variant for its
/// container hash).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            self.value ^= UInt64(byte)
            self.value = self.value &* 0x0000_0100_0000_01b3
        }
    }

    /// The hash as lower-case hex, without leading zeros (like Go's `strconv.FormatUint(h, 16)`).
    var hex: String { String(self.value, radix: 16) }
}
