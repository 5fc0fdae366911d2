import Foundation

/// Writes compiled rulesets into the kernel with the iptables tools, through a ``CommandRunner``:
///
/// - ``restore(_:)``: one `iptables-restore -w 5 --noflush` call per sync (atomic per table; no `--counters`,
///   which costs about 7x on the nft backend). Chains the input declares are flushed and rewritten; the others are
///   left alone, which is what makes partial syncs work.
/// - ``snapshot()``: one `iptables-save` of every table, for the nat chains (stale chains of a previous run) and the
///   rules in built-in chains that lead into the proxy's chains; missing ones are added to the same restore input
///   (``insertingJumps(_:into:)``). Run on the first sync and after a failure or a lost canary, the only times the
///   kernel's state is not known.
/// - ``chainExists(_:table:)``: the canary check.
///
/// ```swift
/// let applier = IPTablesApplier(runner: ProcessCommandRunner())
/// let missing = try await applier.snapshot().missing(compiler.jumpRules)
/// try await applier.restore(IPTablesApplier.insertingJumps(missing, into: compilation.ruleset.render()))
/// ```
public struct IPTablesApplier: Sendable {
    public let runner: any CommandRunner
    /// The `iptables` family of programs (`iptables`, `iptables-restore`, `iptables-save`); the `-nft` or
    /// `-legacy` variants can be named here.
    public var iptables: String
    public var iptablesRestore: String
    public var iptablesSave: String

    public init(
        runner: any CommandRunner,
        iptables: String = "iptables",
        iptablesRestore: String = "iptables-restore",
        iptablesSave: String = "iptables-save"
    ) {
        self.runner = runner
        self.iptables = iptables
        self.iptablesRestore = iptablesRestore
        self.iptablesSave = iptablesSave
    }

    /// Feeds `input` to `iptables-restore --noflush`.
    /// - Throws: ``IPTablesApplyError`` with the tool's message and the offending input line when it names one.
    public func restore(_ input: String) async throws {
        let result = try await self.runner.run([self.iptablesRestore, "-w", "5", "--noflush"], stdin: Data(input.utf8))
        guard result.status == 0 else {
            throw IPTablesApplyError(
                command: "\(self.iptablesRestore) --noflush", status: result.status,
                message: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
                line: Self.failedLine(result.stderr, input: input))
        }
    }

    /// What `iptables-save` shows of the proxy's state: the nat chain names, and which jump rules exist.
    public struct Snapshot: Sendable, Equatable {
        /// Every chain of the nat table.
        public var natChains: Set<String>
        /// The `-A CHAIN ...` lines of the built-in chains of every table, keyed by table name, as `iptables-save`
        /// prints them (where the jumps into the proxy's chains are).
        public var rules: [String: Set<String>]
        /// Per nat and filter chain, the digest of its rules in canonical form (see ``IPTablesCanonicalRule``).
        public var digests: [IPTablesTable: [String: Int]] = [:]

        /// The jump rules of `jumps` that are missing.
        public func missing(_ jumps: [IPTablesJumpRule]) -> [IPTablesJumpRule] {
            jumps.filter { jump in !(self.rules[jump.table.rawValue]?.contains(IPTablesApplier.saveLine(jump)) ?? false) }
        }
    }

