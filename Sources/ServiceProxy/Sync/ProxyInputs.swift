public import Foundation
public import KubeAPI

/// The proxy's inputs and what changed since the last sync (upstream's `ServiceChangeTracker`,
/// `EndpointsChangeTracker` and `EndpointSliceCache` in one value type): source events in, the service and endpoint
/// maps to compile plus the services whose chains must be rewritten out. Pure and synchronous.
///
/// ```swift
/// var inputs = ProxyInputs(nodeName: "node-1")
/// inputs.handle(.serviceUpdated(service), at: now)
/// inputs.handle(.servicesSynced, at: now); inputs.handle(.endpointSlicesSynced, at: now)
/// let batch = inputs.takeChanges()     // batch.changedServices, batch.services, batch.endpoints
/// ```
public struct ProxyInputs: Sendable {
    /// This node's name (endpoints on it are local).
    public let nodeName: String
    /// Whether the initial Services / EndpointSlices were all delivered.
    public private(set) var servicesSynced = false
    public private(set) var endpointSlicesSynced = false

    /// Service ports per service, as last taken by ``takeChanges()`` (what the rules reflect after that sync).
    private var appliedPorts: [ServiceName: [ServicePortName: ServicePortInfo]] = [:]
    /// Endpoints per service, as last taken.
    private var appliedEndpoints: [ServiceName: [ServicePortName: [EndpointInfo]]] = [:]
    /// The flattened maps the compiler takes, kept up to date incrementally.
    public private(set) var services: [ServicePortName: ServicePortInfo] = [:]
    public private(set) var endpoints: [ServicePortName: [EndpointInfo]] = [:]

    private var portChanges = ChangeTracker<ServiceName, [ServicePortName: ServicePortInfo]>()
    private var endpointChanges = ChangeTracker<ServiceName, [ServicePortName: [EndpointInfo]]>()
    /// EndpointSlices by `namespace/name`, and the service each belongs to.
    private var slices: [ServiceName: EndpointSlice] = [:]
    private var slicesOfService: [ServiceName: Set<ServiceName>] = [:]
    private var serviceOfSlice: [ServiceName: ServiceName] = [:]
    /// When each pending service first changed (or its objects' `last-change-trigger-time`), for
    /// `network_programming_duration_seconds`.
    private var changeTimes: [ServiceName: Date] = [:]
    /// Warnings of the last conversion per object, so each is reported once.
    public private(set) var warnings: [String: [ServiceProxyModel.Warning]] = [:]

    /// The annotation the endpoints controller stamps with the time of the change that triggered an update.
    public static let lastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time"

    public init(nodeName: String) {
        self.nodeName = nodeName
    }

    /// Pending service and endpoint changes (`kubeproxy_sync_proxy_rules_*_changes_pending`).
    public var pendingServiceChanges: Int { self.portChanges.count }
    public var pendingEndpointChanges: Int { self.endpointChanges.count }

    /// Whether both initial lists were delivered (no rules are written before).
    public var isSynced: Bool { self.servicesSynced && self.endpointSlicesSynced }

    /// Applies one source event.
    /// - Returns: what the event changed: `.service` / `.endpoints` when a sync is needed, `nil` for a no-op.
    @discardableResult
    public mutating func handle(_ event: ServiceSourceEvent, at now: Date) -> ChangeKind? {
        switch event {
        case .serviceUpdated(let service):
            let name = ServiceName(namespace: service.metadata.namespace, name: service.metadata.name)
            let converted = ServiceProxyModel.servicePorts(of: service)
            self.warnings["Service \(name)"] = converted.warnings.isEmpty ? nil : converted.warnings
            return self.recordPorts(name, converted.value, trigger: nil, now: now)
        case .serviceDeleted(let namespace, let name):
            let key = ServiceName(namespace: namespace, name: name)
            self.warnings["Service \(key)"] = nil
            return self.recordPorts(key, [:], trigger: nil, now: now)
        case .endpointSliceUpdated(let slice):
            let key = ServiceName(namespace: slice.metadata.namespace, name: slice.metadata.name)
            let previous = self.slices[key]
            self.slices[key] = slice
            let trigger = slice.metadata.annotations[Self.lastChangeTriggerTime].flatMap(RFC3339.parse)
            return self.recomputeEndpoints(for: [previous, slice].compactMap { $0 }, trigger: trigger, now: now)
        case .endpointSliceDeleted(let namespace, let name):
            let key = ServiceName(namespace: namespace, name: name)
            guard let previous = self.slices.removeValue(forKey: key) else { return nil }
            return self.recomputeEndpoints(for: [previous], trigger: nil, now: now)
        case .servicesSynced:
            let first = !self.servicesSynced
            self.servicesSynced = true
            return first && self.isSynced ? .service : nil
        case .endpointSlicesSynced:
            let first = !self.endpointSlicesSynced
            self.endpointSlicesSynced = true
            return first && self.isSynced ? .endpoints : nil
        }
    }

    /// What an event changed.
    public enum ChangeKind: Sendable, Equatable {
        case service
        case endpoints
    }

