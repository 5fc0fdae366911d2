public import CRIClient
import Synchronization

/// Reads what the runtime runs, grouped by pod: the relist behind the PLEG, the start-up adoption and the
/// garbage collector.
///
/// `List*` calls are cheap; status calls are not, so a status is fetched again only when a sandbox or container
/// is new or its state changed since the last relist. Sandboxes and containers without the
/// `io.kubernetes.pod.uid` label are not ours and are ignored.
public final class RuntimeRelister: Sendable {
    let runtime: any ContainerRuntime
    private let cache = Mutex(StatusCache())

    private struct StatusCache {
        var sandboxes: [String: PodSandboxStatus] = [:]
        var containers: [String: ContainerStatus] = [:]
    }

    public init(runtime: any ContainerRuntime) {
        self.runtime = runtime
    }

    /// Lists every sandbox and container of the node and returns them grouped by pod UID.
    public func relist() async throws -> [String: RuntimePod] {
        async let sandboxList = self.runtime.listPodSandboxes(nil)
        async let containerList = self.runtime.listContainers(nil)
        let sandboxes = try await sandboxList.filter { $0.labels[RuntimeLabels.podUID] != nil }
        let containers = try await containerList.filter { $0.labels[RuntimeLabels.podUID] != nil }

        let previous = self.cache.withLock { $0 }
        var next = StatusCache()
        for summary in sandboxes {
            if let cached = previous.sandboxes[summary.id], cached.state == summary.state {
                next.sandboxes[summary.id] = cached
            } else {
                do {
                    if let status = try await self.fetchSandbox(summary.id) { next.sandboxes[summary.id] = status }
                } catch {
                    // One wedged sandbox must not blind the whole relist: keep what was known, retry next time.
                    next.sandboxes[summary.id] = previous.sandboxes[summary.id]
                }
            }
        }
        for summary in containers {
            if let cached = previous.containers[summary.id], cached.state == summary.state {
                next.containers[summary.id] = cached
            } else {
                do {
                    if let status = try await self.fetchContainer(summary.id) { next.containers[summary.id] = status }
                } catch {
                    next.containers[summary.id] = previous.containers[summary.id]
                }
            }
        }
        self.cache.withLock { $0 = next }
        return Self.group(sandboxes: Array(next.sandboxes.values), containers: Array(next.containers.values))
    }

    /// Re-reads one pod right now, bypassing the cache: what the pod worker calls after acting, so that status
    /// never waits for the next relist.
    public func inspect(podUID: String) async throws -> RuntimePod? {
        let selector = [RuntimeLabels.podUID: podUID]
        async let sandboxList = self.runtime.listPodSandboxes(PodSandboxFilter(labelSelector: selector))
        async let containerList = self.runtime.listContainers(ContainerFilter(labelSelector: selector))
        var sandboxes: [PodSandboxStatus] = []
        for summary in try await sandboxList {
            if let status = try await self.fetchSandbox(summary.id) { sandboxes.append(status) }
        }
        var containers: [ContainerStatus] = []
        for summary in try await containerList {
            if let status = try await self.fetchContainer(summary.id) { containers.append(status) }
        }
        self.cache.withLock { cache in
            for sandbox in sandboxes { cache.sandboxes[sandbox.id] = sandbox }
            for container in containers { cache.containers[container.id] = container }
        }
        return Self.group(sandboxes: sandboxes, containers: containers)[podUID]
    }

    /// Groups statuses into pods by their `io.kubernetes.pod.uid` label.
    public static func group(sandboxes: [PodSandboxStatus], containers: [ContainerStatus]) -> [String: RuntimePod] {
        var pods: [String: RuntimePod] = [:]
        for sandbox in sandboxes {
            guard let uid = sandbox.labels[RuntimeLabels.podUID] else { continue }
            var pod = pods[uid] ?? RuntimePod(uid: uid, name: sandbox.metadata.name, namespace: sandbox.metadata.namespace)
            pod.sandboxes.append(sandbox)
            pods[uid] = pod
        }
        for container in containers {
            guard let uid = container.labels[RuntimeLabels.podUID] else { continue }
            var pod =
                pods[uid]
                ?? RuntimePod(
                    uid: uid,
                    name: container.labels[RuntimeLabels.podName] ?? "",
                    namespace: container.labels[RuntimeLabels.podNamespace] ?? ""
                )
            pod.containers.append(container)
            pods[uid] = pod
        }
        return pods.mapValues {
            RuntimePod(uid: $0.uid, name: $0.name, namespace: $0.namespace, sandboxes: $0.sandboxes, containers: $0.containers)
        }
    }

    /// A status, or `nil` when the object vanished between the list and the status call.
    private func fetchSandbox(_ id: String) async throws -> PodSandboxStatus? {
        do {
            return try await self.runtime.podSandboxStatus(id)
        } catch let error as CRIError where error.code == .notFound {
            return nil
        }
    }

    private func fetchContainer(_ id: String) async throws -> ContainerStatus? {
        do {
            return try await self.runtime.containerStatus(id)
        } catch let error as CRIError where error.code == .notFound {
            return nil
        }
    }
}
