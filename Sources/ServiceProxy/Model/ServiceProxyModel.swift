public import KubeAPI

/// Converts the API's Services and EndpointSlices into the proxy's model, as kube-proxy's service and endpoint
/// change trackers do for the IPv4 family.
///
/// ```swift
/// let ports = ServiceProxyModel.servicePorts(of: service)          // [ServicePortName: ServicePortInfo]
/// let endpoints = ServiceProxyModel.endpoints(of: slices, nodeName: "node-1")
/// ```
public enum ServiceProxyModel {
    /// Something in an object the proxy skipped, naming the object and field.
    public struct Warning: Hashable, Sendable, CustomStringConvertible {
        /// `Service ns/name` or `EndpointSlice ns/name`.
        public var object: String
        /// The field at fault, e.g. `spec.externalIPs[1]`.
        public var field: String
        /// What is wrong with it.
        public var message: String

        /// Creates a warning.
        public init(object: String, field: String, message: String) {
            self.object = object
            self.field = field
            self.message = message
        }

        /// `Service ns/name: spec.externalIPs[1]: not an IPv4 address: "x"`.
        public var description: String { "\(self.object): \(self.field): \(self.message)" }
    }

    /// A conversion's result and what it skipped.
    public struct Converted<Value: Sendable>: Sendable {
        /// The converted value.
        public var value: Value
        /// The parts of the input that were skipped, and why.
        public var warnings: [Warning]
    }

    /// The service ports of `service` the proxy programs; none for headless (`clusterIP: None`), ExternalName and
    /// IPv6-only services, as upstream's `ShouldSkipService`.
    ///
    /// - Parameter service: the Service.
    /// - Returns: one entry per port, plus warnings for skipped addresses and ranges.
    public static func servicePorts(of service: Service) -> Converted<[ServicePortName: ServicePortInfo]> {
        let object = "Service \(service.metadata.namespace)/\(service.metadata.name)"
        var warnings: [Warning] = []
        let spec = service.spec
        let candidates = ([spec.clusterIP].compactMap { $0 } + spec.clusterIPs)
        guard spec.type != .externalName, let primary = spec.clusterIP ?? spec.clusterIPs.first, !primary.isEmpty,
            primary != "None", let clusterIP = candidates.lazy.compactMap({ IPv4Address($0) }).first
        else {
            return Converted(value: [:], warnings: [])
        }
        let externalIPs = self.addresses(spec.externalIPs, field: "spec.externalIPs", object: object, &warnings)
        var ingressIPs: [IPv4Address] = []
        for (index, ingress) in (service.status?.loadBalancer?.ingress ?? []).enumerated() {
            guard let text = ingress.ip, !text.isEmpty, ingress.ipMode == nil || ingress.ipMode == "VIP" else {
                continue
            }
            if let ip = IPv4Address(text) {
                ingressIPs.append(ip)
            } else if !text.contains(":") {
                warnings.append(
                    Warning(
                        object: object, field: "status.loadBalancer.ingress[\(index)].ip",
                        message: "not an IP address: \"\(text)\""))
            }
        }
        var sourceRanges: [IPv4CIDR] = []
        for (index, text) in spec.loadBalancerSourceRanges.enumerated() {
            if let cidr = IPv4CIDR(text) {
                sourceRanges.append(cidr)
            } else if !text.contains(":") {
                warnings.append(
                    Warning(
                        object: object, field: "spec.loadBalancerSourceRanges[\(index)]",
                        message: "not a CIDR: \"\(text)\""))
            }
        }
        let affinity: SessionAffinity =
            spec.sessionAffinity == .clientIP
            ? .clientIP(
                timeoutSeconds: Int(
                    spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? ClientIPConfig.defaultTimeoutSeconds))
            : .none
        let externallyAccessible = spec.type == .loadBalancer || spec.type == .nodePort || !spec.externalIPs.isEmpty
        let externalLocal = externallyAccessible && spec.externalTrafficPolicy == .local
        let healthCheckNodePort =
            spec.type == .loadBalancer && spec.externalTrafficPolicy == .local ? Int(spec.healthCheckNodePort ?? 0) : 0
        // The deprecated annotation wins over the newer one; trafficDistribution makes both moot.
        let annotations = service.metadata.annotations
        let hintsAnnotation =
            annotations["service.kubernetes.io/topology-aware-hints"]
            ?? annotations["service.kubernetes.io/topology-mode"] ?? ""
        let topologyAware =
            spec.trafficDistribution != nil
            || !(hintsAnnotation.isEmpty || hintsAnnotation == "disabled" || hintsAnnotation == "Disabled")
        let name = ServiceName(namespace: service.metadata.namespace, name: service.metadata.name)
        var result: [ServicePortName: ServicePortInfo] = [:]
        for (index, port) in spec.ports.enumerated() {
            guard let proto = self.transport(port.protocol) else {
                warnings.append(
                    Warning(
                        object: object, field: "spec.ports[\(index)].protocol",
                        message: "unsupported protocol \"\(port.protocol?.rawValue ?? "")\""))
                continue
            }
            let key = ServicePortName(service: name, port: port.name ?? "", protocol: proto)
            result[key] = ServicePortInfo(
                clusterIP: clusterIP,
                port: Int(port.port),
                protocol: proto,
                nodePort: Int(port.nodePort ?? 0),
                externalIPs: externalIPs,
                loadBalancerVIPs: ingressIPs,
                loadBalancerSourceRanges: sourceRanges,
                sessionAffinity: affinity,
                externalPolicyLocal: externalLocal,
                internalPolicyLocal: spec.internalTrafficPolicy == .local,
                healthCheckNodePort: healthCheckNodePort,
                topologyAware: topologyAware
            )
        }
        return Converted(value: result, warnings: warnings)
    }

