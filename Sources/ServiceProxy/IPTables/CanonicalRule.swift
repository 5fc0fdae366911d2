/// A rule's text reduced to a form in which the compiler's spelling and `iptables-save`'s print of the same rule are
/// equal, so a full sync can tell which chains the kernel already holds as wanted (and rewrite only the others).
///
/// iptables-save reorders options (`-s`/`-d`/`-p` first), adds `/32` to single addresses, quotes every comment,
/// prints defaults (`--reject-with icmp-port-unreachable`, `recent`'s `--mask 255.255.255.255 --rsource`), prints
/// marks without leading zeros, `--or-mark M`/`--xor-mark M` as `--set-xmark M/M`/`M/0x0`, and a
/// probability as the fixed-point value the kernel holds (`0.2000000000` becomes `0.20000000019`). The canonical
/// form is the set of option groups (an option, its `!`, its values) with those differences normalised, sorted.
///
/// A difference the normalisation misses only makes a chain look changed, so it is rewritten: slower, never wrong.
/// The test against a captured `iptables-save` (Fixtures/representative-full.save) covers every rule the compiler
/// writes.
public enum IPTablesCanonicalRule {
    /// The canonical form of `spec` (the text after `-A CHAIN `).
    public static func canonical(_ spec: some StringProtocol) -> String {
        var groups: [String] = []
        var option: String?
        var negated = false
        var pendingNegation = false
        var values: [String] = []

        func flush() {
            guard let name = option else { return }
            if let group = self.group(name, values, negated: negated) { groups.append(group) }
            option = nil
            values = []
        }

        for (token, quoted) in self.tokens(spec) {
            if quoted {
                values.append(token)
            } else if token == "!" {
                pendingNegation = true
            } else if token.count > 1 && token.utf8.first == UInt8(ascii: "-")
                && !(token.utf8.dropFirst().first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false)
            {
                flush()
                option = token
                negated = pendingNegation
                pendingNegation = false
            } else {
                values.append(token)
            }
        }
        flush()
        groups.sort()
        return groups.joined(separator: "\u{1}")
    }

    /// One normalised option group; nil for a default that iptables-save prints and the compiler leaves out.
    static func group(_ option: String, _ values: [String], negated: Bool) -> String? {
        var option = option
        var values = values.map(self.normalizingHex)
        switch option {
        case "-s", "-d", "--source", "--destination":
            option = option.count > 2 ? (option == "--source" ? "-s" : "-d") : option
            values = values.map { $0.contains("/") ? $0 : $0 + "/32" }
        case "--probability":
            values = values.map { value in
                guard let probability = Double(value) else { return value }
                return String(Int64((probability * 2_147_483_648).rounded()))
            }
        case "--or-mark":
            option = "--set-xmark"
            values = values.map { "\($0)/\($0)" }
        case "--xor-mark":
            option = "--set-xmark"
            values = values.map { "\($0)/0x0" }
        case "--reject-with" where values == ["icmp-port-unreachable"]:
            return nil
        case "--mask" where values == ["255.255.255.255"]:
            return nil
        case "--rsource":
            return nil
        default:
            break
        }
        return ([negated ? "!" + option : option] + values).joined(separator: " ")
    }

    /// `0x00004000` → `0x4000` in every `/`-separated part.
    static func normalizingHex(_ value: String) -> String {
        guard value.contains("0x") else { return value }
        return value.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            guard part.hasPrefix("0x"), let number = UInt64(part.dropFirst(2), radix: 16) else { return String(part) }
            return "0x" + String(number, radix: 16)
        }.joined(separator: "/")
    }

    /// The words of `spec`, a double-quoted word as one token without its quotes (`\"` inside kept as `"`), and
    /// whether it was quoted (a quoted word is always a value).
    static func tokens(_ spec: some StringProtocol) -> [(String, quoted: Bool)] {
        var tokens: [(String, quoted: Bool)] = []
        var wasQuoted = false
        var current: [UInt8] = []
        var quoted = false
        var escaped = false
        var inToken = false
        for byte in spec.utf8 {
            if quoted {
                if escaped {
                    current.append(byte)
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    quoted = false
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: " ") {
                if inToken {
                    tokens.append((String(decoding: current, as: UTF8.self), wasQuoted))
                    current.removeAll(keepingCapacity: true)
                    inToken = false
                    wasQuoted = false
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
                wasQuoted = true
                inToken = true
            } else {
                current.append(byte)
                inToken = true
            }
        }
        if inToken { tokens.append((String(decoding: current, as: UTF8.self), wasQuoted)) }
        return tokens
    }
}

/// Per chain, a digest of its rules in canonical form, in order: how a full sync compares what the compiler wants
/// with what `iptables-save` shows (the snapshot parser and ``IPTablesRuleset/pruned(against:)`` both use it).
struct IPTablesChainDigests {
    private var hashers: [String: Hasher] = [:]

    /// Starts `chain` (a chain without rules has a digest too).
    mutating func declare(_ chain: String) {
        self.hashers[chain] = Hasher()
    }

    /// Adds the next rule of `chain`.
    mutating func add(_ spec: some StringProtocol, to chain: String) {
        self.hashers[chain, default: Hasher()].combine(IPTablesCanonicalRule.canonical(spec))
    }

    /// Whether `chain` was declared or has rules.
    func contains(_ chain: String) -> Bool { self.hashers[chain] != nil }

    /// The digests.
    var digests: [String: Int] { self.hashers.mapValues { $0.finalize() } }
}

extension IPTablesRuleset {
    /// This full sync's ruleset without the chains the kernel already holds exactly (`kernel`: the canonical
    /// digests of `iptables-save`): a full sync that checks every chain but writes only those that differ. Chains
    /// to delete stay declared (a chain is flushed before `-X`); other tables (the canary) pass through.
    ///
    /// - Returns: the ruleset to restore and how many chains were left out.
    public func pruned(against kernel: [IPTablesTable: [String: Int]]) -> (ruleset: IPTablesRuleset, unchanged: Int) {
        var result = self
        var unchanged = 0
        for index in result.tables.indices where result.tables[index].name != .mangle {
            let table = result.tables[index]
            guard let live = kernel[table.name] else { continue }
            // Digests only of the chains the kernel has (a cold sync compares nothing).
            let deleted = Set(table.deletedChains)
            var wanted = IPTablesChainDigests()
            for chain in table.chains where live[chain.name] != nil && !deleted.contains(chain.name) {
                wanted.declare(chain.name)
            }
            for rule in table.rules where wanted.contains(rule.chain) {
                wanted.add(rule.spec, to: rule.chain)
            }
            let same = Set(wanted.digests.filter { live[$0.key] == $0.value }.keys)
            guard !same.isEmpty else { continue }
            unchanged += same.count
            result.tables[index].chains.removeAll { same.contains($0.name) }
            result.tables[index].rules.removeAll { same.contains($0.chain) }
        }
        result.tables.removeAll { table in
            table.name != .mangle && table.chains.isEmpty && table.rules.isEmpty && table.deletedChains.isEmpty
                && table.edits.isEmpty
        }
        return (result, unchanged)
    }
}
