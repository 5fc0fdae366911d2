import CRIClient
import Foundation
public import KubeAPI
import Logging

extension PodSyncer {
    /// Whether the syncer can read the API objects `pod` references: it has a provider and the pod is not a
    /// static pod (upstream's `PreventStaticPodAPIReferences`: a static pod from a file or URL may not reference
    /// ConfigMaps, Secrets or service accounts).
    func readsAPIObjects(_ pod: Pod) -> Bool {
        guard self.objects != nil else { return false }
        let source = pod.metadata.annotations[RuntimeLabels.configSource] ?? "api"
        return source != "file" && source != "http"
    }

    /// The plan of `pod`'s volumes, with API-object volumes allowed when the syncer can read them.
    func volumePlan(_ pod: Pod) throws(ContainerConfigError) -> VolumePlan {
        try VolumePlan.make(pod: pod, context: self.context, allowAPIObjects: self.readsAPIObjects(pod))
    }

    /// Sets up and (re)writes the files of every configMap, secret, downwardAPI and projected volume of the plan
    /// (upstream's volume manager `SetUp` and remount of these plugins). A volume that fails gets a `FailedMount`
    /// event (`MountVolume.SetUp failed for volume "<name>" : <error>`) and a `SetupVolumes` error; the others
    /// are still written.
    ///
    /// - Returns: whether every volume is ready.
    func writeDataVolumes(_ plan: VolumePlan, pod: Pod, journal: inout SyncJournal) async -> Bool {
        let resolver = VolumeDataResolver(
            pod: pod,
            context: self.context,
            provider: self.readsAPIObjects(pod) ? self.objects : nil,
            tokens: self.tokens
        )
        var ready = true
        for volume in plan.volumes {
            guard case .data(let source, _) = volume.kind else { continue }
            do throws(VolumeSetupError) {
                try self.volumes.setUp(volume)
                let payload = try await resolver.payload(source)
                let changed = try self.volumes.writeData(
                    volume, payload: payload, fsGroup: pod.spec.securityContext?.fsGroup)
                if changed {
                    self.logger.debug(
                        "wrote volume files",
                        metadata: ["pod.uid": "\(pod.metadata.uid)", "volume.name": "\(volume.name)"]
                    )
                }
            } catch {
                ready = false
                let message = "MountVolume.SetUp failed for volume \"\(volume.name)\" : \(error.message)"
                journal.event(.warning, "FailedMount", message)
                journal.fail("SetupVolumes", target: formatPod(pod), reason: "FailedMount", message: message)
            }
        }
        return ready
    }

    /// Re-syncs the files of `pod`'s configMap, secret, downwardAPI and projected volumes with the current
    /// objects (and refreshes service-account tokens that are due), writing only what changed. Every sync of a
    /// running pod does this too; call it directly only where no sync of the same pod can run at the same time
    /// (the engine's `resync(podUID:)` is the serialized way).
    ///
    /// - Parameter pod: the pod, as currently desired.
    /// - Returns: the volumes that could not be written (reason `FailedMount`); their events went to the sink.
    public func refreshVolumes(pod: Pod) async -> [PodSyncError] {
        var journal = SyncJournal(podUID: pod.metadata.uid)
        do throws(ContainerConfigError) {
            let plan = try self.volumePlan(pod)
            _ = await self.writeDataVolumes(plan, pod: pod, journal: &journal)
        } catch {
            journal.fail("SetupVolumes", target: formatPod(pod), reason: "FailedMount", message: error.message)
        }
        for event in journal.events { self.eventSink(event) }
        return journal.errors
    }

    /// The ConfigMaps and Secrets a container's environment references, when the syncer can read them.
    func environmentObjects(_ container: Container, pod: Pod) async -> PodAPIObjects? {
        guard self.readsAPIObjects(pod), let provider = self.objects else { return nil }
        return await PodAPIObjects.fetch(for: container, namespace: pod.metadata.namespace, provider: provider)
    }

    /// Upstream's `InvalidEnvironmentVariableNames` warnings for `envFrom` keys that were skipped.
    func recordEnvironmentWarnings(
        _ container: Container,
        pod: Pod,
        podIPs: [String],
        objects: PodAPIObjects?,
        journal: inout SyncJournal
    ) {
        guard objects != nil, !container.envFrom.isEmpty else { return }
        let environment = ContainerEnvironment(
            pod: pod, container: container, podIPs: podIPs, context: self.context, objects: objects)
        guard let warnings = try? environment.makeWithWarnings().warnings else { return }
        for warning in warnings {
            journal.event(.warning, "InvalidEnvironmentVariableNames", warning)
        }
    }
}