    /// Reads every table with one `iptables-save`.
    public func snapshot() async throws -> Snapshot {
        let result = try await self.runner.run([self.iptablesSave], stdin: nil)
        guard result.status == 0 else {
            throw IPTablesApplyError(
                command: self.iptablesSave, status: result.status,
                message: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines), line: nil)
        }
        return Self.parseSnapshot(result.stdout)
    }

    /// Parses `iptables-save` output (exposed for tests).
    public static func parseSnapshotForTests(_ text: String) -> Snapshot { Self.parseSnapshot(text) }

    static func parseSnapshot(_ text: String) -> Snapshot {
        var snapshot = Snapshot(natChains: [], rules: [:])
        var table = ""
        var digested: IPTablesTable?
        var chains = IPTablesChainDigests()
        func finishTable() {
            if let digested { snapshot.digests[digested] = chains.digests }
            chains = IPTablesChainDigests()
        }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("*") {
                finishTable()
                table = String(line.dropFirst())
                digested = table == "nat" || table == "filter" ? IPTablesTable(rawValue: table) : nil
            } else if line.hasPrefix(":"), let end = line.firstIndex(of: " ") {
                let chain = String(line[line.index(after: line.startIndex)..<end])
                if table == "nat" { snapshot.natChains.insert(chain) }
                if digested != nil { chains.declare(chain) }
            } else if line.hasPrefix("-A ") {
                let rest = line.dropFirst(3)
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                let chain = rest[..<end]
                if digested != nil, chain.hasPrefix("KUBE-") {
                    let spec = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
                    chains.add(spec, to: String(chain))
                } else if !chain.hasPrefix("KUBE-") {
                    snapshot.rules[table, default: []].insert(String(line))
                }
            }
        }
        finishTable()
        return snapshot
    }

    /// A jump rule as `iptables-save` prints it: `-A INPUT -m comment --comment "..." -j KUBE-SERVICES`.
    public static func saveLine(_ jump: IPTablesJumpRule) -> String {
        let words = jump.arguments.map { word in word.contains(" ") ? "\"\(word)\"" : word }
        return (["-A", jump.from] + words).joined(separator: " ")
    }

    /// Adds `-I` lines for `jumps` to the restore input, in their tables' sections and in the given order, each at
    /// the top of its built-in chain (so the last ends up first, as upstream's prepends leave them). The target
    /// chains are declared by the input.
    public static func insertingJumps(_ jumps: [IPTablesJumpRule], into input: String) -> String {
        guard !jumps.isEmpty else { return input }
        var lines = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for table in Set(jumps.map(\.table)) {
            guard let header = lines.firstIndex(of: "*\(table.rawValue)"),
                let commit = lines[header...].firstIndex(of: "COMMIT")
            else { continue }
            let inserts = jumps.filter { $0.table == table }.map { jump in
                "-I " + String(Self.saveLine(jump).dropFirst(3))
            }
            lines.insert(contentsOf: inserts, at: commit)
        }
        return lines.joined(separator: "\n")
    }

    /// The chain names of the nat table now.
    public func natChains() async throws -> Set<String> {
        let result = try await self.runner.run([self.iptablesSave, "-t", "nat"], stdin: nil)
        guard result.status == 0 else {
            throw IPTablesApplyError(
                command: "\(self.iptablesSave) -t nat", status: result.status,
                message: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines), line: nil)
        }
        return Self.chainNames(inSave: result.stdout)
    }

    /// Whether `chain` exists in `table` (the canary check).
    public func chainExists(_ chain: String, table: IPTablesTable) async throws -> Bool {
        let result = try await self.runner.run([self.iptables, "-w", "5", "-t", table.rawValue, "-S", chain], stdin: nil)
        return result.status == 0
    }

    /// The `:NAME POLICY [p:b]` declarations of `iptables-save` output.
    static func chainNames(inSave text: String) -> Set<String> {
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix(":") {
            if let end = line.firstIndex(of: " ") {
                names.insert(String(line[line.index(after: line.startIndex)..<end]))
            }
        }
        return names
    }

    /// The input line `iptables-restore` complained about (`... line 12 failed`), if it names one.
    static func failedLine(_ stderr: String, input: String) -> String? {
        guard let range = stderr.range(of: "line ") else { return nil }
        let digits = stderr[range.upperBound...].prefix { $0.isNumber }
        guard let number = Int(digits), number >= 1 else { return nil }
        var index = 1
        for line in input.split(separator: "\n", omittingEmptySubsequences: false) {
            if index == number { return String(line) }
            index += 1
        }
        return nil
    }
}

/// An iptables tool failed.
public struct IPTablesApplyError: Error, Equatable, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var message: String
    /// The input line the tool named, if any.
    public var line: String?

    public var description: String {
        var text = "\(self.command) exited \(self.status): \(self.message)"
        if let line = self.line { text += " (input line: \(line))" }
        return text
    }
}
