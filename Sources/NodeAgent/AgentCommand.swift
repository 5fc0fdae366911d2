import AgentCore
import AgentHTTP
import ArgumentParser
import ClusterMode
import CRIClient
import Foundation
import KubeAPI
import Logging
import PodSandbox
import ProbeRunner
import ServiceLifecycle
import StaticPods
import UnixSignals

/// `node-agent [flags]`: runs the agent until SIGTERM/SIGINT. Stopping leaves the pods running, as the kubelet
/// does; the next start adopts them.
struct AgentRun {
    var options: AgentOptions

    func run(logger: Logger) async throws {
        let settings = try self.options.resolve()
        // The kube-proxy half stands on its own: without a runtime (or with the kubelet half off) it still runs.
        let proxyServices = try ProxyServices.make(
            options: self.options.proxy, kubeconfig: self.options.kubeconfig,
            nodeName: NodeIdentity.nodeName(override: self.options.hostnameOverride),
            nodeIPs: NodeIdentity.nodeIPs(flag: self.options.nodeIP), logger: logger)
        if !proxyServices.isEmpty, let blocked = self.kubeletBlocked(settings) {
            return try await self.runProxyFirst(proxyServices, kubelet: blocked, logger: logger)
        }
        if self.options.proxy.disableKubelet {
            throw CommandError(
                "error: --disable-kubelet leaves nothing to run: pass --service-manifest-path DIR or --kubeconfig FILE")
        }
        guard settings.staticPodPath != nil || settings.staticPodURL != nil || self.options.kubeconfig != nil else {
            throw CommandError(
                "error: no pod source: pass --kubeconfig FILE, --pod-manifest-path DIR (or staticPodPath in --config) "
                    + "or --manifest-url URL"
            )
        }
        var criConfiguration: CRIClientConfiguration
        do {
            criConfiguration = try CRIClientConfiguration(endpoint: settings.containerRuntimeEndpoint)
        } catch {
            throw CommandError("error: --container-runtime-endpoint: \(error)")
        }
        criConfiguration.requestTimeout = settings.runtimeRequestTimeout
        guard FileManager.default.fileExists(atPath: criConfiguration.socketPath) else {
            throw CommandError(
                "error: the container runtime socket \(criConfiguration.socketPath) does not exist. Is the runtime "
                    + "running? For node-agent's own containerd run `sudo deploy/setup-node.sh`."
            )
        }

        let nodeName = NodeIdentity.nodeName(override: self.options.hostnameOverride)
        let nodeIPs = NodeIdentity.nodeIPs(flag: self.options.nodeIP)
        let metrics = KubeletMetrics()
        metrics.setNodeName(nodeName)
        let nodeLabels = try ClusterSetup.parseLabels(self.options.nodeLabels)
        let relay = ResyncRelay()
        let cluster = try self.options.kubeconfig.map { path in
            try ClusterSetup(
                kubeconfig: path,
                nodeName: nodeName,
                qps: self.options.kubeAPIQPS ?? Double(settings.kubeAPIQPS),
                burst: self.options.kubeAPIBurst ?? settings.kubeAPIBurst,
                engine: relay,
                logger: logger
            )
        }

        let connection = try CRIConnection(configuration: criConfiguration, logger: logger)
        let runtime = InstrumentedContainerRuntime(wrapping: connection.runtime, recorder: metrics)
        let context = PodConfigContext(
            nodeName: nodeName,
            nodeIPs: nodeIPs,
            clusterDNS: settings.clusterDNS,
            clusterDomain: settings.clusterDomain,
            resolvConfPath: settings.resolvConf,
            podLogsDirectory: settings.podLogsDir,
            podsDirectory: self.options.rootDir + "/pods",
            seccompProfileRoot: self.options.rootDir + "/seccomp",
            memoryCapacity: NodeResources.memoryBytes(),
            allocatable: .init(milliCPU: NodeResources.milliCPU(), memoryBytes: NodeResources.memoryBytes())
        )
        let eventLogger = logger
        let probeExecutor = ProbeHandlers { id, command, timeout in
            let result = try await runtime.execSync(id, command: command, timeout: timeout)
            return (result.exitCode, String(decoding: result.stdout + result.stderr, as: UTF8.self))
        }
        let probeMetrics = ProbeMetrics(registry: metrics.registry)
        let probeManager = ProbeManager(
            executor: probeExecutor,
            logger: logger,
            onProbe: { kind, target, outcome, seconds in
                probeMetrics.record(kind, target, outcome, seconds: seconds)
                // Upstream's "Unhealthy" warning, one per failed run (the recorder counts repeats).
                if outcome.result == .failure {
                    let name = kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst()
                    cluster?.recorder.record(
                        PodEvent(
                            type: .warning,
                            reason: "Unhealthy",
                            message: "\(name) probe failed: \(outcome.message)",
                            podUID: target.podUID,
                            containerName: target.container.name
                        )
                    )
                }
                // Upstream's "ProbeWarning": a success with a reservation (an HTTP redirect to another host).
                if let warning = outcome.warning {
                    cluster?.recorder.record(
                        PodEvent(
                            type: .warning,
                            reason: "ProbeWarning",
                            message: "\(ProbeMetrics.probeType(kind)) probe warning: \(warning)",
                            podUID: target.podUID,
                            containerName: target.container.name
                        )
                    )
                }
            },
            onChange: { uid in relay.resync(podUID: uid) }
        )
        let syncer = PodSyncer(
            runtime: runtime,
            context: context,
            volumes: HostVolumeSetup(),
            restartBackOff: BackOffStore(policy: .crashLoop(maxContainerRestartPeriod: settings.maxContainerRestartPeriod)),
            probeResults: { uid in ProbeService.snapshot(probeManager.results(podUID: uid)) },
            eventSink: { event in
                cluster?.recorder.record(event)
                if let name = event.containerName, event.reason == "Started" || event.reason == "Failed" {
                    let pod = relay.pod(uid: event.podUID)
                    let isInit = pod?.spec.initContainers.contains { $0.name == name } ?? false
                    let type = isInit ? KubeletMetrics.ContainerType.initContainer : KubeletMetrics.ContainerType.container
                    if event.reason == "Started" {
                        metrics.startedContainers.increment(labels: [type])
                    } else if event.message.hasPrefix("Error: "), !event.message.hasPrefix("Error: ErrImage") {
                        // A create or start that failed (not an image pull, which has its own reasons).
                        metrics.startedContainers.increment(labels: [type])
                        metrics.startedContainersErrors.increment(labels: [type, "Unknown"])
                    }
                }
                let level: Logger.Level = event.type == .warning ? .warning : .info
                eventLogger.log(
                    level: level,
                    "\(event.reason): \(event.message)",
                    metadata: ["pod": "\(event.podUID)", "container": "\(event.containerName ?? "")"]
                )
            },
            objects: cluster?.objects,
            logger: logger
        )
        var sources: Set<String> = []
        if settings.staticPodPath != nil { sources.insert("file") }
        if settings.staticPodURL != nil { sources.insert("http") }
        if cluster != nil { sources.insert("api") }
        var engineConfiguration = PodEngine.Configuration(sources: sources)
        engineConfiguration.resyncPeriod = settings.syncFrequency
        engineConfiguration.observer = cluster?.statusManager
        let engine = PodEngine(
            syncer: syncer,
            relister: RuntimeRelister(runtime: runtime),
            configuration: engineConfiguration,
            logger: logger,
            metrics: metrics
        )

        relay.connect(engine)
        var services: [any Service] = [
            connection, EngineService(engine: engine),
            ProbeService(manager: probeManager, engine: engine, executor: probeExecutor),
        ]
        services += proxyServices
        if let path = settings.staticPodPath {
            let source = ManifestDirectorySource(
                directory: path,
                nodeName: nodeName,
                fileCheckFrequency: settings.fileCheckFrequency,
                logger: logger
            )
            services.append(PodSourceService(source: source, engine: engine, logger: logger))
        }
        if let url = settings.staticPodURL {
            let source = ManifestURLSource(
                url: url,
                nodeName: nodeName,
                httpCheckFrequency: settings.httpCheckFrequency,
                logger: logger
            )
            services.append(PodSourceService(source: source, engine: engine, logger: logger))
        }
        if let cluster {
            var facts = ClusterSetup.facts(
                nodeName: nodeName,
                nodeIPs: nodeIPs,
                labels: nodeLabels,
                maxPods: settings.maxPods,
                rootDir: self.options.rootDir
            )
            facts.kubeletPort = Int32(KubeletServerWiring.port(self.options.kubeletServer, settings: settings))
            services += cluster.services(
                engine: engine,
                runtime: runtime,
                facts: facts,
                statusUpdateFrequency: settings.nodeStatusUpdateFrequency,
                rootDir: self.options.rootDir,
                logger: logger
            )
        }
        if settings.healthzPort > 0 {
            guard
                let address = AgentHTTPServer.Configuration(
                    bindAddress: settings.healthzBindAddress,
                    port: settings.healthzPort
                )
            else {
                throw CommandError("error: invalid --healthz-bind-address '\(settings.healthzBindAddress)'")
            }
            let checks = HealthChecks()
            let started = ContinuousClock.now
            let syncPeriod = engineConfiguration.housekeepingPeriod
            checks.register("syncloop") {
                LoopHealth.syncLoop(
                    lastCompleted: engine.heartbeats().syncLoop,
                    started: started,
                    now: .now,
                    period: max(syncPeriod, .seconds(10))
                )
            }
            checks.register("pleg") {
                LoopHealth.pleg(lastRelist: engine.heartbeats().relist ?? started, now: .now)
            }
            let handler = AgentHTTPHandler(
                healthChecks: checks,
                metricsText: { metrics.registry.render() },
                podsJSON: { Self.podList(engine) }
            )
            services.append(AgentHTTPServer(configuration: address, handler: handler, logger: logger))
        }

        if let kubeletServer = try KubeletServerWiring.service(
            options: self.options.kubeletServer, settings: settings, nodeName: nodeName, nodeIPs: nodeIPs,
            engine: engine, metrics: metrics, logger: logger)
        {
            services.append(kubeletServer)
        }

        logger.info(
            "node-agent starting",
            metadata: [
                "version": "\(AgentVersion.description)", "node": "\(nodeName)", "nodeIPs": "\(nodeIPs)",
                "runtime": "\(settings.containerRuntimeEndpoint)", "manifests": "\(settings.staticPodPath ?? "-")",
            ]
        )
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.info("node-agent stopped; pods are left running")
    }

    /// The `/pods` body: a v1 PodList of the agent's pods with their statuses.
    static func podList(_ engine: PodEngine) -> Data {
        let items = engine.pods().map { view in
            var pod = view.pod
            // A static pod has no API server to stamp it; its first sighting stands in, so AGE shows.
            if pod.metadata.creationTimestamp == nil {
                pod.metadata.creationTimestamp = StaticPodIdentity.seen(pod)
            }
            return pod
        }
        let list = PodList(apiVersion: "v1", kind: "PodList", items: items)
        return (try? KubeJSON.encoder().encode(list)) ?? Data("{\"kind\":\"PodList\",\"items\":[]}".utf8)
    }
}

/// Runs the pod engine until graceful shutdown, then stops its loops (pods keep running).
struct EngineService: Service {
    let engine: PodEngine

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.engine.run()
        }
    }
}
