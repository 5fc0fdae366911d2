import Synchronization

/// What the previous compilations computed: chain names (hashing 50k endpoint names costs more than writing their
/// rules), each service port's record, and the active nat chains.
final class CompilerCache: Sendable {
    struct Entries: Sendable {
        /// Chain names of service ports.
        var services: [ServicePortName: ServiceChainNames] = [:]
        /// Chain names of endpoints.
        var endpoints: [EndpointKey: String] = [:]
        /// The service ports in output order.
        var order: [ServicePortName] = []
        /// What each service port of `order` wrote when it was last written.
        var records: [ServiceRecord] = []
        /// The endpoints across all services.
        var endpointCount = 0
        /// Every per-service nat chain after the last sync.
        var active: Set<String> = []

        /// Names pile up as services come and go; past twice what a sync uses, the name cache starts over.
        mutating func pruneNames(services: Int, endpoints: Int) {
            if self.services.count > 2 * services + 1024 || self.endpoints.count > 2 * endpoints + 1024 {
                self.services = [:]
                self.endpoints = [:]
            }
        }
    }

    struct EndpointKey: Hashable, Sendable {
        var service: ServicePortName
        var ip: IPv4Address
        var port: Int
    }

    private let entries = Mutex(Entries())

    /// Takes the state out (leaving it empty) so the compilation mutates it without copying.
    func take() -> Entries {
        self.entries.withLock { entries in
            var taken = Entries()
            swap(&taken, &entries)
            return taken
        }
    }

    /// Puts the state back.
    func put(_ new: Entries) {
        self.entries.withLock { $0 = new }
    }
}

/// What one service port contributed to the last sync that wrote it: its rules in the shared top-level chains
/// (replayed as is when the service is unchanged), its own chains and how many rules they hold.
struct ServiceRecord: Sendable {
    var filterRules: [IPTablesRuleset.Rule] = []
    var natTopRules: [IPTablesRuleset.Rule] = []
    var chains: [String] = []
    var chainRuleCount = 0
    var endpointCount = 0
    var noLocalInternal = false
    var noLocalExternal = false
}
