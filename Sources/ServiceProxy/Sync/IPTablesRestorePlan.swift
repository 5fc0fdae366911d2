/// What one sync hands to `iptables-restore`, decided from the compilation and what is known of the kernel (pure;
/// the proxier only runs it):
/// - a full sync: the chains whose rules differ from the kernel's (`pruned(against:)` the snapshot's digests), in
///   stages of `stageRules` nat rules (`stagedForRestore`), each stage its own `*table ... COMMIT` transaction in the
///   one input; the missing jump rules go into the last stage, where the chains they jump to are complete;
/// - a partial sync: the changed services' chains and the top-level chains' changes only (`delta(against:)`), or
///   everything the compiler wrote when the top-level chains' contents are not known.
public struct IPTablesRestorePlan: Sendable, Equatable {
    /// The `iptables-restore --noflush` input; empty when there is nothing to write.
    public var input: String
    /// The top-level chains' contents once `input` is applied.
    public var topLevel: IPTablesChainContents

    /// - Parameters:
    ///   - ruleset: the compilation's ruleset.
    ///   - full: whether this is a full sync.
    ///   - kernel: a full sync's `iptables-save` snapshot (nil: compare nothing, write every chain).
    ///   - topLevel: the top-level chains' contents now (nil: unknown).
    ///   - stageRules: nat rules per stage of a full sync (0: one stage).
    ///   - missingJumps: the jump rules the kernel lacks.
    public init(
        ruleset: IPTablesRuleset, full: Bool, kernel: IPTablesApplier.Snapshot?,
        topLevel: IPTablesChainContents?, stageRules: Int, missingJumps: [IPTablesJumpRule]
    ) {
        let stages: [IPTablesRuleset]
        if full {
            self.topLevel = ruleset.topLevelContents
            let changed = kernel.map { ruleset.pruned(against: $0.digests).ruleset } ?? ruleset
            stages = stageRules > 0 ? changed.stagedForRestore(maxRules: stageRules) : [changed]
        } else if let current = topLevel {
            let delta = ruleset.delta(against: current)
            self.topLevel = delta.contents
            stages = delta.ruleset.tables.isEmpty ? [] : [delta.ruleset]
        } else {
            self.topLevel = ruleset.topLevelContents
            stages = [ruleset]
        }
        var inputs = stages.map { $0.render() }
        if !missingJumps.isEmpty {
            if inputs.isEmpty { inputs = [""] }
            inputs[inputs.count - 1] = IPTablesApplier.insertingJumps(missingJumps, into: inputs[inputs.count - 1])
        }
        self.input = inputs.joined()
    }
}
