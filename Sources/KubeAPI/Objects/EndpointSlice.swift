/// An EndpointSlice (`discovery.k8s.io/v1 EndpointSlice`): some of the endpoints of one service, named by the
/// ``serviceNameLabel`` label.
public struct EndpointSlice: Codable, Hashable, Sendable {
    /// `discovery.k8s.io/v1`.
    public var apiVersion: String?
    /// `EndpointSlice`.
    public var kind: String?
    /// Object metadata; `labels["kubernetes.io/service-name"]` names the service.
    public var metadata: ObjectMeta
    /// `IPv4`, `IPv6` or `FQDN`: the type of every address in the slice.
    public var addressType: AddressType
    /// The endpoints.
    public var endpoints: [Endpoint]
    /// The ports every endpoint serves.
    public var ports: [Port]

    /// The label that names the service a slice belongs to (`discovery.LabelServiceName`).
    public static let serviceNameLabel = "kubernetes.io/service-name"

    /// Creates an `EndpointSlice`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        addressType: AddressType = .ipv4,
        endpoints: [Endpoint] = [],
        ports: [Port] = []
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    /// The service the slice belongs to (its ``serviceNameLabel`` label), nil when the label is missing.
    public var serviceName: String? {
        self.metadata.labels[Self.serviceNameLabel]
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, addressType, endpoints, ports
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.addressType = try container.value(.addressType, default: AddressType(rawValue: ""))
        self.endpoints = try container.value(.endpoints, default: [])
        self.ports = try container.value(.ports, default: [])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.addressType, forKey: .addressType)
        try container.encode(self.endpoints, forKey: .endpoints)
        try container.encode(nonEmpty: self.ports, forKey: .ports)
    }
}

extension EndpointSlice {
    /// Address type of a slice (`discovery.AddressType`).
    public struct AddressType: KubeString {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let ipv4: Self = "IPv4"
        public static let ipv6: Self = "IPv6"
        public static let fqdn: Self = "FQDN"
        /// The values the API accepts.
        public static let supported: [Self] = [.fqdn, .ipv4, .ipv6]
    }

    /// One endpoint (`discovery.Endpoint`).
    public struct Endpoint: Codable, Hashable, Sendable {
        /// The endpoint's addresses; consumers use the first one.
        public var addresses: [String]
        /// Readiness, serving and terminating state.
        public var conditions: Conditions?
        /// Hostname of the endpoint (for DNS).
        public var hostname: String?
        /// The node that hosts the endpoint.
        public var nodeName: String?
        /// The zone the endpoint is in.
        public var zone: String?
        /// Where the endpoint should be used (topology-aware routing), set by the EndpointSlice controller.
        public var hints: Hints?

        /// Creates an `Endpoint`; every parameter defaults to unset.
        public init(
            addresses: [String] = [],
            conditions: Conditions? = nil,
            hostname: String? = nil,
            nodeName: String? = nil,
            zone: String? = nil,
            hints: Hints? = nil
        ) {
            self.addresses = addresses
            self.conditions = conditions
            self.hostname = hostname
            self.nodeName = nodeName
            self.zone = zone
            self.hints = hints
        }

        private enum CodingKeys: String, CodingKey {
            case addresses, conditions, hostname, nodeName, zone, hints
        }

        /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.addresses = try container.value(.addresses, default: [])
            self.conditions = try container.value(.conditions)
            self.hostname = try container.value(.hostname)
            self.nodeName = try container.value(.nodeName)
            self.zone = try container.value(.zone)
            self.hints = try container.value(.hints)
        }

        /// Encodes the object, leaving out unset fields as Kubernetes does.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.addresses, forKey: .addresses)
            try container.encodeIfPresent(self.conditions, forKey: .conditions)
            try container.encodeIfPresent(self.hostname, forKey: .hostname)
            try container.encodeIfPresent(self.nodeName, forKey: .nodeName)
            try container.encodeIfPresent(self.zone, forKey: .zone)
            try container.encodeIfPresent(self.hints, forKey: .hints)
        }
    }

    /// Topology hints of an endpoint (`discovery.EndpointHints`).
    public struct Hints: Codable, Hashable, Sendable {
        /// The zones that should use this endpoint.
        public var forZones: [ForZone]

        /// Creates hints.
        public init(forZones: [ForZone] = []) {
            self.forZones = forZones
        }

        private enum CodingKeys: String, CodingKey {
            case forZones
        }

        /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.forZones = try container.value(.forZones, default: [])
        }

        /// Encodes the object, leaving out empty fields as Kubernetes does.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(nonEmpty: self.forZones, forKey: .forZones)
        }
    }

    /// A zone an endpoint is hinted for (`discovery.ForZone`).
    public struct ForZone: Codable, Hashable, Sendable {
        /// The zone's name.
        public var name: String

        /// Creates the hint.
        public init(name: String) {
            self.name = name
        }
    }

    /// The state of an endpoint (`discovery.EndpointConditions`); unset means unknown.
    public struct Conditions: Codable, Hashable, Sendable {
        /// Ready for new traffic; unset counts as ready. Always false while terminating.
        public var ready: Bool?
        /// Serving (ready, ignoring termination); unset falls back to `ready`.
        public var serving: Bool?
        /// Being deleted; unset counts as not terminating.
        public var terminating: Bool?

        /// Creates the conditions.
        public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
            self.ready = ready
            self.serving = serving
            self.terminating = terminating
        }
    }

    /// A port of a slice (`discovery.EndpointPort`); `name` matches the service port's name.
    public struct Port: Codable, Hashable, Sendable {
        /// Name of the service port this is the target of; empty for a single unnamed port.
        public var name: String?
        /// `TCP` (default), `UDP` or `SCTP`.
        public var `protocol`: NetworkProtocol?
        /// The port number on the endpoints (the resolved target port); unset means all ports.
        public var port: Int32?
        /// Application protocol hint.
        public var appProtocol: String?

        /// Creates a `Port`; every parameter defaults to unset.
        public init(
            name: String? = nil, protocol: NetworkProtocol? = nil, port: Int32? = nil, appProtocol: String? = nil
        ) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
            self.appProtocol = appProtocol
        }
    }
}

extension EndpointSlice: KubeResource {
    /// `endpointslices` in discovery.k8s.io/v1, namespaced.
    public static let resource = APIResource(
        group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true)
}
