import AgentCore
import AgentHTTP
import ClusterMode
import CRIClient
import ArgumentParser
import Foundation
import KubeAPI
import KubeClient
import Logging
import ServiceLifecycle
import ServiceProxy
import UnixSignals

/// The kube-proxy half's flags. kube-proxy's names where they do not collide with the kubelet's: kube-proxy's
/// `--healthz-bind-address` and `--metrics-bind-address` become `--proxy-healthz-bind-address` and
/// `--proxy-metrics-bind-address`, since the kubelet already owns `--healthz-bind-address`.
struct ProxyOptions: ParsableArguments {
    @Option(help: "The proxy mode: iptables or ipvs (ipvs needs a kernel with IPVS and ipset; no fallback).")
    var proxyMode: String = "iptables"

    @Option(help: "The IPVS scheduler of --proxy-mode=ipvs: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq, mh (kube-proxy's; default rr).")
    var ipvsScheduler: String = "rr"

    @Option(help: "The cluster's pod CIDR; traffic to a service from outside it is masqueraded (kube-proxy --cluster-cidr).")
    var clusterCIDR: String?

    @Option(help: "A directory of Service and EndpointSlice manifests the proxy serves (standalone mode).")
    var serviceManifestPath: String?

    @Option(help: "host:port of the proxy's /healthz and /livez; empty disables them (kube-proxy --healthz-bind-address).")
    var proxyHealthzBindAddress: String = "0.0.0.0:10256"

    @Option(help: "host:port of the proxy's /metrics; empty disables it (kube-proxy --metrics-bind-address).")
    var proxyMetricsBindAddress: String = "127.0.0.1:10249"

    @Option(help: "The most time between checks that the proxy's rules are intact, e.g. 30s (kube-proxy's).")
    var iptablesSyncPeriod: String = "30s"

    @Option(help: "The least time between two rule syncs after a burst of two, e.g. 1s (kube-proxy's).")
    var iptablesMinSyncPeriod: String = "1s"

    @Flag(help: "Do not run the service proxy half.")
    var disableProxy: Bool = false

    @Flag(help: "Do not run the kubelet half (pods); only the service proxy.")
    var disableKubelet: Bool = false

    /// Whether the proxy half runs: not disabled, and some source of Services is configured (a manifest
    /// directory, or the API server in cluster mode).
    func proxyEnabled(kubeconfig: String?) -> Bool {
        !self.disableProxy && (self.serviceManifestPath != nil || kubeconfig != nil)
    }
}

/// Builds the proxy half of the daemon: the manifest source, the iptables proxier, and the health and metrics
/// servers, as ServiceLifecycle services.
enum ProxyServices {
    /// The services to run, or none when the proxy is off.
    /// - Throws: ``CommandError`` naming the flag at fault.
    static func make(
        options: ProxyOptions, kubeconfig: String? = nil, nodeName: String, nodeIPs: [String], logger: Logger
    ) throws -> [any Service] {
        guard options.proxyEnabled(kubeconfig: kubeconfig) else { return [] }
        guard ["iptables", "ipvs", ""].contains(options.proxyMode) else {
            throw CommandError(
                "error: --proxy-mode \(options.proxyMode): not available; the supported proxy modes are iptables and ipvs")
        }
        var compiler = ProxierConfig()
        if let text = options.clusterCIDR, !text.isEmpty {
            guard let cidr = IPv4CIDR(text) else {
                throw CommandError("error: --cluster-cidr '\(text)': expected an IPv4 CIDR like 10.244.0.0/16")
            }
            compiler.clusterCIDR = cidr
        }
        let node = NodeContext(nodeName: nodeName, nodeIP: nodeIPs.lazy.compactMap { IPv4Address($0) }.first)
        var settings = ProxierSettings(node: node, compiler: compiler)
        settings.syncPeriod = try Self.duration(options.iptablesSyncPeriod, flag: "iptables-sync-period")
        settings.minSyncPeriod = try Self.duration(options.iptablesMinSyncPeriod, flag: "iptables-min-sync-period")
        let metrics = ProxyMetrics()
        let health = ProxyHealth(healthTimeout: settings.healthTimeout)
        // A manifest directory wins; otherwise, in cluster mode, Services and EndpointSlices come from the API
        // server through the proxy's own client (kube-proxy is a client of its own upstream too).
        let source: any ServiceSource
        var clientShutdown: ClientShutdown?
        let origin: String
        if let path = options.serviceManifestPath {
            source = ManifestDirectoryServiceSource(directory: path, logger: logger)
            origin = path
        } else if let kubeconfig {
            let configuration: KubeClientConfiguration
            do {
                configuration = try Kubeconfig.load(path: kubeconfig)
            } catch {
                throw CommandError("error: --kubeconfig \(kubeconfig): \(error)")
            }
            let client = try KubeAPIClient(configuration: configuration, logger: logger)
            source = APIServiceSource(client: client, logger: logger)
            clientShutdown = ClientShutdown(client: client)
            origin = configuration.server
        } else {
            return []
        }
        var services: [any Service]
        if options.proxyMode == "ipvs" {
            services = [
                try IPVSProxyServices.make(
                    options: options, settings: settings, metrics: metrics, health: health, source: source, logger: logger)
            ]
        } else {
            let proxier = IPTablesProxier(
                settings: settings, runner: ProcessCommandRunner(), metrics: metrics, health: health,
                clock: ContinuousClock(), logger: logger)
            services = [ProxyRunService(source: source, proxier: proxier)]
        }
        // First, so it is shut down last (the group stops services in reverse order).
        if let clientShutdown { services.insert(clientShutdown, at: 0) }
        let routes = ProxyHTTPRoutes(health: health, metrics: metrics)
        if let server = try Self.server(
            options.proxyHealthzBindAddress, flag: "proxy-healthz-bind-address", logger: logger,
            routes: { routes.healthServer(method: $0, path: $1) })
        {
            services.append(server)
        }
        if let server = try Self.server(
            options.proxyMetricsBindAddress, flag: "proxy-metrics-bind-address", logger: logger,
            routes: { routes.metricsServer(method: $0, path: $1) })
        {
            services.append(server)
        }
        logger.info(
            "service proxy starting",
            metadata: [
                "mode": "\(options.proxyMode.isEmpty ? "iptables" : options.proxyMode)", "services": "\(origin)", "clusterCIDR": "\(options.clusterCIDR ?? "-")",
                "healthz": "\(options.proxyHealthzBindAddress)", "metrics": "\(options.proxyMetricsBindAddress)",
            ])
        return services
    }

