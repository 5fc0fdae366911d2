import CRIClient
import Foundation
import KubeAPI
import Logging

/// Where containers of one sync are started: the sandbox, its config, the pod's IPs and volumes.
struct StartTarget {
    var sandboxID: String
    var sandboxConfig: PodSandboxConfig
    var podIPs: [String]
    var volumes: VolumePlan
    /// The pod's `/etc/hosts` on the host, when it could be written.
    var etcHostsPath: String?
    /// The runtime's view before the sync: restart counts continue from it.
    var before: RuntimePod?
}

extension PodSyncer {
    /// Sets the volumes up and creates the sandbox when the plan says so (upstream's `createPodSandbox`).
    func prepareSandbox(
        _ actions: PodActions,
        pod: Pod,
        runtimePod: RuntimePod?,
        journal: inout SyncJournal
    ) async -> StartTarget? {
        let podName = formatPod(pod)
        let plan: VolumePlan
        do throws(ContainerConfigError) {
            plan = try self.volumePlan(pod)
        } catch {
            journal.event(.warning, "FailedMount", "Unable to set up volumes: \(error.message)")
            journal.fail("SetupVolumes", target: podName, reason: "FailedMount", message: error.message)
            return nil
        }
        do throws(VolumeSetupError) {
            try self.volumes.setUp(plan)
        } catch {
            journal.event(.warning, "FailedMount", "Unable to set up volumes: \(error.message)")
            journal.fail("SetupVolumes", target: podName, reason: "FailedMount", message: error.message)
            return nil
        }
        // configMap, secret, downwardAPI and projected files; a volume that cannot be written keeps every
        // container from starting, and the next sync tries again.
        guard await self.writeDataVolumes(plan, pod: pod, journal: &journal) else { return nil }
        let sandboxConfig: PodSandboxConfig
        do throws(PodSandboxConfigError) {
            sandboxConfig = try self.sandboxBuilder.build(
                pod: pod,
                attempt: actions.attempt,
                hostResolvConf: self.hostResolvConf()
            )
        } catch {
            journal.event(.warning, "FailedCreatePodSandBox", "Failed to create pod sandbox: \(error.message)")
            journal.fail(
                "CreatePodSandbox",
                target: podName,
                reason: PodSandboxConfigError.reason,
                message: error.message
            )
            return nil
        }
        guard actions.createSandbox else {
            guard let id = actions.sandboxID, let sandbox = runtimePod?.sandboxes.first(where: { $0.id == id }) else {
                return nil
            }
            let podIPs = Self.podIPs(sandbox, pod: pod)
            return StartTarget(
                sandboxID: id,
                sandboxConfig: sandboxConfig,
                podIPs: podIPs,
                volumes: plan,
                etcHostsPath: self.writeEtcHosts(pod: pod, podIPs: podIPs, plan: plan),
                before: runtimePod
            )
        }
        do {
            let id = try await self.runtime.runPodSandbox(sandboxConfig, runtimeHandler: self.context.runtimeHandler)
            let status: PodSandboxStatus
            do {
                status = try await self.runtime.podSandboxStatus(id)
            } catch {
                let message = errorMessage(error)
                journal.event(.warning, "FailedStatusPodSandBox", "Unable to get pod sandbox status: \(message)")
                journal.fail("CreatePodSandbox", target: podName, reason: "CreatePodSandboxError", message: message)
                return nil
            }
            self.logger.debug(
                "created pod sandbox",
                metadata: ["pod.uid": "\(pod.metadata.uid)", "sandbox.id": "\(id)"]
            )
            let podIPs = Self.podIPs(status, pod: pod)
            return StartTarget(
                sandboxID: id,
                sandboxConfig: sandboxConfig,
                podIPs: podIPs,
                volumes: plan,
                etcHostsPath: self.writeEtcHosts(pod: pod, podIPs: podIPs, plan: plan),
                before: runtimePod
            )
        } catch {
            let message = errorMessage(error)
            journal.event(.warning, "FailedCreatePodSandBox", "Failed to create pod sandbox: \(message)")
            journal.fail("CreatePodSandbox", target: podName, reason: "CreatePodSandboxError", message: message)
            return nil
        }
    }

