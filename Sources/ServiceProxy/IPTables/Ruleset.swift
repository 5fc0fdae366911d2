/// An iptables table name.
public enum IPTablesTable: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case filter, nat, mangle, raw

    /// The name as iptables spells it.
    public var description: String { self.rawValue }
}

/// A set of iptables tables, chains and rules: what the compiler produces, what `iptables-restore` reads
/// (``render()``) and what `iptables-save` prints (``parse(save:)``).
///
/// Rules are kept as iptables-restore text after `-A <chain> ` (``Rule/spec``), so rendering is a concatenation;
/// the tracer tokenizes them when it needs to.
///
/// ```swift
/// let text = compilation.ruleset.render()        // feed to iptables-restore --noflush
/// let live = try IPTablesRuleset.parse(save: saveOutput)
/// live.rules(in: .nat, chain: "KUBE-SERVICES")
/// ```
public struct IPTablesRuleset: Hashable, Sendable {
    /// The tables, in output order.
    public var tables: [Table]

    /// Creates a ruleset.
    public init(tables: [Table] = []) {
        self.tables = tables
    }

    /// One table: chain declarations, rules, and chains to delete.
    public struct Table: Hashable, Sendable {
        /// The table.
        public var name: IPTablesTable
        /// The chains declared (`:NAME POLICY [0:0]`); with `--noflush`, declaring a chain creates or flushes it.
        public var chains: [Chain]
        /// The rules (`-A chain spec`), in order.
        public var rules: [Rule]
        /// Chains deleted (`-X chain`) after the rules; each must also be declared (which flushes it first).
        public var deletedChains: [String]
        /// Rule-level edits of chains that are not declared (see ``IPTablesRuleset/delta(against:maxEdits:)``),
        /// written after the rules and before the deletions.
        public var edits: [Edit] = []

        /// Creates a table.
        public init(name: IPTablesTable, chains: [Chain] = [], rules: [Rule] = [], deletedChains: [String] = []) {
            self.name = name
            self.chains = chains
            self.rules = rules
            self.deletedChains = deletedChains
        }

        /// The rules of one chain, in order.
        public func rules(of chain: String) -> [Rule] {
            self.rules.filter { $0.chain == chain }
        }

        /// Whether the table declares `chain`.
        public func declares(_ chain: String) -> Bool {
            self.chains.contains { $0.name == chain }
        }
    }

    /// A chain declaration.
    public struct Chain: Hashable, Sendable {
        /// The chain's name.
        public var name: String
        /// `ACCEPT`/`DROP` for a built-in chain, nil (printed `-`) for a user chain.
        public var policy: String?

        /// Creates a declaration.
        public init(_ name: String, policy: String? = nil) {
            self.name = name
            self.policy = policy
        }
    }

    /// One rule: the chain it is appended to and the rest of the line in iptables-restore syntax.
    public struct Rule: Hashable, Sendable, CustomStringConvertible {
        /// The chain.
        public var chain: String
        /// Everything after `-A <chain> `, e.g. `-m comment --comment "a b" -j ACCEPT`.
        public var spec: String

        /// Creates a rule.
        public init(chain: String, spec: String) {
            self.chain = chain
            self.spec = spec
        }

        /// `-A <chain> <spec>`.
        public var description: String { "-A \(self.chain) \(self.spec)" }
    }

    /// The table named `name`, if present.
    public func table(_ name: IPTablesTable) -> Table? {
        self.tables.first { $0.name == name }
    }

    /// The rules of `chain` in `table`, in order; empty when either is absent.
    public func rules(in table: IPTablesTable, chain: String) -> [Rule] {
        self.table(table)?.rules(of: chain) ?? []
    }

    /// The chain names declared in `table`.
    public func chainNames(in table: IPTablesTable) -> [String] {
        self.table(table)?.chains.map(\.name) ?? []
    }

    /// The number of rules across all tables.
    public var ruleCount: Int {
        self.tables.reduce(0) { $0 + $1.rules.count }
    }
}
