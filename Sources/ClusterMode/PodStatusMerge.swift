import Foundation
public import KubeAPI

/// Builds the status the agent writes for a pod from what the engine computed and what the API server holds,
/// as upstream's status manager (`mergePodStatus`) does: conditions the kubelet does not own (set by other
/// controllers, e.g. `DisruptionTarget` or readiness gates) are kept from the server, and a pod the server has
/// already moved to a terminal phase is never moved back.
public enum PodStatusMerge {
    /// The condition types the kubelet owns (upstream `kubetypes.PodConditionsByKubelet` and
    /// `PodReadyToStartContainers`).
    public static let ownedConditions: Set<String> = [
        "PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers",
    ]

    /// The status to write.
    /// - Parameters:
    ///   - local: the status the engine computed.
    ///   - server: the status the API server holds (`nil` if unknown).
    /// - Returns: `local` with the server's foreign conditions appended and the terminal phase kept.
    public static func merge(local: PodStatus, server: PodStatus?) -> PodStatus {
        guard let server else { return local }
        var merged = local
        let localTypes = Set(local.conditions.map(\.type.rawValue))
        for condition in server.conditions
        where !Self.ownedConditions.contains(condition.type.rawValue) && !localTypes.contains(condition.type.rawValue) {
            merged.conditions.append(condition)
        }
        if let phase = server.phase, phase == .succeeded || phase == .failed,
            merged.phase != .succeeded && merged.phase != .failed
        {
            merged.phase = phase
        }
        // The server's start time wins: the engine forgets it across an agent restart.
        if let start = server.startTime { merged.startTime = start }
        // Transition times only move when the status really changes.
        for index in merged.conditions.indices {
            let condition = merged.conditions[index]
            if let old = server.conditions.first(where: { $0.type == condition.type }), old.status == condition.status {
                merged.conditions[index].lastTransitionTime = old.lastTransitionTime ?? condition.lastTransitionTime
            }
        }
        return merged
    }
}
