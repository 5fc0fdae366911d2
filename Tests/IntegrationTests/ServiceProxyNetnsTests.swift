import AgentTestKit
import Foundation
import Testing

/// A Service (and optionally its EndpointSlice) as one manifest file.
func proxyServiceManifest(
    _ name: String, clusterIP: String, port: Int, protocol proto: String = "TCP", targetPort: Int,
    nodePort: Int? = nil, clientIPAffinity: Bool = false, endpoints: [String]?
) -> String {
    var text = """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: default}
        spec:
          type: \(nodePort == nil ? "ClusterIP" : "NodePort")
          clusterIP: \(clusterIP)
          sessionAffinity: \(clientIPAffinity ? "ClientIP" : "None")
          ports:
          - {port: \(port), protocol: \(proto), targetPort: \(targetPort)\(nodePort.map { ", nodePort: \($0)" } ?? "")}

        """
    if let endpoints {
        text += """
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: \(name)-1
              namespace: default
              labels: {kubernetes.io/service-name: \(name)}
            addressType: IPv4
            ports: [{port: \(targetPort), protocol: \(proto)}]
            endpoints: [\(endpoints.map { "{addresses: [\"\($0)\"], conditions: {ready: true}}" }.joined(separator: ", "))]

            """
    }
    return text
}

/// The service proxy with real traffic: the real `node-agent` binary (proxy only, `--service-manifest-path`) runs in
/// a node namespace the test creates; a client namespace talks to backends in their own namespaces through it.
@Suite(
    "Service proxy in network namespaces",
    .serialized,
    .enabled(if: RealNode.enabled, "set NODEAGENT_ROOT_TESTS=1 (as root, with iptables, conntrack and socat)")
)
struct ServiceProxyNetnsTests {
    /// Builds the network, starts the agent, runs `body`, and always tears the network down.
    func withNetwork(
        backends: Int = 3, kubeletHalf: [String]? = nil, _ body: (ServiceProxyNetwork) async throws -> Void
    ) async throws {
        let network = try ServiceProxyNetwork(backends: backends)
        defer { network.tearDown() }
        do {
            try network.startAgent(kubeletHalf: kubeletHalf)
            try await body(network)
        } catch {
            Issue.record("agent log:\n\(network.agentLog.suffix(4000))")
            throw error
        }
    }

    /// Polls until a batch of `count` requests answers only from `expected` (and from each of them).
    func waitForBackends(
        _ network: ServiceProxyNetwork, _ address: String, port: Int, expected: Set<String>, count: Int = 24
    ) async throws -> [String] {
        try await poll("answers from exactly \(expected.sorted()) on \(address):\(port)", timeout: .seconds(20), interval: .milliseconds(200)) {
            let answers = network.tcpAnswers(address, port: port, count: count)
            return Set(answers) == expected ? answers : nil
        }
    }

    @Test("ClusterIP reaches every backend; a removed endpoint gets no more traffic; NodePort works")
    func clusterIPAndNodePort() async throws {
        try await self.withNetwork { network in
            try network.write(
                "web.yaml",
                proxyServiceManifest(
                    "web", clusterIP: "10.96.0.10", port: 80, targetPort: 8080, nodePort: 30080,
                    endpoints: (1...3).map(network.backendIP)))
            _ = try await self.waitForBackends(network, "10.96.0.10", port: 80, expected: ["b1", "b2", "b3"])
            _ = try await self.waitForBackends(network, network.nodeIP, port: 30080, expected: ["b1", "b2", "b3"])

            try network.write(
                "web.yaml",
                proxyServiceManifest(
                    "web", clusterIP: "10.96.0.10", port: 80, targetPort: 8080, nodePort: 30080,
                    endpoints: [network.backendIP(1), network.backendIP(3)]))
            _ = try await self.waitForBackends(network, "10.96.0.10", port: 80, expected: ["b1", "b3"])
            // Stable: b2 is still serving, but no request reaches it any more.
            let again = network.tcpAnswers("10.96.0.10", port: 80, count: 30)
            #expect(!again.contains("b2"))
            #expect(Set(again) == ["b1", "b3"])
            let viaNodePort = network.tcpAnswers(network.nodeIP, port: 30080, count: 20)
            #expect(Set(viaNodePort).isSubset(of: ["b1", "b3"]))
        }
    }