    /// The node's resolv.conf for DNS policy Default (and ClusterFirst without cluster DNS); `nil` when
    /// `--resolv-conf` is empty or unreadable.
    func hostResolvConf() -> ResolvConf? {
        guard !self.context.resolvConfPath.isEmpty else { return nil }
        do throws(ResolvConfError) {
            return try ResolvConf.load(path: self.context.resolvConfPath)
        } catch {
            self.logger.warning("cannot read the host resolv.conf", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Writes the pod's `/etc/hosts` (upstream mounts it into every container of a pod with an IP; hostNetwork
    /// pods get the node's file plus their aliases). Returns its host path, or `nil` when it cannot be written.
    func writeEtcHosts(pod: Pod, podIPs: [String], plan: VolumePlan) -> String? {
        let hostNetwork = pod.spec.hostNetwork == true
        let ips = hostNetwork ? self.context.nodeIPs : podIPs
        guard !ips.isEmpty else { return nil }
        var nodeHosts = ""
        if hostNetwork {
            do throws(HostFileError) {
                nodeHosts = try HostFiles.readText(path: EtcHosts.containerPath)
            } catch {
                self.logger.info("cannot read the node's hosts file", metadata: ["error": "\(error)"])
            }
        }
        let path = EtcHosts.hostFile(podDirectory: plan.podDirectory)
        let text = EtcHosts.render(
            pod: pod,
            podIPs: ips,
            clusterDomain: self.context.clusterDomain,
            nodeHosts: nodeHosts
        )
        do throws(VolumeSetupError) {
            try self.volumes.writeFile(path, contents: text)
            return path
        } catch {
            self.logger.info("cannot write the pod's hosts file", metadata: ["error": "\(error.message)"])
            return nil
        }
    }

    /// The pod's IPs from its sandbox (none for hostNetwork pods: they use the node's).
    static func podIPs(_ sandbox: PodSandboxStatus, pod: Pod) -> [String] {
        guard pod.spec.hostNetwork != true, !sandbox.ip.isEmpty else { return [] }
        return [sandbox.ip] + sandbox.additionalIPs
    }

    /// Starts one container (upstream's `start` closure and `startContainer`): back-off, image, config, create,
    /// start, postStart. Returns whether it started; a failure is recorded as the container's waiting reason.
    func startContainer(
        _ start: ContainerStart,
        pod: Pod,
        target: StartTarget,
        journal: inout SyncJournal
    ) async -> Bool {
        let container =
            start.kind == .container ? pod.spec.containers[start.index] : pod.spec.initContainers[start.index]
        let name = container.name
        if start.backOff != nil {
            self.recordBackOff(start, pod: pod, journal: &journal)
            return false
        }
        if let finishedAt = start.lastFinishedAt {
            let hash = ContainerHash.compute(container)
            let key = CrashLoopBackOff.stableKey(pod: pod, container: container, hash: hash)
            self.restartBackOff.next(key: key, eventTime: finishedAt, now: self.now())
        }
        guard let image = await self.ensureImage(container, pod: pod, target: target, journal: &journal) else {
            return false
        }
        let built = await self.containerConfig(
            container,
            pod: pod,
            image: image.info,
            target: target,
            journal: &journal
        )
        guard let config = built else { return false }

        let id: String
        do {
            id = try await self.runtime.createContainer(
                inSandbox: target.sandboxID,
                config,
                sandboxConfig: target.sandboxConfig
            )
        } catch {
            journal.event(.warning, "Failed", "Error: \(errorMessage(error))", container: name)
            journal.wait(name, reason: "CreateContainerError", message: errorMessage(error))
            return false
        }
        journal.event(.normal, "Created", "Created container: \(name)", container: name)
        do {
            try await self.runtime.startContainer(id)
        } catch {
            journal.event(.warning, "Failed", "Error: \(errorMessage(error))", container: name)
            journal.wait(name, reason: "RunContainerError", message: errorMessage(error))
            return false
        }
        journal.event(.normal, "Started", "Started container \(name)", container: name)

        if let postStart = container.lifecycle?.postStart {
            do throws(HookFailure) {
                try await self.hooks.run(
                    postStart,
                    hook: "PostStart",
                    containerID: id,
                    container: container,
                    pod: pod,
                    podIP: target.podIPs.first ?? self.context.nodeIPs.first ?? "",
                    timeout: self.gracePeriod(pod: pod, container: container, reason: nil)
                )
            } catch {
                journal.event(.warning, "FailedPostStartHook", "PostStartHook failed", container: name)
                _ = await self.killContainer(
                    id: id,
                    name: name,
                    spec: container,
                    pod: pod,
                    podIP: target.podIPs.first ?? "",
                    grace: self.gracePeriod(pod: pod, container: container, reason: nil),
                    message: "FailedPostStartHook",
                    journal: &journal
                )
                journal.wait(name, reason: "PostStartHookError", message: error.message)
                return false
            }
        }
        journal.waiting[name] = .some(nil)
        if start.kind == .sidecar { journal.startedSidecars += 1 }
        return true
    }

    /// A start held back by the restart back-off: the `BackOff` event and the `CrashLoopBackOff` waiting reason.
    func recordBackOff(_ start: ContainerStart, pod: Pod, journal: inout SyncJournal) {
        guard let backOff = start.backOff else { return }
        journal.event(
            .warning,
            "BackOff",
            "Back-off restarting failed container \(start.name) in pod \(formatPod(pod))",
            container: start.name
        )
        journal.wait(start.name, reason: CrashLoopBackOff.reason, message: backOff.message)
        journal.retryAt.append(backOff.until)
    }

    /// The container's CreateContainer config, with its termination-message file and sub-paths prepared.
    private func containerConfig(
        _ container: Container,
        pod: Pod,
        image: ImageInfo?,
        target: StartTarget,
        journal: inout SyncJournal
    ) async -> ContainerConfig? {
        let name = container.name
        let restartCount =
            target.before?.newest(name).map { Int($0.restartCount) + 1 }
            ?? RestartCountFromLogs.next(
                directory: self.context.podLogDirectory(
                    namespace: pod.metadata.namespace,
                    name: pod.metadata.name,
                    uid: pod.metadata.uid
                ) + "/" + name
            )
        let plan = target.volumes
        let messageFile = plan.terminationMessageFile(
            containerName: name,
            instance: String(UInt32.random(in: 0...UInt32.max), radix: 16)
        )
        let apiObjects = await self.environmentObjects(container, pod: pod)
        let configuration: ContainerConfig
        do throws(ContainerConfigError) {
            configuration = try self.containerBuilder.build(
                ContainerConfigInput(
                    pod: pod,
                    container: container,
                    restartCount: restartCount,
                    podIPs: target.podIPs,
                    imageUser: ImageUser(image),
                    terminationMessageHostPath: messageFile,
                    etcHostsHostPath: target.etcHostsPath,
                    apiObjects: apiObjects
                ),
                volumes: plan
            )
            let environment = Dictionary(configuration.envs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            for mount in try plan.mounts(for: container, environment: environment) where !mount.subPath.isEmpty {
                do throws(VolumeSetupError) {
                    try self.volumes.prepareSubPath(mount)
                } catch {
                    throw ContainerConfigError(error.message)
                }
            }
        } catch {
            journal.event(.warning, "Failed", "Error: \(error.message)", container: name)
            journal.wait(name, reason: error.reason, message: error.message)
            return nil
        }
        self.recordEnvironmentWarnings(
            container, pod: pod, podIPs: target.podIPs, objects: apiObjects, journal: &journal)
        do throws(VolumeSetupError) {
            try self.volumes.createTerminationMessageFile(messageFile)
        } catch {
            // Upstream logs and goes on without the file.
            self.logger.info("cannot create termination message file", metadata: ["error": "\(error.message)"])
            return Self.withoutTerminationMessage(configuration, file: messageFile)
        }
        return configuration
    }

    private static func withoutTerminationMessage(_ config: ContainerConfig, file: String) -> ContainerConfig {
        var config = config
        config.mounts.removeAll { $0.hostPath == file }
        return config
    }
}