    /// The endpoints of every service port the slices describe (upstream's `EndpointSliceCache`): IPv4 slices only,
    /// the first address of each endpoint, sorted by `ip:port` text. Unset conditions count as ready and serving and
    /// not terminating, as upstream reads them. The same `ip:port` in two slices (taken in namespace/name order)
    /// appears once: the later one, unless it is terminating.
    ///
    /// Slice ports are matched to service ports by name, so a service port whose `targetPort` is a container port
    /// name works as long as the slice carries the resolved number under the service port's name.
    ///
    /// - Parameters:
    ///   - slices: every EndpointSlice (of any services).
    ///   - nodeName: this node's name; endpoints with that `nodeName` are local.
    /// - Returns: endpoints per service port, plus warnings for skipped slices, ports and addresses.
    public static func endpoints(
        of slices: [EndpointSlice], nodeName: String
    ) -> Converted<[ServicePortName: [EndpointInfo]]> {
        var warnings: [Warning] = []
        var byAddress: [ServicePortName: [String: EndpointInfo]] = [:]
        let ordered = slices.sorted {
            ($0.metadata.namespace, $0.metadata.name) < ($1.metadata.namespace, $1.metadata.name)
        }
        for slice in ordered where slice.addressType == .ipv4 {
            let object = "EndpointSlice \(slice.metadata.namespace)/\(slice.metadata.name)"
            guard let serviceName = slice.serviceName, !serviceName.isEmpty else {
                warnings.append(
                    Warning(
                        object: object, field: "metadata.labels",
                        message: "no \(EndpointSlice.serviceNameLabel) label"))
                continue
            }
            let service = ServiceName(namespace: slice.metadata.namespace, name: serviceName)
            for (portIndex, port) in slice.ports.enumerated() {
                guard let number = port.port, let proto = self.transport(port.protocol) else {
                    warnings.append(
                        Warning(
                            object: object, field: "ports[\(portIndex)]",
                            message: "no port number or unsupported protocol"))
                    continue
                }
                let key = ServicePortName(service: service, port: port.name ?? "", protocol: proto)
                for (index, endpoint) in slice.endpoints.enumerated() {
                    guard let first = endpoint.addresses.first else { continue }
                    guard let ip = IPv4Address(first) else {
                        if portIndex == 0 {
                            warnings.append(
                                Warning(
                                    object: object, field: "endpoints[\(index)].addresses[0]",
                                    message: "not an IPv4 address: \"\(first)\""))
                        }
                        continue
                    }
                    let info = EndpointInfo(
                        ip: ip,
                        port: Int(number),
                        isLocal: !nodeName.isEmpty && endpoint.nodeName == nodeName,
                        ready: endpoint.conditions?.ready ?? true,
                        serving: endpoint.conditions?.serving ?? true,
                        terminating: endpoint.conditions?.terminating ?? false,
                        nodeName: endpoint.nodeName,
                        zone: endpoint.zone,
                        zoneHints: Set(endpoint.hints?.forZones.map(\.name) ?? [])
                    )
                    // The same ip:port in two slices (an endpoint moving between slices, or a new pod reusing a
                    // terminating pod's IP): the later one wins unless it is terminating.
                    let address = info.description
                    if byAddress[key]?[address] == nil || !info.terminating {
                        byAddress[key, default: [:]][address] = info
                    }
                }
            }
        }
        var result: [ServicePortName: [EndpointInfo]] = [:]
        for (key, endpoints) in byAddress {
            result[key] = endpoints.sorted { $0.key < $1.key }.map(\.value)
        }
        return Converted(value: result, warnings: warnings)
    }

    /// Resolves a service port's `targetPort` against a pod's containers, as the EndpointSlice controller does: a
    /// number is taken as is, a name is looked up among the container ports with the same protocol, unset is `port`.
    ///
    /// - Parameters:
    ///   - servicePort: the service port.
    ///   - containers: the pod's containers.
    /// - Returns: the port number on the pod, or nil when the name matches no container port.
    public static func targetPort(of servicePort: ServicePort, in containers: [Container]) -> Int? {
        let proto = servicePort.protocol ?? .tcp
        switch servicePort.targetPort {
        case nil:
            return Int(servicePort.port)
        case .int(let number):
            return Int(number == 0 ? servicePort.port : number)
        case .string(let name):
            if let number = Int32(name) { return Int(number) }
            for container in containers {
                for port in container.ports where port.name == name && (port.protocol ?? .tcp) == proto {
                    return Int(port.containerPort)
                }
            }
            return nil
        }
    }

    static func transport(_ value: NetworkProtocol?) -> TransportProtocol? {
        switch value {
        case nil, .tcp?: .tcp
        case .udp?: .udp
        case .sctp?: .sctp
        default: nil
        }
    }

    static func addresses(
        _ texts: [String], field: String, object: String, _ warnings: inout [Warning]
    ) -> [IPv4Address] {
        var result: [IPv4Address] = []
        for (index, text) in texts.enumerated() {
            if let ip = IPv4Address(text) {
                result.append(ip)
            } else if !text.contains(":") {
                warnings.append(
                    Warning(object: object, field: "\(field)[\(index)]", message: "not an IP address: \"\(text)\""))
            }
        }
        return result
    }
}
