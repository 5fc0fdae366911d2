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