    @Test("sessionAffinity ClientIP pins the client to one backend")
    func sessionAffinity() async throws {
        try await self.withNetwork { network in
            try network.write(
                "sticky.yaml",
                proxyServiceManifest(
                    "sticky", clusterIP: "10.96.0.20", port: 80, targetPort: 8080, clientIPAffinity: true,
                    endpoints: (1...3).map(network.backendIP)))
            let first = try await poll("the sticky service answering", timeout: .seconds(20), interval: .milliseconds(200)) {
                try? network.tcp("10.96.0.20", port: 80).get()
            }
            let answers = network.tcpAnswers("10.96.0.20", port: 80, count: 20)
            #expect(Set(answers) == [first], "answers: \(answers)")
        }
    }

    @Test("a service without endpoints is rejected at once: connection refused, not a timeout")
    func noEndpointsRejected() async throws {
        try await self.withNetwork(backends: 1) { network in
            try network.write(
                "empty.yaml",
                proxyServiceManifest("empty", clusterIP: "10.96.0.30", port: 80, targetPort: 8080, endpoints: []))
            // A marker service tells when the rules are in place.
            try network.write(
                "marker.yaml",
                proxyServiceManifest(
                    "marker", clusterIP: "10.96.0.31", port: 80, targetPort: 8080, endpoints: [network.backendIP(1)]))
            _ = try await self.waitForBackends(network, "10.96.0.31", port: 80, expected: ["b1"], count: 1)
            switch network.tcp("10.96.0.30", port: 80, connectTimeout: 10) {
            case .success(let answer):
                Issue.record("a service without endpoints answered: \(answer)")
            case .failure(let error):
                #expect(error.stderr.contains("Connection refused"), "client error: \(error)")
            }
        }
    }

    @Test("partial syncs edit KUBE-SERVICES rule by rule: a service losing, regaining, gaining and losing rules")
    func partialSyncsEditTopLevelChains() async throws {
        try await self.withNetwork(backends: 2) { network in
            let comments = { (table: String) -> [String] in
                let save = ServiceProxyNetwork.run(["ip", "netns", "exec", network.node, "iptables-save", "-t", table])
                return save.stdout.split(separator: "\n").filter { $0.hasPrefix("-A KUBE-SERVICES ") }.map { line in
                    guard let range = line.range(of: "--comment \"") else { return String(line) }
                    return String(line[range.upperBound...].prefix { $0 != "\"" })
                }
            }
            func service(_ name: String, _ ip: String, _ endpoints: [String]) throws {
                try network.write(
                    "\(name).yaml",
                    proxyServiceManifest(name, clusterIP: ip, port: 80, targetPort: 8080, endpoints: endpoints))
            }
            try service("a", "10.96.0.40", [network.backendIP(1), network.backendIP(2)])
            try service("marker", "10.96.0.42", [network.backendIP(1)])
            _ = try await self.waitForBackends(network, "10.96.0.40", port: 80, expected: ["b1", "b2"])
            _ = try await self.waitForBackends(network, "10.96.0.42", port: 80, expected: ["b1"], count: 1)

            // No endpoints: the nat jump leaves (-D), a filter REJECT comes (-I).
            try service("a", "10.96.0.40", [])
            _ = try await poll("10.96.0.40 refused", timeout: .seconds(20), interval: .milliseconds(200)) {
                if case .failure(let error) = network.tcp("10.96.0.40", port: 80),
                    error.stderr.contains("Connection refused")
                {
                    return true
                }
                return nil
            }
            #expect(comments("filter") == ["default/a has no endpoints"])
            // Back with one endpoint, and a new service sorted in between.
            try service("a", "10.96.0.40", [network.backendIP(2)])
            try service("b", "10.96.0.41", [network.backendIP(1)])
            _ = try await self.waitForBackends(network, "10.96.0.40", port: 80, expected: ["b2"], count: 4)
            _ = try await self.waitForBackends(network, "10.96.0.41", port: 80, expected: ["b1"], count: 4)
            try FileManager.default.removeItem(atPath: network.manifestDirectory + "/marker.yaml")
            let nodePorts = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"
            let expected = ["default/a cluster IP", "default/b cluster IP", nodePorts]
            _ = try await poll("marker's rules gone", timeout: .seconds(20), interval: .milliseconds(200)) {
                comments("nat") == expected ? true : nil
            }
            #expect(comments("filter").isEmpty)
            let metrics = network.proxyMetrics()
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_iptables_restore_failures_total 0"), "\(metrics)")
            #expect(!network.agentLog.contains("sync failed"), "\(network.agentLog.suffix(2000))")
        }
    }

