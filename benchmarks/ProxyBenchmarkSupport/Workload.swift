public import KubeAPI
public import ServiceProxy

/// `services` ClusterIP services (TCP 80 -> 8080) with `endpointsPerService` ready endpoints each, as source
/// events (for the proxiers) and as the model (for the floor's ruleset and compile-only timings). Shared by
/// ProxyBenchmark and IPVSBenchmark, so both program the same services.
public struct Workload: Sendable {
    public let services: Int
    public let endpointsPerService: Int
    public let events: [ServiceSourceEvent]
    public let model: (services: [ServicePortName: ServicePortInfo], endpoints: [ServicePortName: [EndpointInfo]])

    public init(services: Int, endpointsPerService: Int) {
        self.services = services
        self.endpointsPerService = endpointsPerService
        var events: [ServiceSourceEvent] = []
        var portInfos: [ServicePortName: ServicePortInfo] = [:]
        var endpointInfos: [ServicePortName: [EndpointInfo]] = [:]
        for index in 0..<services {
            let service = Self.service(index)
            events.append(.serviceUpdated(service))
            let slice = Self.slice(index, endpoints: Self.endpointIPs(index, count: endpointsPerService))
            events.append(.endpointSliceUpdated(slice))
            portInfos.merge(ServiceProxyModel.servicePorts(of: service).value) { $1 }
            endpointInfos.merge(ServiceProxyModel.endpoints(of: [slice], nodeName: "bench").value) { $1 }
        }
        events += [.servicesSynced, .endpointSlicesSynced]
        self.events = events
        self.model = (portInfos, endpointInfos)
    }

    /// Service `index`'s slice with its first endpoint replaced: a one-endpoint change.
    public func slice(_ index: Int, replacingFirstEndpointWith ip: String) -> EndpointSlice {
        var ips = Self.endpointIPs(index, count: self.endpointsPerService)
        ips[0] = ip
        return Self.slice(index, endpoints: ips)
    }

    public static func service(_ index: Int) -> Service {
        Service(
            apiVersion: "v1", kind: "Service",
            metadata: ObjectMeta(name: "svc-\(index)", namespace: "bench"),
            spec: ServiceSpec(
                ports: [ServicePort(name: "http", protocol: .tcp, port: 80, targetPort: .int(8080))],
                clusterIP: "10.96.\(index / 250).\(index % 250 + 1)", type: .clusterIP))
    }

    public static func endpointIPs(_ index: Int, count: Int) -> [String] {
        (0..<count).map { offset in
            let n = index * count + offset
            return "10.\(128 + n / 65536).\(n / 256 % 256).\(n % 256)"
        }
    }

    public static func slice(_ index: Int, endpoints: [String]) -> EndpointSlice {
        EndpointSlice(
            apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
            metadata: ObjectMeta(
                name: "svc-\(index)-abcde", namespace: "bench",
                labels: [EndpointSlice.serviceNameLabel: "svc-\(index)"]),
            addressType: .ipv4,
            endpoints: endpoints.map { EndpointSlice.Endpoint(addresses: [$0], conditions: .init(ready: true)) },
            ports: [EndpointSlice.Port(name: "http", protocol: .tcp, port: 8080)])
    }
}

/// A benchmark that cannot go on.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A duration in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
