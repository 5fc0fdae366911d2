import AgentCore
import Foundation
import Logging
import Synchronization

extension IPTablesProxier {
    /// Compiles and restores; on success records the new state, cleans conntrack and updates metrics and health.
    func apply(plan: Plan, full: Bool, started: C.Instant) async -> SyncReport {
        let (knownChains, topLevel) = self.state.withLock { ($0.knownNATChains, $0.topLevel) }
        var applyDuration = Duration.zero
        var compileDuration = Duration.zero
        var restoreBytes = 0
        var deleted: [String] = []
        var conntrackDeletions = 0
        do {
            var kernel: IPTablesApplier.Snapshot?
            if full {
                // A full sync reads the kernel (one iptables-save): the stale chains, the missing jumps, and which
                // chains already hold exactly what they should (those are not rewritten).
                let begin = self.clock.now
                kernel = try await self.applier.snapshot()
                applyDuration += begin.duration(to: self.clock.now)
            }
            let compileStart = self.clock.now
            let compilation = self.compiler.compile(
                services: plan.services, endpoints: plan.endpoints, node: self.settings.node,
                options: IPTablesCompileOptions(
                    changedServices: full ? nil : plan.batch.changedServices,
                    existingNATChains: kernel?.natChains ?? knownChains))
            let restore = IPTablesRestorePlan(
                ruleset: compilation.ruleset, full: full, kernel: kernel, topLevel: topLevel,
                stageRules: self.settings.fullSyncStageRules,
                missingJumps: kernel?.missing(self.compiler.jumpRules) ?? [])
            let restoreStart = self.clock.now
            compileDuration = compileStart.duration(to: restoreStart)
            restoreBytes = restore.input.utf8.count
            // One iptables-restore: each `*table ... COMMIT` block of a staged full sync is its own transaction, so
            // this is the same as one process per stage, without a process start and a cache load per stage.
            if !restore.input.isEmpty { try await self.applier.restore(restore.input) }
            applyDuration += restoreStart.duration(to: self.clock.now)
            deleted = compilation.deletedChains
            // The sync counts as done (health, timestamps) only once stale UDP flows are gone too.
            let deletions = self.state.withLock { state in
                defer { state.pendingConntrack = [] }
                return state.pendingConntrack
            } + ConntrackCleaner.deletions(for: plan.batch.udpChanges)
            conntrackDeletions = deletions.count
            for (deletion, message) in await self.conntrack.run(deletions) {
                self.logger.warning(
                    "conntrack cleanup failed", metadata: ["filter": "\(deletion)", "error": "\(message)"])
            }
            self.succeeded(compilation, topLevel: restore.topLevel, full: full, started: started)
        } catch {
            return self.failed(error, plan: plan, full: full, compile: compileDuration, apply: applyDuration, bytes: restoreBytes)
        }
        let wall = self.now()
        for (_, time) in plan.batch.changeTimes {
            self.metrics.networkProgrammingDuration.observe(max(0, wall.timeIntervalSince(time)))
        }
        let report = SyncReport(
            kind: full ? .full : .partial,
            changedServices: full ? Set(plan.services.keys.map(\.service)).count : plan.batch.changedServices.count,
            deletedChains: deleted, conntrackDeletions: conntrackDeletions, compileDuration: compileDuration,
            applyDuration: applyDuration, restoreBytes: restoreBytes, failure: nil)
        self.logger.debug("service proxy sync: \(report)")
        return report
    }

    private func succeeded(
        _ compilation: IPTablesCompilation, topLevel: IPTablesChainContents?, full: Bool, started: C.Instant
    ) {
        let first = self.state.withLock { state in
            state.knownNATChains = compilation.activeNATChains
            state.topLevel = topLevel
            state.needFullSync = false
            if full {
                state.lastFullSync = started
                state.lastCanaryCheck = started
            }
            state.syncs += 1
            return state.syncs == 1
        }
        let elapsed = started.duration(to: self.clock.now)
        self.metrics.syncProxyRulesDuration.observe(elapsed)
        (full ? self.metrics.syncFullProxyRulesDuration : self.metrics.syncPartialProxyRulesDuration).observe(elapsed)
        self.metrics.syncProxyRulesLastTimestamp.set(self.now().timeIntervalSince1970)
        self.metrics.iptablesRulesTotal.set(Double(compilation.filterRuleCount), labels: ["filter"])
        self.metrics.iptablesRulesTotal.set(Double(compilation.natRuleCount), labels: ["nat"])
        self.metrics.noLocalEndpoints.set(Double(compilation.noLocalEndpointsInternal), labels: ["internal"])
        self.metrics.noLocalEndpoints.set(Double(compilation.noLocalEndpointsExternal), labels: ["external"])
        self.health.updated()
        if first {
            self.logger.info(
                "service proxy rules written",
                metadata: [
                    "services": "\(compilation.activeNATChains.filter { $0.hasPrefix("KUBE-SVC-") }.count)",
                    "natRules": "\(compilation.natRuleCount)", "seconds": "\(elapsed)",
                ])
        }
    }

    private func failed(
        _ error: any Error, plan: Plan, full: Bool, compile: Duration, apply: Duration, bytes: Int
    ) -> SyncReport {
        self.state.withLock { state in
            state.needFullSync = true
            state.knownNATChains = nil
            state.topLevel = nil
            state.pendingConntrack += ConntrackCleaner.deletions(for: plan.batch.udpChanges)
        }
        self.metrics.iptablesRestoreFailures.increment()
        if !full { self.metrics.iptablesPartialRestoreFailures.increment() }
        self.logger.error(
            "service proxy sync failed; retrying with a full sync",
            metadata: ["error": "\(error)", "retryIn": "\(self.settings.syncPeriod)"])
        self.runner.retryAfter(self.settings.syncPeriod)
        return SyncReport(
            kind: full ? .full : .partial, changedServices: plan.batch.changedServices.count, deletedChains: [],
            conntrackDeletions: 0, compileDuration: compile, applyDuration: apply, restoreBytes: bytes,
            failure: "\(error)")
    }
}
