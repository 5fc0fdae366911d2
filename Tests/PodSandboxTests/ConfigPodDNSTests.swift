import CRIClient
import PodSandbox
import Testing

@Suite("resolv.conf parsing")
struct ConfigResolvConfTests {
    @Test func parsesNameserversSearchesAndOptions() throws {
        let text = """
            # generated
            nameserver 10.0.0.2
            search old.example
            nameserver 10.0.0.3
            search corp.example. example.com
            options ndots:2 timeout:1
            domain ignored.example
            """
        let conf = try ResolvConf.parse(text)
        #expect(conf.nameservers == ["10.0.0.2", "10.0.0.3"])
        #expect(conf.searches == ["corp.example", "example.com"])
        #expect(conf.options == ["ndots:2", "timeout:1"])
    }

    @Test func emptyNameserverIsAnErrorNamingTheFileAndLine() {
        #expect {
            try ResolvConf.parse("search a\nnameserver\n", path: "/etc/resolv.conf")
        } throws: { error in
            "\(error)" == "/etc/resolv.conf: line 2: nameserver list is empty"
        }
    }

    @Test func missingFileIsAClearError() {
        #expect {
            try ResolvConf.load(path: "/nonexistent/resolv.conf")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/resolv.conf: open /nonexistent/resolv.conf: No such file")
        }
    }
}

@Suite("Pod DNS per policy")
struct ConfigPodDNSTests {
    static let host = ResolvConf(nameservers: ["192.168.1.1"], searches: ["lan"], options: ["edns0"])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var pod: PodDNS.PodInput
        var clusterDNS: [String] = ["10.96.0.10"]
        var host: ResolvConf? = ConfigPodDNSTests.host
        var expected: DNSConfig
        var testDescription: String { self.name }
    }

    static let cluster = DNSConfig(
        servers: ["10.96.0.10"],
        searches: ["ns1.svc.cluster.local", "svc.cluster.local", "cluster.local", "lan"],
        options: ["ndots:5"]
    )
    static let hostDNS = DNSConfig(servers: ["192.168.1.1"], searches: ["lan"], options: ["edns0"])

    static let cases: [Case] = [
        Case(name: "ClusterFirst", pod: .init(policy: "ClusterFirst", namespace: "ns1"), expected: cluster),
        Case(name: "empty policy is ClusterFirst", pod: .init(policy: "", namespace: "ns1"), expected: cluster),
        Case(name: "ClusterFirst on hostNetwork is Default",
             pod: .init(policy: "ClusterFirst", hostNetwork: true, namespace: "ns1"), expected: hostDNS),
        Case(name: "ClusterFirstWithHostNet", pod: .init(policy: "ClusterFirstWithHostNet", hostNetwork: true,
                                                          namespace: "ns1"), expected: cluster),
        Case(name: "ClusterFirst without cluster DNS falls back to Default",
             pod: .init(policy: "ClusterFirst", namespace: "ns1"), clusterDNS: [], expected: hostDNS),
        Case(name: "Default", pod: .init(policy: "Default", namespace: "ns1"), expected: hostDNS),
        Case(name: "Default without resolv.conf uses localhost",
             pod: .init(policy: "Default", namespace: "ns1"), host: nil,
             expected: DNSConfig(servers: ["127.0.0.1"], searches: ["."], options: [])),
        Case(name: "None takes only dnsConfig",
             pod: .init(policy: "None", namespace: "ns1", nameservers: ["1.1.1.1"], searches: ["a.example"],
                        options: [.init(name: "ndots", value: "2"), .init(name: "rotate")]),
             expected: DNSConfig(servers: ["1.1.1.1"], searches: ["a.example"], options: ["ndots:2", "rotate"])),
        Case(name: "dnsConfig merged into ClusterFirst",
             pod: .init(policy: "ClusterFirst", namespace: "ns1", nameservers: ["10.96.0.10", "8.8.8.8"],
                        searches: ["lan", "extra.example"], options: [.init(name: "ndots", value: "1")]),
             expected: DNSConfig(
                servers: ["10.96.0.10", "8.8.8.8"],
                searches: ["ns1.svc.cluster.local", "svc.cluster.local", "cluster.local", "lan", "extra.example"],
                options: ["ndots:1"])),
        Case(name: "at most 3 nameservers",
             pod: .init(policy: "Default", namespace: "ns1", nameservers: ["1.1.1.1", "2.2.2.2", "3.3.3.3"]),
             expected: DNSConfig(servers: ["192.168.1.1", "1.1.1.1", "2.2.2.2"], searches: ["lan"],
                                 options: ["edns0"])),
    ]

    @Test(arguments: cases)
    func policy(_ testCase: Case) throws {
        let config = try PodDNS.config(
            pod: testCase.pod, clusterDNS: testCase.clusterDNS, clusterDomain: "cluster.local", host: testCase.host)
        #expect(config == testCase.expected)
    }

    @Test func unknownPolicyNamesTheField() {
        #expect {
            try PodDNS.config(pod: .init(policy: "Cluster"), clusterDNS: [], clusterDomain: "", host: nil)
        } throws: { error in
            "\(error)".contains("spec.dnsPolicy") && "\(error)".contains("\"Cluster\"")
        }
    }

    @Test func searchLineLimitsDropLongAndTrailingDomains() throws {
        let long = String(repeating: "a", count: 254)
        let many = (0..<40).map { "d\($0).example" }
        let config = try PodDNS.config(
            pod: .init(policy: "None", searches: [long] + many), clusterDNS: [], clusterDomain: "", host: nil)
        #expect(config.searches.count == 31)  // cut to 32 first, then the long one dropped
        #expect(!config.searches.contains(long))
        #expect(config.searches.first == "d0.example")
    }
}
