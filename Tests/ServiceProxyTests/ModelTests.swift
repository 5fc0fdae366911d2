import Foundation
import KubeAPI
import ServiceProxy
import Testing

@Suite struct ModelTests {
    @Test func chainNamesMatchUpstream() {
        // Names from a real kube-proxy's restore input (kind cluster).
        let https = ServicePortName(namespace: "default", name: "kubernetes", port: "https", protocol: .tcp)
        #expect(IPTablesChainName.serviceCluster(https) == "KUBE-SVC-NPX46M4PTMTKRN6Y")
        let dns = ServicePortName(namespace: "kube-system", name: "kube-dns", port: "dns", protocol: .udp)
        #expect(IPTablesChainName.serviceCluster(dns) == "KUBE-SVC-TCOU7JCQXEZGVUNU")
        let dnsTCP = ServicePortName(namespace: "kube-system", name: "kube-dns", port: "dns-tcp", protocol: .tcp)
        #expect(IPTablesChainName.serviceCluster(dnsTCP) == "KUBE-SVC-ERIFXISQEP7F7OF4")
        let endpoint = EndpointInfo(ip: IPv4Address("172.18.0.2")!, port: 6443)
        #expect(IPTablesChainName.endpoint(https, endpoint) == "KUBE-SEP-V2PECCYPB6X2GSCW")
        let dnsEndpoint = EndpointInfo(ip: IPv4Address("10.244.0.10")!, port: 53)
        #expect(IPTablesChainName.endpoint(dns, dnsEndpoint) == "KUBE-SEP-R7EMXN5TTQQVP4UW")
    }
}

