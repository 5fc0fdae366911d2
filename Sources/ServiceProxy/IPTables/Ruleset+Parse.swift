/// A line of `iptables-save` (or `iptables-restore`) text that could not be read.
public struct IPTablesParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// The line's text.
    public var text: String
    /// What is wrong.
    public var message: String

    /// Creates the error.
    public init(line: Int, text: String, message: String) {
        self.line = line
        self.text = text
        self.message = message
    }

    /// `iptables-save line 12: rule outside a table: "-A X -j ACCEPT"`.
    public var description: String { "iptables-save line \(self.line): \(self.message): \"\(self.text)\"" }
}

extension IPTablesRuleset {
    /// Parses `iptables-save` output (also accepts `iptables-restore` input): `*table`, `:CHAIN POLICY [p:b]`,
    /// `-A CHAIN ...`, `-X CHAIN`, `COMMIT`; `#` lines and blank lines are skipped.
    ///
    /// - Parameter save: the text.
    /// - Returns: the tables in the order they appear.
    /// - Throws: ``IPTablesParseError`` naming the line.
    public static func parse(save: String) throws(IPTablesParseError) -> IPTablesRuleset {
        var tables: [Table] = []
        var current: Table?
        var number = 0
        for rawLine in save.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ message: String) -> IPTablesParseError {
                IPTablesParseError(line: number, text: String(line), message: message)
            }
            if line.hasPrefix("*") {
                guard current == nil else { throw fail("table starts before COMMIT of the previous one") }
                guard let name = IPTablesTable(rawValue: String(line.dropFirst())) else {
                    throw fail("unknown table")
                }
                current = Table(name: name)
            } else if line == "COMMIT" {
                guard let table = current else { throw fail("COMMIT outside a table") }
                tables.append(table)
                current = nil
            } else if line.hasPrefix(":") {
                guard current != nil else { throw fail("chain outside a table") }
                let words = line.dropFirst().split(separator: " ", omittingEmptySubsequences: true)
                guard let name = words.first else { throw fail("chain line without a name") }
                let policy = words.count > 1 && words[1] != "-" ? String(words[1]) : nil
                current?.chains.append(Chain(String(name), policy: policy))
            } else if line.hasPrefix("-A ") {
                guard current != nil else { throw fail("rule outside a table") }
                let rest = line.dropFirst(3).trimmingSpaces
                let chainEnd = rest.firstIndex(of: " ") ?? rest.endIndex
                let chain = String(rest[..<chainEnd])
                let spec = String(rest[chainEnd...].trimmingSpaces)
                guard !chain.isEmpty else { throw fail("rule without a chain") }
                current?.rules.append(Rule(chain: chain, spec: spec))
            } else if line.hasPrefix("-X ") {
                guard current != nil else { throw fail("chain deletion outside a table") }
                current?.deletedChains.append(String(line.dropFirst(3).trimmingSpaces))
            } else {
                throw fail("not a table, chain, rule or COMMIT line")
            }
        }
        if current != nil {
            throw IPTablesParseError(line: number, text: "", message: "missing COMMIT at the end")
        }
        return IPTablesRuleset(tables: tables)
    }
}
