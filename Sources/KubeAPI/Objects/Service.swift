/// A Service (`v1 Service`): a stable virtual IP and ports in front of a set of endpoints.
public struct Service: Codable, Hashable, Sendable {
    /// `v1`.
    public var apiVersion: String?
    /// `Service`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta
    /// The desired behaviour of the service.
    public var spec: ServiceSpec
    /// The observed state (load-balancer ingress points).
    public var status: ServiceStatus?

    /// Creates a `Service`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        spec: ServiceSpec = ServiceSpec(),
        status: ServiceStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.spec = try container.value(.spec, default: ServiceSpec())
        self.status = try container.value(.status)
    }

    /// Encodes the object, leaving out unset fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.spec, forKey: .spec)
        try container.encodeIfPresent(self.status, forKey: .status)
    }
}

/// Type of a service (`v1 ServiceType`).
public struct ServiceType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let clusterIP: Self = "ClusterIP"
    public static let nodePort: Self = "NodePort"
    public static let loadBalancer: Self = "LoadBalancer"
    public static let externalName: Self = "ExternalName"
    /// The values the API accepts.
    public static let supported: [Self] = [.clusterIP, .externalName, .loadBalancer, .nodePort]
}

/// Session affinity of a service (`v1 ServiceAffinity`).
public struct ServiceAffinity: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Connections from one client IP go to the same endpoint.
    public static let clientIP: Self = "ClientIP"
    public static let none: Self = "None"
}

/// How a service routes traffic (`v1 ServiceExternalTrafficPolicy` and `ServiceInternalTrafficPolicy`).
public struct ServiceTrafficPolicy: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Any ready endpoint in the cluster.
    public static let cluster: Self = "Cluster"
    /// Only endpoints on the node that received the traffic.
    public static let local: Self = "Local"
}

/// The desired behaviour of a service (`v1 ServiceSpec`, the fields the proxy reads).
public struct ServiceSpec: Codable, Hashable, Sendable {
    /// The ports the service exposes.
    public var ports: [ServicePort]
    /// Label selector of the backing pods (the EndpointSlice controller's input).
    public var selector: [String: String]
    /// The primary cluster IP; `None` for a headless service.
    public var clusterIP: String?
    /// Every cluster IP (one per IP family); `clusterIPs[0] == clusterIP`.
    public var clusterIPs: [String]
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: ServiceType?
    /// IPs outside the cluster that also route to this service.
    public var externalIPs: [String]
    /// `None` (default) or `ClientIP`.
    public var sessionAffinity: ServiceAffinity?
    /// Parameters of the session affinity.
    public var sessionAffinityConfig: SessionAffinityConfig?
    /// Deprecated: the requested load-balancer IP.
    public var loadBalancerIP: String?
    /// CIDRs allowed to reach the load-balancer IPs (when the provider supports it).
    public var loadBalancerSourceRanges: [String]
    /// DNS name of an `ExternalName` service.
    public var externalName: String?
    /// `Cluster` (default) or `Local`: where traffic to node ports, external and load-balancer IPs may go.
    public var externalTrafficPolicy: ServiceTrafficPolicy?
    /// `Cluster` (default) or `Local`: where traffic to the cluster IP may go.
    public var internalTrafficPolicy: ServiceTrafficPolicy?
    /// Node port of the health check a `LoadBalancer` service with `Local` external policy serves.
    public var healthCheckNodePort: Int32?
    /// IP families of the cluster IPs (`IPv4`, `IPv6`).
    public var ipFamilies: [String]
    /// `SingleStack`, `PreferDualStack` or `RequireDualStack`.
    public var ipFamilyPolicy: String?
    /// Whether endpoints that are not ready are published anyway.
    public var publishNotReadyAddresses: Bool?
    /// How traffic is spread over the endpoints, e.g. `PreferClose` (topology-aware routing).
    public var trafficDistribution: String?