    /// An HTTP server on `host:port`, or nil when the address is empty or its port 0.
    static func server(
        _ address: String, flag: String, logger: Logger,
        routes: @escaping @Sendable (String, String) -> ProxyHTTPResponse
    ) throws -> AgentHTTPServer? {
        guard !address.isEmpty else { return nil }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw CommandError("error: --\(flag) '\(address)': expected host:port, e.g. 0.0.0.0:10256")
        }
        guard port != 0 else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        let handler = AgentHTTPHandler { method, uri in
            let response = routes(method, uri)
            return AgentHTTPResponse(
                status: response.status,
                headers: [("Content-Type", response.contentType), ("X-Content-Type-Options", "nosniff")],
                body: Array(response.body.utf8))
        }
        return AgentHTTPServer(
            configuration: .init(host: host, port: port), handler: handler, logger: logger)
    }

    static func duration(_ text: String, flag: String) throws -> Duration {
        guard let duration = GoDuration.parse(text), duration > .zero else {
            throw CommandError("error: --\(flag) '\(text)': expected a positive duration like 30s")
        }
        return duration
    }
}

/// Runs the Service source and the proxier's sync loop until graceful shutdown. The rules stay in place when the
/// agent stops, as kube-proxy leaves them.
struct ProxyRunService: Service {
    let source: any ServiceSource
    let proxier: IPTablesProxier<ContinuousClock>

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

/// Why the kubelet half cannot run now while the proxy half can.
enum KubeletBlocked: Equatable {
    /// `--disable-kubelet`.
    case disabled
    /// No pod source is configured.
    case noPodSource
    /// The runtime's socket does not exist (yet).
    case runtimeMissing(socketPath: String)
}

extension AgentRun {
    /// nil when the kubelet half can start now.
    func kubeletBlocked(_ settings: KubeletConfiguration.Resolved) -> KubeletBlocked? {
        if self.options.proxy.disableKubelet { return .disabled }
        if settings.staticPodPath == nil && settings.staticPodURL == nil && self.options.kubeconfig == nil {
            return .noPodSource
        }
        guard var configuration = try? CRIClientConfiguration(endpoint: settings.containerRuntimeEndpoint) else {
            return nil  // the normal path reports the bad endpoint
        }
        configuration.requestTimeout = settings.runtimeRequestTimeout
        if !FileManager.default.fileExists(atPath: configuration.socketPath) {
            return .runtimeMissing(socketPath: configuration.socketPath)
        }
        return nil
    }

    /// Runs the proxy half now; when the runtime is only missing, waits for it and then starts the kubelet half
    /// (retrying if it fails), without ever stopping the proxy.
    func runProxyFirst(_ proxyServices: [any Service], kubelet: KubeletBlocked, logger: Logger) async throws {
        var services = proxyServices
        switch kubelet {
        case .disabled:
            logger.info("the kubelet half is off (--disable-kubelet); running the service proxy only")
        case .noPodSource:
            logger.info("no pod source (--pod-manifest-path, --manifest-url); running the service proxy only")
        case .runtimeMissing(let socketPath):
            var options = self.options
            options.proxy.disableProxy = true
            services.append(RuntimeWaitService(socketPath: socketPath, kubelet: AgentRun(options: options), logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.info("node-agent stopped")
    }
}

/// Waits for the container runtime's socket, reporting the runtime as not ready meanwhile, then runs the kubelet
/// half; if that fails, reports it and starts over after a pause. Returns on graceful shutdown.
struct RuntimeWaitService: Service {
    let socketPath: String
    let kubelet: AgentRun
    let logger: Logger
    var pollInterval: Duration = .seconds(2)
    var reportInterval: Duration = .seconds(60)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var lastReport: ContinuousClock.Instant?
            while !Task.isCancelled {
                if FileManager.default.fileExists(atPath: self.socketPath) {
                    self.logger.info("container runtime socket is there; starting the kubelet half")
                    do {
                        try await self.kubelet.run(logger: self.logger)
                        return
                    } catch {
                        self.logger.error("the kubelet half stopped; retrying", metadata: ["error": "\(error)"])
                    }
                } else if lastReport.map({ $0.duration(to: clock.now) >= self.reportInterval }) ?? true {
                    lastReport = clock.now
                    self.logger.error(
                        "container runtime not ready: the socket does not exist; the service proxy keeps running",
                        metadata: ["socket": "\(self.socketPath)", "retryEvery": "\(self.pollInterval)"])
                }
                try await Task.sleep(for: self.pollInterval)
            }
        }
    }
}
