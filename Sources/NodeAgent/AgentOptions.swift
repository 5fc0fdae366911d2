import AgentCore
import ArgumentParser
import Foundation
import KubeAPI

/// The agent's flags, with the kubelet's names. A flag given on the command line wins over the same setting in
/// the `--config` file, as upstream's flag precedence has it.
struct AgentOptions: ParsableArguments {
    @Option(help: "A KubeletConfiguration file (kubelet.config.k8s.io/v1beta1); flags override its fields.")
    var config: String?

    @Option(help: "The directory of static pod manifests (KubeletConfiguration staticPodPath).")
    var podManifestPath: String?

    @Option(help: "A URL serving a Pod or a PodList of static pods (staticPodURL).")
    var manifestURL: String?

    @Option(help: "How often the manifest directory is re-read in full, e.g. 20s (fileCheckFrequency).")
    var fileCheckFrequency: String?

    @Option(help: "How often the manifest URL is polled, e.g. 20s (httpCheckFrequency).")
    var httpCheckFrequency: String?

    @Option(help: "The container runtime's CRI endpoint (containerRuntimeEndpoint).")
    var containerRuntimeEndpoint: String?

    @Option(help: "Deadline of the runtime's calls, e.g. 2m (runtimeRequestTimeout).")
    var runtimeRequestTimeout: String?

    @Option(help: "The node's name instead of the hostname.")
    var hostnameOverride: String?

    @Option(help: "The node's IP address(es), comma-separated; detected when unset.")
    var nodeIP: String?

    @Option(help: "Comma-separated DNS server IPs for ClusterFirst pods (clusterDNS).")
    var clusterDNS: String?

    @Option(help: "The cluster's DNS domain, e.g. cluster.local (clusterDomain).")
    var clusterDomain: String?

    @Option(help: "The resolv.conf used for pods with dnsPolicy Default (resolvConf).")
    var resolvConf: String?

    @Option(help: "Port of the /healthz, /metrics and /pods endpoint; 0 disables it (healthzPort).")
    var healthzPort: Int?

    @Option(help: "Address of the /healthz endpoint (healthzBindAddress).")
    var healthzBindAddress: String?

    @Option(help: "How often every pod is synced when nothing changed, e.g. 1m (syncFrequency).")
    var syncFrequency: String?

    @Option(help: "Where container logs live, /var/log/pods by default (podLogsDir).")
    var podLogsDir: String?

    @Option(help: "The agent's state directory (pod volumes live under <root-dir>/pods).")
    var rootDir: String = "/var/lib/node-agent"

    @Option(help: "The cluster's kubeconfig: registers the node and runs the pods bound to it (cluster mode).")
    var kubeconfig: String?

    @Option(help: "Labels to add when registering the node, key=value,... (nodeLabels).")
    var nodeLabels: String?

    @Option(name: .customLong("kube-api-qps"), help: "QPS to the API server (kubeAPIQPS, default 50).")
    var kubeAPIQPS: Double?

    @Option(name: .customLong("kube-api-burst"), help: "Burst to the API server (kubeAPIBurst, default 100).")
    var kubeAPIBurst: Int?

    /// The service proxy half's flags (see ProxyServices.swift).
    @OptionGroup var proxy: ProxyOptions

    /// The kubelet API's flags (see KubeletServerWiring.swift).
    @OptionGroup var kubeletServer: KubeletServerOptions

    /// The configuration file's settings with the flags applied over them.
    func resolve() throws -> KubeletConfiguration.Resolved {
        var resolved = KubeletConfiguration.Resolved()
        if let path = self.config {
            let file: KubeletConfiguration
            do {
                file = try KubeletConfiguration.load(contentsOf: path)
            } catch {
                throw CommandError("error: --config \(path): \(error)")
            }
            let problems = file.validate()
            if !problems.isEmpty {
                throw CommandError("error: --config \(path): " + problems.map { "\($0)" }.joined(separator: "; "))
            }
            resolved = file.resolved
        }
        if let value = self.podManifestPath { resolved.staticPodPath = value }
        if let value = self.manifestURL { resolved.staticPodURL = value }
        if let value = self.fileCheckFrequency { resolved.fileCheckFrequency = try Self.duration(value, flag: "file-check-frequency") }
        if let value = self.httpCheckFrequency { resolved.httpCheckFrequency = try Self.duration(value, flag: "http-check-frequency") }
        if let value = self.containerRuntimeEndpoint { resolved.containerRuntimeEndpoint = value }
        if let value = self.runtimeRequestTimeout {
            resolved.runtimeRequestTimeout = try Self.duration(value, flag: "runtime-request-timeout")
        }
        if let value = self.clusterDNS {
            resolved.clusterDNS = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
        if let value = self.clusterDomain { resolved.clusterDomain = value }
        if let value = self.resolvConf { resolved.resolvConf = value }
        if let value = self.healthzPort { resolved.healthzPort = value }
        if let value = self.healthzBindAddress { resolved.healthzBindAddress = value }
        if let value = self.syncFrequency { resolved.syncFrequency = try Self.duration(value, flag: "sync-frequency") }
        if let value = self.podLogsDir { resolved.podLogsDir = value }
        return resolved
    }

    private static func duration(_ text: String, flag: String) throws -> Duration {
        guard let duration = GoDuration.parse(text), duration > .zero else {
            throw ValidationError("invalid --\(flag) '\(text)': expected a positive duration like 20s or 1m")
        }
        return duration
    }
}