@Suite struct ModelConversionTests {
    static let serviceYAML = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: LoadBalancer
          clusterIP: 10.96.0.20
          clusterIPs: [10.96.0.20, "fd00::20"]
          externalIPs: [192.168.99.1, "fd00::1", not-an-ip]
          sessionAffinity: ClientIP
          externalTrafficPolicy: Local
          internalTrafficPolicy: Local
          healthCheckNodePort: 31000
          loadBalancerSourceRanges: [" 203.0.113.0/24 ", "10.0.0.0/33"]
          ports:
          - {name: http, port: 80, targetPort: web, nodePort: 30080}
          - {name: dns, port: 53, protocol: UDP, targetPort: 5353}
          - {name: sctp, port: 99, protocol: SCTP}
        status:
          loadBalancer:
            ingress: [{ip: 1.2.3.4}, {ip: 5.6.7.8, ipMode: Proxy}, {hostname: lb.example.com}]
        """

    static let sliceYAML = """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-abc
          namespace: shop
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        ports:
        - {name: http, port: 8080}
        - {name: dns, port: 5353, protocol: UDP}
        endpoints:
        - addresses: [10.1.0.2]
          nodeName: node1
          conditions: {ready: true}
        - addresses: [10.1.0.1]
          nodeName: node2
        - addresses: [10.1.0.3]
          conditions: {ready: false, serving: true, terminating: true}
        - addresses: [10.1.0.4, 10.1.0.5]
          conditions: {ready: false}
        """

    @Test func serviceBecomesOneInfoPerPort() throws {
        let service = try ManifestDecoding.decode(Service.self, from: Data(Self.serviceYAML.utf8), source: "web.yaml")
        let converted = ServiceProxyModel.servicePorts(of: service)
        let http = try #require(
            converted.value[ServicePortName(namespace: "shop", name: "web", port: "http", protocol: .tcp)])
        #expect(http.clusterIP == TestNet.ip("10.96.0.20"))
        #expect(http.port == 80 && http.nodePort == 30080)
        #expect(http.externalIPs == [TestNet.ip("192.168.99.1")])
        #expect(http.loadBalancerVIPs == [TestNet.ip("1.2.3.4")])
        #expect(http.loadBalancerSourceRanges == [TestNet.cidr("203.0.113.0/24")])
        #expect(http.sessionAffinity == .clientIP(timeoutSeconds: 10800))
        #expect(http.externalPolicyLocal && http.internalPolicyLocal)
        #expect(http.healthCheckNodePort == 31000)
        #expect(
            converted.value[ServicePortName(namespace: "shop", name: "web", port: "dns", protocol: .udp)]?.port == 53)
        #expect(converted.value[ServicePortName(namespace: "shop", name: "web", port: "sctp", protocol: .sctp)] != nil)
        #expect(converted.value.count == 3)
        #expect(
            converted.warnings.map(\.description) == [
                "Service shop/web: spec.externalIPs[2]: not an IP address: \"not-an-ip\"",
                "Service shop/web: spec.loadBalancerSourceRanges[1]: not a CIDR: \"10.0.0.0/33\"",
            ])
    }

    @Test(arguments: ["None", ""]) func headlessServicesAreSkipped(clusterIP: String) {
        let service = Service(
            metadata: ObjectMeta(name: "h", namespace: "ns"),
            spec: ServiceSpec(ports: [ServicePort(port: 80)], clusterIP: clusterIP))
        #expect(ServiceProxyModel.servicePorts(of: service).value.isEmpty)
    }

    @Test func externalNameServicesAreSkipped() {
        let service = Service(
            metadata: ObjectMeta(name: "x", namespace: "ns"),
            spec: ServiceSpec(ports: [ServicePort(port: 80)], clusterIP: "10.96.0.9", type: .externalName))
        #expect(ServiceProxyModel.servicePorts(of: service).value.isEmpty)
    }

    @Test func affinityTimeoutComesFromTheConfig() {
        let service = Service(
            metadata: ObjectMeta(name: "a", namespace: "ns"),
            spec: ServiceSpec(
                ports: [ServicePort(port: 80)], clusterIP: "10.96.0.9", sessionAffinity: .clientIP,
                sessionAffinityConfig: SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 600))))
        let info = ServiceProxyModel.servicePorts(of: service).value.values.first
        #expect(info?.sessionAffinity == .clientIP(timeoutSeconds: 600))
        // Unnamed single port: the key prints as ns/a.
        #expect(ServiceProxyModel.servicePorts(of: service).value.keys.first?.description == "ns/a")
    }

    @Test func topologyAwareRoutingIsReadFromAnnotationsAndTrafficDistribution() throws {
        func aware(_ annotations: [String: String], _ distribution: String? = nil) -> Bool? {
            let service = Service(
                metadata: ObjectMeta(name: "t", namespace: "ns", annotations: annotations),
                spec: ServiceSpec(
                    ports: [ServicePort(port: 80)], clusterIP: "10.96.0.9", trafficDistribution: distribution))
            return ServiceProxyModel.servicePorts(of: service).value.values.first?.topologyAware
        }
        #expect(aware([:]) == false)
        #expect(aware(["service.kubernetes.io/topology-mode": "Auto"]) == true)
        #expect(aware(["service.kubernetes.io/topology-mode": "disabled"]) == false)
        #expect(
            aware([
                "service.kubernetes.io/topology-aware-hints": "Disabled", "service.kubernetes.io/topology-mode": "Auto",
            ]) == false)
        #expect(aware([:], "PreferClose") == true)
        let yaml = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: t-1, namespace: ns, labels: {kubernetes.io/service-name: t}}
            addressType: IPv4
            ports: [{port: 80}]
            endpoints:
            - addresses: [10.1.0.1]
              zone: a
              hints: {forZones: [{name: a}, {name: b}]}
            """
        let slice = try ManifestDecoding.decode(EndpointSlice.self, from: Data(yaml.utf8), source: "t.yaml")
        let endpoints = ServiceProxyModel.endpoints(of: [slice], nodeName: "n").value.values.first
        #expect(endpoints?.first?.zoneHints == ["a", "b"])
        #expect(endpoints?.first?.zone == "a")
    }

    @Test func externalPolicyLocalNeedsExternalAccess() {
        let service = Service(
            metadata: ObjectMeta(name: "c", namespace: "ns"),
            spec: ServiceSpec(ports: [ServicePort(port: 80)], clusterIP: "10.96.0.9", externalTrafficPolicy: .local))
        #expect(ServiceProxyModel.servicePorts(of: service).value.values.first?.externalPolicyLocal == false)
    }

    @Test func slicesBecomeSortedEndpointsPerPort() throws {
        let slice = try ManifestDecoding.decode(
            EndpointSlice.self, from: Data(Self.sliceYAML.utf8), source: "slice.yaml")
        #expect(slice.serviceName == "web")
        var duplicate = slice
        duplicate.metadata.name = "web-def"
        duplicate.endpoints = [EndpointSlice.Endpoint(addresses: ["10.1.0.1"], nodeName: "node2")]
        let converted = ServiceProxyModel.endpoints(of: [slice, duplicate], nodeName: "node1")
        let http = try #require(
            converted.value[ServicePortName(namespace: "shop", name: "web", port: "http", protocol: .tcp)])
        #expect(http.map(\.description) == ["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080", "10.1.0.4:8080"])
        #expect(http.map(\.isLocal) == [false, true, false, false])
        #expect(http.map(\.ready) == [true, true, false, false])
        #expect(http.map(\.serving) == [true, true, true, true])  // unset serving counts as serving, as upstream
        #expect(http.map(\.terminating) == [false, false, true, false])
        let dns = try #require(
            converted.value[ServicePortName(namespace: "shop", name: "web", port: "dns", protocol: .udp)])
        #expect(dns.map(\.port) == [5353, 5353, 5353, 5353])
        #expect(converted.warnings.isEmpty)
    }

    @Test func duplicateAddressesPreferTheNonTerminatingEndpoint() throws {
        func slice(_ name: String, terminating: Bool, node: String) -> EndpointSlice {
            EndpointSlice(
                metadata: ObjectMeta(name: name, namespace: "ns", labels: [EndpointSlice.serviceNameLabel: "s"]),
                endpoints: [
                    .init(
                        addresses: ["10.1.0.1"],
                        conditions: .init(
                            ready: !terminating, serving: true,
                            terminating: terminating), nodeName: node)
                ],
                ports: [.init(name: "http", port: 80)])
        }
        let key = ServicePortName(namespace: "ns", name: "s", port: "http", protocol: .tcp)
        // A new pod (slice b) reuses a terminating pod's IP (slice a): the running one wins.
        let reused = ServiceProxyModel.endpoints(
            of: [slice("a", terminating: true, node: "n1"), slice("b", terminating: false, node: "n2")], nodeName: "n1")
        #expect(reused.value[key]?.map(\.terminating) == [false])
        #expect(reused.value[key]?.map(\.isLocal) == [false])
        let stale = ServiceProxyModel.endpoints(
            of: [slice("a", terminating: false, node: "n1"), slice("b", terminating: true, node: "n2")], nodeName: "n1")
        #expect(stale.value[key]?.map(\.terminating) == [false])
        #expect(stale.value[key]?.map(\.isLocal) == [true])
        // Without a node name nothing is local.
        #expect(
            ServiceProxyModel.endpoints(of: [slice("a", terminating: false, node: "")], nodeName: "")
                .value[key]?.map(\.isLocal) == [false])
    }

    @Test func slicesWithoutServiceLabelOrOfOtherFamiliesAreSkipped() {
        let unlabeled = EndpointSlice(metadata: ObjectMeta(name: "x", namespace: "ns"), ports: [.init(port: 80)])
        let v6 = EndpointSlice(
            metadata: ObjectMeta(name: "y", namespace: "ns", labels: [EndpointSlice.serviceNameLabel: "s"]),
            addressType: .ipv6, endpoints: [.init(addresses: ["fd00::1"])], ports: [.init(port: 80)])
        let converted = ServiceProxyModel.endpoints(of: [unlabeled, v6], nodeName: "n")
        #expect(converted.value.isEmpty)
        #expect(
            converted.warnings.map(\.description) == [
                "EndpointSlice ns/x: metadata.labels: no kubernetes.io/service-name label"
            ])
    }

    @Test func namedTargetPortsResolveAgainstContainerPorts() {
        let containers = [
            Container(name: "a", ports: [ContainerPort(name: "metrics", containerPort: 9090)]),
            Container(
                name: "b",
                ports: [
                    ContainerPort(name: "web", containerPort: 8080),
                    ContainerPort(name: "dns", containerPort: 53, protocol: .udp),
                ]),
        ]
        #expect(ServiceProxyModel.targetPort(of: ServicePort(port: 80, targetPort: "web"), in: containers) == 8080)
        #expect(
            ServiceProxyModel.targetPort(of: ServicePort(protocol: .udp, port: 53, targetPort: "dns"), in: containers)
                == 53)
        #expect(ServiceProxyModel.targetPort(of: ServicePort(port: 53, targetPort: "dns"), in: containers) == nil)
        #expect(ServiceProxyModel.targetPort(of: ServicePort(port: 80, targetPort: 9000), in: containers) == 9000)
        #expect(ServiceProxyModel.targetPort(of: ServicePort(port: 80), in: containers) == 80)
    }

    @Test func serviceRoundTripsThroughJSON() throws {
        let service = try ManifestDecoding.decode(Service.self, from: Data(Self.serviceYAML.utf8), source: "web.yaml")
        let data = try JSONEncoder().encode(service)
        #expect(try JSONDecoder().decode(Service.self, from: data) == service)
    }

    @Test func addressesParseStrictly() {
        #expect(IPv4Address("10.0.0.1")?.value == 0x0A00_0001)
        for bad in ["10.0.0", "10.0.0.256", "1.2.3.4.5", "a.b.c.d", "", "1..2.3", "0001.2.3.4"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
        #expect(IPv4CIDR("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPv4CIDR("10.1.2.3")?.description == "10.1.2.3/32")
        #expect(IPv4CIDR("0.0.0.0/0")?.contains(TestNet.ip("8.8.8.8")) == true)
    }
}