    /// The changes since the last call, applied to ``services`` and ``endpoints``.
    public struct Batch: Sendable {
        /// Services whose ports or endpoints changed (their chains must be rewritten).
        public var changedServices: Set<ServiceName>
        /// Per changed UDP service port: its info before and after, and its endpoints before and after (for
        /// conntrack cleanup).
        public var udpChanges: [UDPChange]
        /// When each changed service's change happened.
        public var changeTimes: [ServiceName: Date]
    }

    /// One UDP service port's change.
    public struct UDPChange: Sendable, Equatable {
        public var name: ServicePortName
        public var before: ServicePortInfo?
        public var after: ServicePortInfo?
        public var endpointsBefore: [EndpointInfo]
        public var endpointsAfter: [EndpointInfo]
    }

    /// Takes every pending change and folds it into ``services`` and ``endpoints``.
    public mutating func takeChanges() -> Batch {
        let ports = self.portChanges.drain()
        let endpoints = self.endpointChanges.drain()
        var changed = Set(ports.keys)
        changed.formUnion(endpoints.keys)
        var udp: [UDPChange] = []
        for name in changed {
            let portsBefore = self.appliedPorts[name] ?? [:]
            let portsAfter = ports[name].map { $0.current ?? [:] } ?? portsBefore
            let endpointsBefore = self.appliedEndpoints[name] ?? [:]
            let endpointsAfter = endpoints[name].map { $0.current ?? [:] } ?? endpointsBefore
            for key in Set(portsBefore.keys).union(portsAfter.keys) where key.protocol == .udp {
                udp.append(
                    UDPChange(
                        name: key, before: portsBefore[key], after: portsAfter[key],
                        endpointsBefore: endpointsBefore[key] ?? [], endpointsAfter: endpointsAfter[key] ?? []))
            }
            for key in portsBefore.keys { self.services[key] = nil }
            for (key, info) in portsAfter { self.services[key] = info }
            for key in endpointsBefore.keys { self.endpoints[key] = nil }
            for (key, list) in endpointsAfter where !list.isEmpty { self.endpoints[key] = list }
            self.appliedPorts[name] = portsAfter.isEmpty ? nil : portsAfter
            self.appliedEndpoints[name] = endpointsAfter.isEmpty ? nil : endpointsAfter
        }
        var times: [ServiceName: Date] = [:]
        for name in changed { times[name] = self.changeTimes.removeValue(forKey: name) }
        return Batch(
            changedServices: changed, udpChanges: udp.sorted { $0.name < $1.name }, changeTimes: times)
    }

    private mutating func recordPorts(
        _ name: ServiceName, _ ports: [ServicePortName: ServicePortInfo], trigger: Date?, now: Date
    ) -> ChangeKind? {
        // No ports and no service are the same thing (nil), so an add undone before a sync leaves nothing pending.
        let pending = self.portChanges.update(name, previous: self.appliedPorts[name], current: ports.isEmpty ? nil : ports)
        self.noteTime(name, pending: pending || self.endpointChanges.keys.contains(name), trigger ?? now)
        return pending ? .service : nil
    }

    /// Recomputes the endpoints of the services the given slices belong (or belonged) to.
    private mutating func recomputeEndpoints(for slices: [EndpointSlice], trigger: Date?, now: Date) -> ChangeKind? {
        var changed = false
        var services: Set<ServiceName> = []
        for slice in slices {
            let sliceKey = ServiceName(namespace: slice.metadata.namespace, name: slice.metadata.name)
            // The service it belonged to (its label may have changed), then the one it belongs to now.
            if let service = self.serviceOfSlice.removeValue(forKey: sliceKey) {
                self.slicesOfService[service]?.remove(sliceKey)
                if self.slicesOfService[service]?.isEmpty == true { self.slicesOfService[service] = nil }
                services.insert(service)
            }
            if let current = self.slices[sliceKey], let serviceName = current.serviceName {
                let service = ServiceName(namespace: current.metadata.namespace, name: serviceName)
                self.slicesOfService[service, default: []].insert(sliceKey)
                self.serviceOfSlice[sliceKey] = service
                services.insert(service)
            }
        }
        for service in services {
            let members = (self.slicesOfService[service] ?? []).compactMap { self.slices[$0] }
            let converted = ServiceProxyModel.endpoints(of: members, nodeName: self.nodeName)
            for member in members {
                let key = "EndpointSlice \(member.metadata.namespace)/\(member.metadata.name)"
                let mine = converted.warnings.filter { $0.object == key }
                self.warnings[key] = mine.isEmpty ? nil : mine
            }
            let pending = self.endpointChanges.update(
                service, previous: self.appliedEndpoints[service],
                current: converted.value.isEmpty ? nil : converted.value)
            self.noteTime(service, pending: pending || self.portChanges.keys.contains(service), trigger ?? now)
            changed = changed || pending
        }
        return changed ? .endpoints : nil
    }

    private mutating func noteTime(_ name: ServiceName, pending: Bool, _ time: Date) {
        if !pending {
            self.changeTimes[name] = nil
        } else if let known = self.changeTimes[name] {
            self.changeTimes[name] = min(known, time)
        } else {
            self.changeTimes[name] = time
        }
    }
}
