public import KubeAPI

/// What cluster mode needs from the API server: the seam between the controllers here (pure decisions plus a
/// little I/O) and the HTTP client. ``KubeClusterAPI`` implements it with `KubeClient`; tests may use fakes.
///
/// Errors are ``ClusterAPIError`` when the server answered with a Status the caller acts on (not found, already
/// exists, conflict); anything else (transport, 5xx, 422) passes through with the server's message.
public protocol ClusterAPI: Sendable {
    func getNode(_ name: String) async throws -> Node
    func createNode(_ node: Node) async throws -> Node
    /// Strategic merge patch of the node object (labels, annotations).
    func patchNode(_ name: String, patch: JSONValue) async throws -> Node
    /// Strategic merge patch of `nodes/<name>/status`.
    func patchNodeStatus(_ name: String, patch: JSONValue) async throws -> Node

    func getLease(namespace: String, name: String) async throws -> Lease
    func createLease(_ lease: Lease) async throws -> Lease
    func updateLease(_ lease: Lease) async throws -> Lease

    func createPod(_ pod: Pod) async throws -> Pod
    /// Merge patch of `pods/<name>/status`.
    func patchPodStatus(namespace: String, name: String, patch: JSONValue) async throws -> Pod
    /// Deletes a pod with a grace period and, when given, a UID precondition.
    func deletePod(namespace: String, name: String, uid: String?, gracePeriodSeconds: Int64?) async throws

    func createEvent(_ event: Event) async throws -> Event
    /// Merge patch of an event (count and lastTimestamp of a repeated event).
    func patchEvent(namespace: String, name: String, patch: JSONValue) async throws -> Event

    /// Lists and watches the pods bound to `nodeName`, calling `body` with a full snapshot first and after every
    /// relist, then with each change. Runs until cancelled, reconnecting on its own.
    func watchPods(nodeName: String, _ body: @Sendable (PodUpdate) async -> Void) async throws
}

/// One change of the pods bound to the node.
public enum PodUpdate: Sendable {
    /// Every pod bound to the node (after a list or relist): pods not in it are gone.
    case snapshot([Pod])
    case upsert(Pod)
    case delete(Pod)
}

/// Server answers cluster mode reacts to.
public enum ClusterAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .notFound(let message), .alreadyExists(let message), .conflict(let message): message
        }
    }
}

extension Error {
    var isNotFound: Bool { if case .notFound = self as? ClusterAPIError { true } else { false } }
    var isAlreadyExists: Bool { if case .alreadyExists = self as? ClusterAPIError { true } else { false } }
    var isConflict: Bool { if case .conflict = self as? ClusterAPIError { true } else { false } }
}