    /// Creates a `ServiceSpec`; every parameter defaults to unset.
    public init(
        ports: [ServicePort] = [],
        selector: [String: String] = [:],
        clusterIP: String? = nil,
        clusterIPs: [String] = [],
        type: ServiceType? = nil,
        externalIPs: [String] = [],
        sessionAffinity: ServiceAffinity? = nil,
        sessionAffinityConfig: SessionAffinityConfig? = nil,
        loadBalancerIP: String? = nil,
        loadBalancerSourceRanges: [String] = [],
        externalName: String? = nil,
        externalTrafficPolicy: ServiceTrafficPolicy? = nil,
        internalTrafficPolicy: ServiceTrafficPolicy? = nil,
        healthCheckNodePort: Int32? = nil,
        ipFamilies: [String] = [],
        ipFamilyPolicy: String? = nil,
        publishNotReadyAddresses: Bool? = nil,
        trafficDistribution: String? = nil
    ) {
        self.ports = ports
        self.selector = selector
        self.clusterIP = clusterIP
        self.clusterIPs = clusterIPs
        self.type = type
        self.externalIPs = externalIPs
        self.sessionAffinity = sessionAffinity
        self.sessionAffinityConfig = sessionAffinityConfig
        self.loadBalancerIP = loadBalancerIP
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.externalName = externalName
        self.externalTrafficPolicy = externalTrafficPolicy
        self.internalTrafficPolicy = internalTrafficPolicy
        self.healthCheckNodePort = healthCheckNodePort
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.publishNotReadyAddresses = publishNotReadyAddresses
        self.trafficDistribution = trafficDistribution
    }

    private enum CodingKeys: String, CodingKey {
        case ports, selector, clusterIP, clusterIPs, type, externalIPs, sessionAffinity, sessionAffinityConfig
        case loadBalancerIP, loadBalancerSourceRanges, externalName, externalTrafficPolicy, internalTrafficPolicy
        case healthCheckNodePort, ipFamilies, ipFamilyPolicy, publishNotReadyAddresses, trafficDistribution
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ports = try container.value(.ports, default: [])
        self.selector = try container.value(.selector, default: [:])
        self.clusterIP = try container.value(.clusterIP)
        self.clusterIPs = try container.value(.clusterIPs, default: [])
        self.type = try container.value(.type)
        self.externalIPs = try container.value(.externalIPs, default: [])
        self.sessionAffinity = try container.value(.sessionAffinity)
        self.sessionAffinityConfig = try container.value(.sessionAffinityConfig)
        self.loadBalancerIP = try container.value(.loadBalancerIP)
        self.loadBalancerSourceRanges = try container.value(.loadBalancerSourceRanges, default: [])
        self.externalName = try container.value(.externalName)
        self.externalTrafficPolicy = try container.value(.externalTrafficPolicy)
        self.internalTrafficPolicy = try container.value(.internalTrafficPolicy)
        self.healthCheckNodePort = try container.value(.healthCheckNodePort)
        self.ipFamilies = try container.value(.ipFamilies, default: [])
        self.ipFamilyPolicy = try container.value(.ipFamilyPolicy)
        self.publishNotReadyAddresses = try container.value(.publishNotReadyAddresses)
        self.trafficDistribution = try container.value(.trafficDistribution)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.ports, forKey: .ports)
        try container.encode(nonEmpty: self.selector, forKey: .selector)
        try container.encodeIfPresent(self.clusterIP, forKey: .clusterIP)
        try container.encode(nonEmpty: self.clusterIPs, forKey: .clusterIPs)
        try container.encodeIfPresent(self.type, forKey: .type)
        try container.encode(nonEmpty: self.externalIPs, forKey: .externalIPs)
        try container.encodeIfPresent(self.sessionAffinity, forKey: .sessionAffinity)
        try container.encodeIfPresent(self.sessionAffinityConfig, forKey: .sessionAffinityConfig)
        try container.encodeIfPresent(self.loadBalancerIP, forKey: .loadBalancerIP)
        try container.encode(nonEmpty: self.loadBalancerSourceRanges, forKey: .loadBalancerSourceRanges)
        try container.encodeIfPresent(self.externalName, forKey: .externalName)
        try container.encodeIfPresent(self.externalTrafficPolicy, forKey: .externalTrafficPolicy)
        try container.encodeIfPresent(self.internalTrafficPolicy, forKey: .internalTrafficPolicy)
        try container.encodeIfPresent(self.healthCheckNodePort, forKey: .healthCheckNodePort)
        try container.encode(nonEmpty: self.ipFamilies, forKey: .ipFamilies)
        try container.encodeIfPresent(self.ipFamilyPolicy, forKey: .ipFamilyPolicy)
        try container.encodeIfPresent(self.publishNotReadyAddresses, forKey: .publishNotReadyAddresses)
        try container.encodeIfPresent(self.trafficDistribution, forKey: .trafficDistribution)
    }
}

