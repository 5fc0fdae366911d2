import AgentCore
import ClusterMode
import CRIClient
import Foundation
import KubeAPI
import KubeClient
import Logging
import PodSandbox
import ServiceLifecycle
import Synchronization

/// Cluster mode's parts, built before the engine (the event sink and the status observer go into the syncer and
/// the engine) and connected to it afterwards.
final class ClusterSetup: Sendable {
    let client: KubeAPIClient
    let api: KubeClusterAPI
    let nodeName: String
    let registration: NodeRegistration
    let cache = APIPodCache()
    let statusManager: PodStatusManager
    let recorder: EventRecorder
    /// ConfigMaps, Secrets and tokens for the pods' volumes and env.
    let objects: APIObjectProvider
    private let mirrorWake: AsyncStream<Void>
    private let mirrorWakeContinuation: AsyncStream<Void>.Continuation

    init(kubeconfig: String, nodeName: String, qps: Double, burst: Int, engine: ResyncRelay, logger: Logger) throws {
        var configuration: KubeClientConfiguration
        do {
            configuration = try Kubeconfig.load(path: kubeconfig)
        } catch {
            throw CommandError("error: --kubeconfig \(kubeconfig): \(error)")
        }
        configuration.qps = qps
        configuration.burst = burst
        self.client = try KubeAPIClient(configuration: configuration, logger: logger)
        self.api = KubeClusterAPI(client: self.client, logger: logger)
        self.nodeName = nodeName
        self.registration = NodeRegistration(name: nodeName)
        self.objects = APIObjectProvider(client: self.client)
        self.statusManager = PodStatusManager(
            api: self.api,
            cache: self.cache,
            localPods: { engine.pods() },
            logger: logger
        )
        self.recorder = EventRecorder(
            api: self.api,
            nodeName: nodeName,
            podLookup: { uid in engine.pod(uid: uid) },
            logger: logger
        )
        (self.mirrorWake, self.mirrorWakeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The cluster services, once the engine exists.
    func services(
        engine: PodEngine,
        runtime: any ContainerRuntime,
        facts: NodeFacts,
        statusUpdateFrequency: Duration,
        rootDir: String,
        logger: Logger
    ) -> [any Service] {
        let mirrorWake = self.mirrorWakeContinuation
        let statusManager = self.statusManager
        var nodeConfiguration = NodeStatusService.Configuration()
        nodeConfiguration.updateFrequency = statusUpdateFrequency
        let started = ContinuousClock.now
        let runtimeVersion = Mutex<String?>(nil)
        return [
            // First, so it is shut down last (the group stops services in reverse order).
            ClientShutdown(client: self.client),
            NodeStatusService(
                api: self.api,
                facts: {
                    var facts = facts
                    if let version = runtimeVersion.withLock({ $0 }) {
                        facts.nodeInfo.containerRuntimeVersion = version
                    } else if let version = try? await runtime.version() {
                        let text = "\(version.runtimeName)://\(version.runtimeVersion)"
                        runtimeVersion.withLock { $0 = text }
                        facts.nodeInfo.containerRuntimeVersion = text
                    }
                    return facts
                },
                health: { await Self.health(engine: engine, runtime: runtime, started: started, rootDir: rootDir) },
                registration: self.registration,
                configuration: nodeConfiguration,
                logger: logger
            ),
            NodeLeaseService(api: self.api, registration: self.registration, logger: logger),
            APIPodSourceService(
                api: self.api,
                nodeName: self.nodeName,
                engine: engine,
                cache: self.cache,
                changed: {
                    mirrorWake.yield()
                    statusManager.nudge()
                },
                logger: logger
            ),
            self.statusManager,
            MirrorPodService(
                api: self.api,
                cache: self.cache,
                registration: self.registration,
                staticPods: {
                    engine.pods().filter { !$0.terminating && $0.pod.configSource != "api" }.map(\.pod)
                },
                wake: self.mirrorWake,
                logger: logger
            ),
            self.recorder,
        ]
    }

    /// Ready unless the runtime reports itself not ready or the sync loop stalled, as upstream's
    /// `runtimeState` errors ("container runtime is down", "PLEG is not healthy").
    static func health(
        engine: PodEngine,
        runtime: any ContainerRuntime,
        started: ContinuousClock.Instant,
        rootDir: String
    ) async -> NodeHealth {
        var problems: [String] = []
        do {
            let status = try await runtime.status(verbose: false)
            for condition in status.conditions where !condition.status {
                problems.append("container runtime not ready: \(condition.type) \(condition.reason) \(condition.message)")
            }
        } catch {
            problems.append("container runtime is down: \(error)")
        }
        let relist = engine.heartbeats().relist ?? started
        if relist.duration(to: .now) > .seconds(180) {
            problems.append("PLEG is not healthy: pleg was last seen active \(relist.duration(to: .now)) ago; threshold is 3m0s")
        }
        let pressure = Self.pressure(rootDir: rootDir)
        return NodeHealth(
            notReadyMessage: problems.isEmpty ? nil : problems.joined(separator: ", "),
            memoryPressure: pressure.memory,
            diskPressure: pressure.disk,
            pidPressure: pressure.pid
        )
    }

    /// Upstream's default hard eviction thresholds: `memory.available<100Mi`, `nodefs.available<10%`,
    /// `pid.available<10%` (of `kernel.pid_max`), read from /proc and statvfs.
    static func pressure(rootDir: String) -> (memory: Bool, disk: Bool, pid: Bool) {
        var memory = false
        for line in Self.read("/proc/meminfo").split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let kib = Int64(line.split(separator: " ").dropFirst().first ?? "") ?? Int64.max
            memory = kib < 100 * 1024
        }
        var disk = false
        var storage = statvfs()
        if statvfs(FileManager.default.fileExists(atPath: rootDir) ? rootDir : "/", &storage) == 0, storage.f_blocks > 0 {
            disk = Double(storage.f_bavail) / Double(storage.f_blocks) < 0.10
        }
        var pid = false
        if let max = Int(Self.read("/proc/sys/kernel/pid_max")),
            let field = Self.read("/proc/loadavg").split(separator: " ").dropFirst(3).first,
            let running = Int(field.split(separator: "/").last ?? "")
        {
            pid = Double(max - running) / Double(max) < 0.10
        }
        return (memory, disk, pid)
    }

    /// The node's facts: identity, capacity and system information.
    static func facts(
        nodeName: String,
        nodeIPs: [String],
        labels: [String: String],
        maxPods: Int,
        rootDir: String
    ) -> NodeFacts {
        var system = utsname()
        uname(&system)
        let kernel = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let machine = withUnsafeBytes(of: &system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let hostname = ProcessInfo.processInfo.hostName.lowercased()
        let info = NodeSystemInfo(
            machineID: Self.read("/etc/machine-id"),
            systemUUID: Self.read("/sys/class/dmi/id/product_uuid").lowercased(),
            bootID: Self.read("/proc/sys/kernel/random/boot_id"),
            kernelVersion: kernel,
            osImage: Self.osImage(),
            containerRuntimeVersion: "",
            kubeletVersion: AgentVersion.kubernetesVersion,
            kubeProxyVersion: "",
            operatingSystem: "linux",
            architecture: Self.goArch(machine)
        )
        var storage = statvfs()
        let storageBytes: Int64 =
            statvfs(FileManager.default.fileExists(atPath: rootDir) ? rootDir : "/", &storage) == 0
            ? Int64(storage.f_blocks) * Int64(storage.f_frsize) : 0
        return NodeFacts(
            name: nodeName,
            hostname: nodeName.isEmpty ? hostname : nodeName,
            addresses: nodeIPs,
            extraLabels: labels,
            milliCPU: NodeResources.milliCPU(),
            memoryBytes: NodeResources.memoryBytes(),
            ephemeralStorageBytes: storageBytes,
            maxPods: maxPods,
            nodeInfo: info,
            architecture: Self.goArch(machine)
        )
    }

    static func goArch(_ machine: String) -> String {
        switch machine {
        case "x86_64": "amd64"
        case "aarch64": "arm64"
        default: machine
        }
    }

    private static func read(_ path: String) -> String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func osImage() -> String {
        let text = Self.read("/etc/os-release")
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "Linux"
    }

    /// `--node-labels key=value,key2=value2`.
    static func parseLabels(_ text: String?) throws -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var labels: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw CommandError("error: invalid --node-labels entry '\(pair)': expected key=value")
            }
            labels[parts[0]] = parts[1]
        }
        return labels
    }
}

/// Closes the API client's connections after the other services stopped.
struct ClientShutdown: Service {
    let client: KubeAPIClient

    func run() async throws {
        try? await gracefulShutdown()
        try? await self.client.shutdown()
    }
}
