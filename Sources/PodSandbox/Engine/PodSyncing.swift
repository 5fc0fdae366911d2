public import KubeAPI

/// What a pod worker calls to act on one pod: the seam between the engine (who syncs when) and the syncer
/// (what one sync does). The engine serializes calls per pod.
public protocol PodSyncing: Sendable {
    /// Brings the runtime in line with `pod`, starting from what the runtime ran at the last look.
    func sync(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?) async -> PodSyncOutcome

    /// Stops a pod that is no longer desired, within `gracePeriod` (preStop hooks first), and removes its
    /// sandbox and containers. Returns what is left in the runtime (normally `nil`) and the pod's final status.
    func terminate(pod: Pod, runtimePod: RuntimePod?, previousStatus: PodStatus?, gracePeriod: Duration) async -> PodTermination

    /// Stops and removes a pod the agent finds in the runtime but whose spec it does not know (it was removed
    /// while the agent was down). Grace and preStop come from the container annotations.
    func removeOrphan(_ runtimePod: RuntimePod) async -> RuntimePod?
}

/// The result of one sync.
public struct PodSyncOutcome: Sendable {
    /// What the runtime runs for the pod after the sync (read back, not assumed).
    public var runtimePod: RuntimePod?
    /// The pod's status as the API would show it.
    public var status: PodStatus
    /// When a back-off ends and the pod wants another sync, at the latest; `nil` when only a change needs one.
    public var retryAfter: Duration?

    public init(runtimePod: RuntimePod?, status: PodStatus, retryAfter: Duration? = nil) {
        self.runtimePod = runtimePod
        self.status = status
        self.retryAfter = retryAfter
    }
}

/// The result of stopping a pod for good.
public struct PodTermination: Sendable {
    /// What is left in the runtime after the removal (normally `nil`; something still running means a stop
    /// failed and the removal is retried).
    public var left: RuntimePod?
    /// The pod's final status, read after its containers stopped and before they were removed (terminated
    /// states with exit codes; phase Succeeded or Failed as upstream's terminal phase); `nil` if unknown.
    public var finalStatus: PodStatus?

    public init(left: RuntimePod?, finalStatus: PodStatus? = nil) {
        self.left = left
        self.finalStatus = finalStatus
    }
}
