import Foundation

/// Writes compiled rulesets into the kernel with the iptables tools, through a ``CommandRunner``:
///
/// - ``restore(_:)``: one `iptables-restore -w 5 --noflush` call per sync (atomic per table; no `--counters`,
///   which costs about 7x on the nft backend). Chains the input declares are flushed and rewritten; the others are
///   left alone, which is what makes partial syncs work.
/// - ``ensureJumps(_:)``: the rules in built-in chains that lead into the proxy's chains (`iptables -C`, then `-I`
///   when missing), after creating the target chains (`-N`). Run on the first sync and after a failure or a lost
///   canary, as those are the only times they can be missing.
/// - ``natChains()``: the nat table's chain names (`iptables-save -t nat`), to find stale chains left by a previous
///   run.
/// - ``chainExists(_:table:)``: the canary check.
///
/// ```swift
/// let applier = IPTablesApplier(runner: ProcessCommandRunner())
/// try await applier.ensureJumps(compiler.jumpRules)
/// try await applier.restore(compilation.ruleset.render())
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

    /// Creates each jump's target chain if needed and inserts each jump rule that is missing, at the top of its
    /// built-in chain (in reverse order, so they end up in the given order).
    public func ensureJumps(_ jumps: [IPTablesJumpRule]) async throws {
        var created: Set<String> = []
        for jump in jumps where created.insert("\(jump.table.rawValue)/\(jump.to)").inserted {
            let result = try await self.runner.run([self.iptables, "-w", "5", "-t", jump.table.rawValue, "-N", jump.to], stdin: nil)
            // Status 1 with "Chain already exists" is the normal case.
            if result.status != 0 && !result.stderr.contains("exists") {
                throw IPTablesApplyError(
                    command: "\(self.iptables) -t \(jump.table.rawValue) -N \(jump.to)", status: result.status,
                    message: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines), line: nil)
            }
        }
        for jump in jumps.reversed() {
            let rule = [jump.from] + jump.arguments
            let check = try await self.runner.run(
                [self.iptables, "-w", "5", "-t", jump.table.rawValue, "-C"] + rule, stdin: nil)
            if check.status == 0 { continue }
            let insert = try await self.runner.run(
                [self.iptables, "-w", "5", "-t", jump.table.rawValue, "-I"] + rule, stdin: nil)
            guard insert.status == 0 else {
                throw IPTablesApplyError(
                    command: "\(self.iptables) -t \(jump.table.rawValue) -I \(rule.joined(separator: " "))",
                    status: insert.status, message: insert.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
                    line: nil)
            }
        }
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
