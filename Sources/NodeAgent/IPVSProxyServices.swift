import Foundation
import IPVSProxy
import Logging
import ServiceLifecycle
import ServiceProxy

/// `--proxy-mode=ipvs`: the IPVS proxier. On a kernel without IPVS the agent stops at start with an error saying
/// so; there is no fallback to iptables mode.
enum IPVSProxyServices {
    static func make(
        options: ProxyOptions, settings: ProxierSettings, metrics: ProxyMetrics, health: ProxyHealth,
        source: any ServiceSource, logger: Logger
    ) throws -> any Service {
        let config = IPVSCompilerConfig(
            scheduler: options.ipvsScheduler, nodePortAddresses: settings.node.nodeIP.map { [$0] } ?? [],
            clusterCIDR: settings.compiler.clusterCIDR)
        do {
            let proxier = try IPVSProxier(
                settings: settings, config: config, runner: ProcessCommandRunner(), metrics: metrics, health: health,
                clock: ContinuousClock(), logger: logger)
            return IPVSRunService(source: source, proxier: proxier)
        } catch let error where error.isMissingKernelSupport {
            throw CommandError(
                "error: --proxy-mode ipvs: this kernel has no IPVS (ip_vs module missing or not loadable): \(error)")
        } catch {
            throw CommandError("error: --proxy-mode ipvs: cannot start IPVS mode: \(error)")
        }
    }
}

/// Runs the Service source and the IPVS proxier's sync loop until graceful shutdown (the kernel state stays).
struct IPVSRunService: Service {
    let source: any ServiceSource
    let proxier: IPVSProxier<ContinuousClock>

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.proxier.run() }
                group.addTask { try await self.source.run() }
                for await event in self.source.events {
                    self.proxier.handle(event)
                }
                group.cancelAll()
            }
        }
    }
}
