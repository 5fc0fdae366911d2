/// How the iptables proxier syncs, with kube-proxy's defaults.
public struct ProxierSettings: Sendable {
    /// The least time between syncs after a burst of two (`--iptables-min-sync-period`, 1 s).
    public var minSyncPeriod: Duration
    /// The most time between checks that the rules are still there (the canary), and the retry delay after a
    /// failed sync (`--iptables-sync-period`, 30 s). `/healthz` fails when an update waits `2 x syncPeriod`.
    public var syncPeriod: Duration
    /// A full sync runs at least this often even when nothing failed (upstream `FullSyncPeriod`, 1 h).
    public var fullSyncPeriod: Duration
    /// Syncs allowed back to back before `minSyncPeriod` applies (upstream `burstSyncs`, 2).
    public var burstSyncs: Int
    /// The compiler's settings (`--cluster-cidr`, masquerade bit, ...).
    public var compiler: ProxierConfig
    /// The node the rules are for.
    public var node: NodeContext
    /// A full sync writing more nat rules than this is restored in stages of about this many rules (each stage
    /// atomic, every intermediate state working), since iptables-nft's `--noflush` time grows quadratically with
    /// the chains one restore names; 0 always uses one restore. Partial syncs are always one restore.
    public var fullSyncStageRules: Int = 2000

    /// - Parameters: see the properties; every duration defaults to kube-proxy's.
    public init(
        node: NodeContext,
        compiler: ProxierConfig = ProxierConfig(),
        minSyncPeriod: Duration = .seconds(1),
        syncPeriod: Duration = .seconds(30),
        fullSyncPeriod: Duration = .seconds(3600),
        burstSyncs: Int = 2
    ) {
        self.node = node
        self.compiler = compiler
        self.minSyncPeriod = minSyncPeriod
        self.syncPeriod = syncPeriod
        self.fullSyncPeriod = fullSyncPeriod
        self.burstSyncs = burstSyncs
    }

    /// How long a queued update may wait before `/healthz` fails: `2 x syncPeriod`.
    public var healthTimeout: Duration { self.syncPeriod * 2 }
}

/// What one sync did.
public struct SyncReport: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Not every initial Service and EndpointSlice has arrived yet; nothing was written.
        case notReady
        /// Nothing changed and the canary is in place; nothing was written.
        case unchanged
        /// Every chain was written.
        case full
        /// Only the changed services' chains (and the top-level ones) were written.
        case partial
    }

    public var kind: Kind
    /// The services whose chains were rewritten (all of them for a full sync).
    public var changedServices: Int
    /// Stale chains deleted.
    public var deletedChains: [String]
    /// UDP conntrack deletions run.
    public var conntrackDeletions: Int
    /// Time spent compiling, and in `iptables-restore` (plus `iptables-save` and jump checks when they ran).
    public var compileDuration: Duration
    public var applyDuration: Duration
    /// The size of the restore input, in bytes.
    public var restoreBytes: Int
    /// Why the sync failed, if it did (the next one is a full sync).
    public var failure: String?

    public var description: String {
        var text = "\(self.kind.rawValue) sync: \(self.changedServices) services, compile \(self.compileDuration), "
            + "apply \(self.applyDuration), \(self.restoreBytes) bytes"
        if !self.deletedChains.isEmpty { text += ", \(self.deletedChains.count) stale chains deleted" }
        if let failure = self.failure { text += ", FAILED: \(failure)" }
        return text
    }
}
