public import CRIClient

/// A change the relist saw in the runtime, as upstream's PLEG reports it (`ContainerStarted`, `ContainerDied`,
/// `ContainerRemoved`, `PodSync` for sandbox changes, `ContainerChanged` for anything else).
public struct PodLifecycleEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case containerStarted = "ContainerStarted"
        case containerDied = "ContainerDied"
        case containerRemoved = "ContainerRemoved"
        case containerChanged = "ContainerChanged"
        case podSync = "PodSync"
    }

    public var podUID: String
    public var kind: Kind
    /// The container or sandbox ID the event is about.
    public var id: String

    public init(podUID: String, kind: Kind, id: String) {
        self.podUID = podUID
        self.kind = kind
        self.id = id
    }

    /// The events that turn `old` into `new` (pure; the order is stable: by pod UID, then sandbox, then
    /// container ID).
    public static func diff(old: [String: RuntimePod], new: [String: RuntimePod]) -> [PodLifecycleEvent] {
        var events: [PodLifecycleEvent] = []
        for uid in Set(old.keys).union(new.keys).sorted() {
            let before = old[uid]
            let after = new[uid]
            let oldSandboxes = Dictionary((before?.sandboxes ?? []).map { ($0.id, $0.state) }, uniquingKeysWith: { a, _ in a })
            let newSandboxes = Dictionary((after?.sandboxes ?? []).map { ($0.id, $0.state) }, uniquingKeysWith: { a, _ in a })
            for id in Set(oldSandboxes.keys).union(newSandboxes.keys).sorted() where oldSandboxes[id] != newSandboxes[id] {
                events.append(PodLifecycleEvent(podUID: uid, kind: .podSync, id: id))
            }
            let oldContainers = Dictionary((before?.containers ?? []).map { ($0.id, $0.state) }, uniquingKeysWith: { a, _ in a })
            let newContainers = Dictionary((after?.containers ?? []).map { ($0.id, $0.state) }, uniquingKeysWith: { a, _ in a })
            for id in Set(oldContainers.keys).union(newContainers.keys).sorted() {
                if let kind = Self.kind(from: oldContainers[id], to: newContainers[id]) {
                    events.append(PodLifecycleEvent(podUID: uid, kind: kind, id: id))
                }
            }
        }
        return events
    }

    private static func kind(from old: ContainerState?, to new: ContainerState?) -> Kind? {
        switch (old, new) {
        case let (a, b) where a == b: nil
        case (_, .running?): .containerStarted
        case (_, .exited?): .containerDied
        case (_, nil): .containerRemoved
        default: .containerChanged
        }
    }
}