/// One port of a service (`v1 ServicePort`).
public struct ServicePort: Codable, Hashable, Sendable {
    /// Name, unique within the service; required when the service has more than one port.
    public var name: String?
    /// `TCP` (default), `UDP` or `SCTP`.
    public var `protocol`: NetworkProtocol?
    /// Application protocol hint, e.g. `http`.
    public var appProtocol: String?
    /// The port the service exposes on its IPs.
    public var port: Int32
    /// The port (number or container port name) on the pods; defaults to `port`.
    public var targetPort: IntOrString?
    /// The port on every node (`NodePort`/`LoadBalancer` services).
    public var nodePort: Int32?

    /// Creates a `ServicePort`; every parameter defaults to unset.
    public init(
        name: String? = nil,
        protocol: NetworkProtocol? = nil,
        appProtocol: String? = nil,
        port: Int32 = 0,
        targetPort: IntOrString? = nil,
        nodePort: Int32? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.appProtocol = appProtocol
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }

    private enum CodingKeys: String, CodingKey {
        case name, `protocol`, appProtocol, port, targetPort, nodePort
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name)
        self.protocol = try container.value(.`protocol`)
        self.appProtocol = try container.value(.appProtocol)
        self.port = try container.value(.port, default: 0)
        self.targetPort = try container.value(.targetPort)
        self.nodePort = try container.value(.nodePort)
    }

    /// Encodes the object, leaving out unset fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.name, forKey: .name)
        try container.encodeIfPresent(self.protocol, forKey: .`protocol`)
        try container.encodeIfPresent(self.appProtocol, forKey: .appProtocol)
        try container.encode(self.port, forKey: .port)
        try container.encodeIfPresent(self.targetPort, forKey: .targetPort)
        try container.encodeIfPresent(self.nodePort, forKey: .nodePort)
    }
}

/// Parameters of session affinity (`v1 SessionAffinityConfig`).
public struct SessionAffinityConfig: Codable, Hashable, Sendable {
    /// Parameters of `ClientIP` affinity.
    public var clientIP: ClientIPConfig?

    /// Creates a `SessionAffinityConfig`.
    public init(clientIP: ClientIPConfig? = nil) {
        self.clientIP = clientIP
    }
}

/// Parameters of `ClientIP` session affinity (`v1 ClientIPConfig`).
public struct ClientIPConfig: Codable, Hashable, Sendable {
    /// How long a client stays pinned, 1...86400 seconds; upstream's default is 10800 (3 hours).
    public var timeoutSeconds: Int32?

    /// The API server's default of `timeoutSeconds` (`v1.DefaultClientIPServiceAffinitySeconds`).
    public static let defaultTimeoutSeconds: Int32 = 10800

    /// Creates a `ClientIPConfig`.
    public init(timeoutSeconds: Int32? = nil) {
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The observed state of a service (`v1 ServiceStatus`).
public struct ServiceStatus: Codable, Hashable, Sendable {
    /// The load balancer's ingress points, written by the cloud provider.
    public var loadBalancer: LoadBalancerStatus?

    /// Creates a `ServiceStatus`.
    public init(loadBalancer: LoadBalancerStatus? = nil) {
        self.loadBalancer = loadBalancer
    }
}

/// A load balancer's state (`v1 LoadBalancerStatus`).
public struct LoadBalancerStatus: Codable, Hashable, Sendable {
    /// The ingress points.
    public var ingress: [LoadBalancerIngress]

    /// Creates a `LoadBalancerStatus`.
    public init(ingress: [LoadBalancerIngress] = []) {
        self.ingress = ingress
    }

    private enum CodingKeys: String, CodingKey {
        case ingress
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ingress = try container.value(.ingress, default: [])
    }

    /// Encodes the object, leaving out empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.ingress, forKey: .ingress)
    }
}

/// One ingress point of a load balancer (`v1 LoadBalancerIngress`).
public struct LoadBalancerIngress: Codable, Hashable, Sendable {
    /// The IP traffic arrives on.
    public var ip: String?
    /// A DNS name instead of an IP.
    public var hostname: String?
    /// `VIP` (default: packets arrive with the ingress IP as destination) or `Proxy` (the load balancer
    /// rewrites the destination, so the node must not capture the IP).
    public var ipMode: String?

    /// Creates a `LoadBalancerIngress`.
    public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.ipMode = ipMode
    }
}

extension Service: KubeResource {
    /// `services` in core/v1, namespaced.
    public static let resource = APIResource(kind: "Service", plural: "services", namespaced: true)
}
