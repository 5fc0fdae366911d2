public import Foundation
public import KubeAPI
public import Logging
public import ServiceLifecycle

/// Renews the node's Lease in `kube-node-lease` (upstream's node lease controller): every `renewInterval`
/// (a quarter of the 40 s duration), created when missing with the Node as owner, retried with back-off from
/// 200 ms to 7 s when the server does not answer.
public struct NodeLeaseService: ServiceLifecycle.Service {
    public struct Configuration: Sendable {
        public var namespace = "kube-node-lease"
        public var durationSeconds: Int32 = 40
        public var renewInterval: Duration = .seconds(10)
        public var retryBackOff = BackOff(initial: .milliseconds(200), cap: .seconds(7))
        public init() {}
    }

    let api: any ClusterAPI
    let registration: NodeRegistration
    let configuration: Configuration
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        api: any ClusterAPI,
        registration: NodeRegistration,
        configuration: Configuration = Configuration(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.api = api
        self.registration = registration
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        try await untilGracefulShutdown {
            let node = try await self.registration.wait()
            var backOff = self.configuration.retryBackOff
            while !Task.isCancelled {
                do {
                    _ = try await self.renew(node: node)
                    backOff.reset()
                    try await Task.sleep(for: self.configuration.renewInterval)
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.warning("node lease renewal failed", metadata: ["node": "\(node.metadata.name)", "error": "\(error)"])
                    try await Task.sleep(for: backOff.next())
                }
            }
        }
    }

    /// One renewal: get, then update (or create when missing). Returns the lease as written.
    public func renew(node: Node) async throws -> Lease {
        let name = node.metadata.name
        do {
            var lease = try await self.api.getLease(namespace: self.configuration.namespace, name: name)
            lease.spec = self.spec(previous: lease.spec)
            if lease.metadata.ownerReferences.isEmpty, let owner = Self.owner(node) {
                lease.metadata.ownerReferences = [owner]
            }
            return try await self.api.updateLease(lease)
        } catch where error.isNotFound {
            var metadata = ObjectMeta(name: name, namespace: self.configuration.namespace)
            if let owner = Self.owner(node) { metadata.ownerReferences = [owner] }
            let lease = Lease(apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: metadata, spec: self.spec(previous: nil))
            return try await self.api.createLease(lease)
        }
    }

    private func spec(previous: LeaseSpec?) -> LeaseSpec {
        var spec = previous ?? LeaseSpec()
        spec.holderIdentity = self.registration.name
        spec.leaseDurationSeconds = self.configuration.durationSeconds
        spec.renewTime = MicroTime(self.now())
        return spec
    }

    static func owner(_ node: Node) -> OwnerReference? {
        guard !node.metadata.uid.isEmpty else { return nil }
        return OwnerReference(apiVersion: "v1", kind: "Node", name: node.metadata.name, uid: node.metadata.uid)
    }
}