    @Test("UDP works, and a removed UDP endpoint's conntrack entry is deleted so the client moves on")
    func udpConntrack() async throws {
        try await self.withNetwork(backends: 2) { network in
            try network.write(
                "dns.yaml",
                proxyServiceManifest(
                    "dns", clusterIP: "10.96.0.53", port: 53, protocol: "UDP", targetPort: 5353,
                    endpoints: [network.backendIP(1), network.backendIP(2)]))
            try await network.waitForFirstSync()
            // Always from the same source port: one conntrack entry, which sticks to its backend.
            let first = try await poll("a UDP answer", timeout: .seconds(20), interval: .milliseconds(200)) {
                try? network.udp("10.96.0.53", port: 53, sourcePort: 40053).get()
            }
            #expect(["b1", "b2"].contains(first))
            let pinned = first == "b1" ? 1 : 2
            let other = 3 - pinned
            #expect(try network.udp("10.96.0.53", port: 53, sourcePort: 40053).get() == first)
            #expect(network.conntrackUDP(natTo: network.backendIP(pinned)).contains("dport=53"))

            try network.write(
                "dns.yaml",
                proxyServiceManifest(
                    "dns", clusterIP: "10.96.0.53", port: 53, protocol: "UDP", targetPort: 5353,
                    endpoints: [network.backendIP(other)]))
            // The pinned backend still runs: only the deleted entry lets the same flow reach the other one.
            _ = try await poll("the flow's conntrack entry to b\(pinned) gone", timeout: .seconds(20), interval: .milliseconds(200)) {
                network.conntrackUDP(natTo: network.backendIP(pinned)).contains("dport=53") ? nil : true
            }
            #expect(try network.udp("10.96.0.53", port: 53, sourcePort: 40053).get() == "b\(other)")
        }
    }

    @Test("without a container runtime the daemon serves Services, reports the runtime not ready and keeps running")
    func noRuntime() async throws {
        let pods = FileManager.default.temporaryDirectory.appendingPathComponent("no-runtime-pods-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: pods, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: pods) }
        let kubelet = [
            "--pod-manifest-path", pods, "--container-runtime-endpoint", "unix:///run/node-agent-missing/containerd.sock",
            "--healthz-port", "0",
        ]
        try await self.withNetwork(backends: 1, kubeletHalf: kubelet) { network in
            try network.write(
                "web.yaml",
                proxyServiceManifest("web", clusterIP: "10.96.0.40", port: 80, targetPort: 8080, endpoints: [network.backendIP(1)]))
            _ = try await self.waitForBackends(network, "10.96.0.40", port: 80, expected: ["b1"], count: 2)
            _ = try await poll("the runtime reported not ready", timeout: .seconds(10), interval: .milliseconds(100)) {
                network.agentLog.contains("container runtime not ready") ? true : nil
            }
            #expect(network.agent?.isRunning == true)
            let health = network.proxyHealth("/healthz")
            #expect(health.hasPrefix("HTTP/1.0 200") || health.hasPrefix("HTTP/1.1 200"), "healthz: \(health)")
            #expect(health.contains("\"nodeEligible\": true"))
            let metrics = network.proxyMetrics()
            for name in [
                "kubeproxy_sync_proxy_rules_duration_seconds_count", "kubeproxy_network_programming_duration_seconds_count",
                "kubeproxy_sync_proxy_rules_iptables_restore_failures_total 0", "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
            ] {
                #expect(metrics.contains(name), "missing \(name)")
            }
        }
    }
}
