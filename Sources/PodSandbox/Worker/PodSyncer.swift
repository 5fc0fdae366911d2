public import CRIClient
public import Foundation
public import KubeAPI
public import Logging
import Synchronization

/// Carries out one pod's plan through the ``ContainerRuntime`` (upstream's `SyncPod`, `KillPod` and the start
/// and kill helpers): (re)creates the sandbox, sets up volumes, ensures images, creates and starts containers
/// with their postStart hooks, kills containers with their preStop hooks and grace, and reads the pod back from
/// the runtime so the result is current.
///
/// The engine serializes calls per pod; calls for different pods may run concurrently.
///
/// ```swift
/// let syncer = PodSyncer(runtime: client, context: context, volumes: HostVolumeSetup(),
///                        restartBackOff: BackOffStore(policy: .crashLoop()), logger: logger)
/// let result = await syncer.sync(pod: pod, runtimePod: nil, probes: .empty, previousStatus: nil)
/// ```
public final class PodSyncer: Sendable {
    let runtime: any ContainerRuntime
    let context: PodConfigContext
    let volumes: any VolumeSetup
    let restartBackOff: BackOffStore
    let imageBackOff: BackOffStore
    let now: @Sendable () -> Date
    let logger: Logger
    let planner: PodPlanner
    let statusBuilder: PodStatusBuilder
    let sandboxBuilder: PodSandboxConfigBuilder
    let containerBuilder: ContainerConfigBuilder
    let hooks: LifecycleHookRunner
    let probeResults: @Sendable (_ podUID: String) -> ProbeSnapshot
    let eventSink: @Sendable (PodEvent) -> Void
    /// Where ConfigMaps, Secrets and tokens come from; `nil` in standalone mode.
    let objects: (any PodObjectProvider)?
    /// The service-account tokens of projected volumes.
    let tokens: ServiceAccountTokens
    /// Why containers did not start at the last sync, by pod UID and container name (upstream's reason cache).
    let waitingReasons = Mutex<[String: [String: WaitingReason]]>([:])

    /// The shortest grace a container gets when it is stopped (upstream's `minimumGracePeriodInSeconds`).
    static let minimumGracePeriod: Duration = .seconds(2)
    /// The grace period of a pod that does not set one.
    static let defaultGracePeriod: Duration = .seconds(30)

    /// - Parameters:
    ///   - runtime: the container runtime.
    ///   - context: node facts and agent settings for the config builders.
    ///   - volumes: sets volumes up on the node.
    ///   - restartBackOff: the container restart back-off (shared by all pods).
    ///   - imageBackOff: the image pull back-off.
    ///   - runtimeName: the runtime's name for container IDs (`containerd://...`).
    ///   - seccompChecker: checks Localhost seccomp profiles.
    ///   - hookHTTPClient: performs httpGet lifecycle hooks.
    ///   - probeResults: the current probe results of a pod, by UID (for ``PodSyncing`` calls).
    ///   - eventSink: receives every event as it happens (the event recorder); the result carries them too.
    ///   - objects: where ConfigMaps, Secrets and service-account tokens come from (cluster mode); `nil` refuses
    ///     pods that reference them unless the reference is optional.
    ///   - now: the clock.
    ///   - logger: the logger.
    public init(
        runtime: any ContainerRuntime,
        context: PodConfigContext,
        volumes: any VolumeSetup,
        restartBackOff: BackOffStore,
        imageBackOff: BackOffStore = BackOffStore(policy: .imagePull),
        runtimeName: String = "containerd",
        seccompChecker: any SeccompProfileChecking = SeccompProfileChecker(),
        hookHTTPClient: any HookHTTPClient = SocketHookHTTPClient(),
        probeResults: @escaping @Sendable (_ podUID: String) -> ProbeSnapshot = { _ in .empty },
        eventSink: @escaping @Sendable (PodEvent) -> Void = { _ in },
        objects: (any PodObjectProvider)? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.runtime = runtime
        self.context = context
        self.volumes = volumes
        self.restartBackOff = restartBackOff
        self.imageBackOff = imageBackOff
        self.now = now
        self.logger = logger
        self.planner = PodPlanner(containerHash: { ContainerHash.compute($0) })
        self.statusBuilder = PodStatusBuilder(runtimeName: runtimeName, nodeIPs: context.nodeIPs)
        self.sandboxBuilder = PodSandboxConfigBuilder(context: context)
        self.containerBuilder = ContainerConfigBuilder(context: context, seccompChecker: seccompChecker)
        self.hooks = LifecycleHookRunner(runtime: runtime, http: hookHTTPClient)
        self.probeResults = probeResults
        self.eventSink = eventSink
        self.objects = objects
        self.tokens = ServiceAccountTokens(now: now)
    }

