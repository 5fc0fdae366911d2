import Foundation
import KubeAPI
import Logging
import PodSandbox
import ServiceLifecycle
import StaticPods

/// Runs a static-pod source and feeds its snapshots to the engine. A manifest that fails to parse or validate
/// is logged once (path, field, line) each time the set of errors changes; the other pods are unaffected.
struct PodSourceService: Service {
    var source: any ManifestSource
    var engine: PodEngine
    var logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.source.run() }
                var reported: [ManifestError] = []
                var delivered = false
                for await snapshot in self.source.snapshots {
                    // A URL that could not be read yet says nothing about which pods are wanted: until it has
                    // answered once, the source does not count as reported (orphans are kept), as upstream.
                    let unanswered = self.source.kind == .http && !delivered && snapshot.pods.isEmpty
                        && !snapshot.errors.isEmpty
                    if !unanswered {
                        self.engine.update(source: self.source.kind.rawValue, pods: snapshot.pods)
                        delivered = true
                    }
                    if snapshot.errors != reported {
                        for error in snapshot.errors where !reported.contains(error) {
                            self.logger.error(
                                "static pod manifest rejected: \(error)",
                                metadata: ["source": "\(self.source.kind.rawValue)", "path": "\(error.path)"]
                            )
                        }
                        reported = snapshot.errors
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
