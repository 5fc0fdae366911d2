public import CRIClient
public import Logging

/// The garbage collector of dead containers and sandboxes (upstream's `containerGC` with the kubelet's defaults:
/// `MaxPerPodContainer` 1, `MinAge` 0): per pod and container name, every exited instance but the newest is
/// removed (the newest stays for `kubectl logs --previous` and the restart count); sandboxes that are not the
/// pod's newest and are no longer ready are removed once none of their containers remain.
public struct ContainerGC: Sendable {
    /// What one collection would remove.
    public struct Plan: Hashable, Sendable {
        public var containers: [String] = []
        public var sandboxes: [String] = []
    }

    public var keepPerContainer: Int

    public init(keepPerContainer: Int = 1) {
        self.keepPerContainer = max(keepPerContainer, 0)
    }

    /// Pure: what to remove from `pods` (as the relist reports them).
    public func plan(_ pods: [String: RuntimePod]) -> Plan {
        var plan = Plan()
        for uid in pods.keys.sorted() {
            guard let pod = pods[uid] else { continue }
            var byName: [String: [ContainerStatus]] = [:]
            for container in pod.containers { byName[container.metadata.name, default: []].append(container) }
            var removed = Set<String>()
            for name in byName.keys.sorted() {
                // Running instances are never touched; of the exited ones the newest `keepPerContainer` stay.
                let dead = byName[name, default: []].filter { $0.state == .exited }.sorted { $0.createdAt > $1.createdAt }
                let surplus = dead.dropFirst(self.keepPerContainer)
                for container in surplus {
                    plan.containers.append(container.id)
                    removed.insert(container.id)
                }
            }
            for sandbox in pod.sandboxes.dropFirst() where sandbox.state == .notReady {
                let remaining = pod.containers.filter { $0.podSandboxID(in: pod) == sandbox.id && !removed.contains($0.id) }
                if remaining.isEmpty { plan.sandboxes.append(sandbox.id) }
            }
        }
        return plan
    }

    /// Removes what ``plan(_:)`` selects; failures are logged and retried at the next collection.
    public func collect(_ pods: [String: RuntimePod], runtime: any ContainerRuntime, logger: Logger) async {
        let plan = self.plan(pods)
        for id in plan.containers {
            do {
                try await runtime.removeContainer(id)
            } catch {
                logger.debug("container GC: remove failed", metadata: ["container": "\(id)", "error": "\(error)"])
            }
        }
        for id in plan.sandboxes {
            do {
                try await runtime.removePodSandbox(id)
            } catch {
                logger.debug("container GC: sandbox remove failed", metadata: ["sandbox": "\(id)", "error": "\(error)"])
            }
        }
    }
}

extension ContainerStatus {
    /// The sandbox a container belongs to. `ContainerStatus` does not carry it, so it is matched by creation time:
    /// a container belongs to the newest sandbox of its pod created before it.
    func podSandboxID(in pod: RuntimePod) -> String? {
        pod.sandboxes.first { $0.createdAt <= self.createdAt }?.id
    }
}