    /// Brings the runtime in line with `pod`: plans, acts, and reads the pod back.
    ///
    /// - Parameters:
    ///   - pod: the desired pod.
    ///   - runtimePod: what the runtime ran for the pod at the last look (relist or previous sync).
    ///   - probes: the pod's probe results.
    ///   - previousStatus: the status of the previous sync, if any.
    /// - Returns: the new runtime view, the status, events and errors.
    public func sync(
        pod: Pod,
        runtimePod: RuntimePod?,
        probes: ProbeSnapshot,
        previousStatus: PodStatus?
    ) async -> PodSyncResult {
        let uid = pod.metadata.uid
        var journal = SyncJournal(podUID: uid)
        var current = runtimePod
        var firstActions: PodActions?
        var lastActions = PodActions()
        // A sidecar that started lets the next init container start at once: plan again on the pod as read back,
        // instead of waiting for the relist (at most once per init container).
        for _ in 0...pod.spec.initContainers.count {
            let actions = self.planner.computeActions(
                pod: pod,
                runtimePod: current,
                backOff: self.restartBackOff.snapshot,
                probes: probes,
                now: self.now()
            )
            firstActions = firstActions ?? actions
            lastActions = actions
            let sidecarsBefore = journal.startedSidecars
            await self.carryOut(actions, pod: pod, runtimePod: current, journal: &journal)
            current = await self.readPod(uid: uid, fallback: current, journal: &journal)
            if journal.startedSidecars == sidecarsBefore || !journal.errors.isEmpty { break }
        }
        let actions = firstActions ?? lastActions
        self.recordWaitingReasons(uid: uid, journal.waiting)
        let now = self.now()
        let status = self.statusBuilder.build(
            pod: pod,
            runtimePod: current,
            waitingReasons: self.waitingReasons.withLock { $0[uid] ?? [:] },
            probes: probes,
            previous: previousStatus,
            now: now,
            podIsTerminal: lastActions.podFailed,
            terminationMessages: TerminationMessages.collect(current)
        )
        for event in journal.events { self.eventSink(event) }
        let retryAt = (journal.retryAt + [lastActions.nextBackOffEnd].compactMap { $0 }).min()
        let retryAfter = retryAt.map { Duration.milliseconds(max(0, Int64($0.timeIntervalSince(now) * 1000))) }
        return PodSyncResult(
            actions: actions,
            runtimePod: current,
            status: status,
            events: journal.events,
            errors: journal.errors,
            retryAfter: retryAfter
        )
    }

    /// Executes the plan (upstream's `SyncPod` steps 2 to 8).
    private func carryOut(
        _ actions: PodActions,
        pod: Pod,
        runtimePod: RuntimePod?,
        journal: inout SyncJournal
    ) async {
        if actions.createSandbox && actions.sandboxID != nil {
            journal.event(.normal, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
        }
        if actions.killPod, let runtimePod {
            let ok = await self.killPod(pod: pod, runtimePod: runtimePod, gracePeriod: nil, journal: &journal)
            if !ok { return }
            if actions.createSandbox { await self.purgeInitContainers(pod: pod, runtimePod: runtimePod) }
        } else {
            for kill in actions.containersToKill {
                let spec = pod.spec.initContainers.first { $0.name == kill.name }
                    ?? pod.spec.containers.first { $0.name == kill.name }
                let ok = await self.killContainer(
                    id: kill.containerID,
                    name: kill.name,
                    spec: spec,
                    pod: pod,
                    podIP: runtimePod?.latestSandbox?.ip ?? "",
                    grace: self.gracePeriod(pod: pod, container: spec, reason: kill.reason),
                    message: kill.message,
                    journal: &journal
                )
                if !ok { return }
            }
        }
        let starts = actions.initContainersToStart + actions.containersToStart
        if !actions.createSandbox && starts.allSatisfy({ $0.backOff != nil }) {
            // Nothing can start now: report the back-offs without touching the sandbox; keep the files of the
            // running pod's configMap, secret, downwardAPI and projected volumes current.
            for start in starts { self.recordBackOff(start, pod: pod, journal: &journal) }
            if actions.sandboxID != nil && !actions.killPod { await self.refreshDataVolumes(pod, journal: &journal) }
            return
        }
        guard let target = await self.prepareSandbox(actions, pod: pod, runtimePod: runtimePod, journal: &journal)
        else { return }
        for start in actions.initContainersToStart {
            let started = await self.startContainer(start, pod: pod, target: target, journal: &journal)
            if !started && start.kind == .initContainer { return }
        }
        for start in actions.containersToStart {
            _ = await self.startContainer(start, pod: pod, target: target, journal: &journal)
        }
    }

    /// Rewrites what changed in the pod's data volumes (nothing when it has none).
    private func refreshDataVolumes(_ pod: Pod, journal: inout SyncJournal) async {
        guard let plan = try? self.volumePlan(pod),
            plan.volumes.contains(where: { if case .data = $0.kind { true } else { false } })
        else { return }
        _ = await self.writeDataVolumes(plan, pod: pod, journal: &journal)
    }

    /// Replaces the pod's waiting reasons with what this sync learned.
    private func recordWaitingReasons(uid: String, _ changes: [String: WaitingReason?]) {
        guard !changes.isEmpty else { return }
        self.waitingReasons.withLock { all in
            var reasons = all[uid] ?? [:]
            for (name, reason) in changes { reasons[name] = reason }
            all[uid] = reasons.isEmpty ? nil : reasons
        }
    }
}
