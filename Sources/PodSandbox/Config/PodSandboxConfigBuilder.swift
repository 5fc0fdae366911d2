public import CRIClient
public import KubeAPI

/// Turns a Pod into the `PodSandboxConfig` for RunPodSandbox, as upstream's `generatePodSandboxConfig`
/// (k/k `pkg/kubelet/kuberuntime/kuberuntime_sandbox.go`, `kuberuntime_sandbox_linux.go`). Pure: the host
/// resolv.conf is read by the caller (``ResolvConf/load(path:)``) and passed in.
///
/// ```swift
/// let builder = PodSandboxConfigBuilder(context: PodConfigContext(nodeName: "node-1", clusterDNS: ["10.96.0.10"],
///                                                                clusterDomain: "cluster.local"))
/// let resolvConf = try ResolvConf.load(path: builder.context.resolvConfPath)
/// let config = try builder.build(pod: pod, attempt: 0, hostResolvConf: resolvConf)
/// let sandboxID = try await runtime.runPodSandbox(config, runtimeHandler: builder.context.runtimeHandler)
/// ```
public struct PodSandboxConfigBuilder: Sendable {
    /// Longest hostname the kernel accepts.
    public static let maxHostnameLength = 63

    /// Node facts and agent settings.
    public var context: PodConfigContext

    /// - Parameter context: node facts and agent settings.
    public init(context: PodConfigContext) {
        self.context = context
    }

    /// Builds the sandbox configuration of `pod`.
    ///
    /// - Parameters:
    ///   - pod: the desired pod.
    ///   - attempt: how many sandboxes of this pod were created before.
    ///   - hostResolvConf: the node's resolv.conf, or `nil` when `--resolv-conf` is empty.
    /// - Returns: the configuration for RunPodSandbox (and again for every CreateContainer).
    /// - Throws: ``PodSandboxConfigError`` naming the pod field at fault (hostname, subdomain, DNS policy).
    public func build(pod: Pod, attempt: UInt32, hostResolvConf: ResolvConf?) throws(PodSandboxConfigError)
        -> PodSandboxConfig
    {
        let meta = pod.metadata
        var config = PodSandboxConfig(
            metadata: PodSandboxMetadata(name: meta.name, uid: meta.uid, namespace: meta.namespace, attempt: attempt),
            logDirectory: self.context.podLogDirectory(namespace: meta.namespace, name: meta.name, uid: meta.uid),
            labels: Self.sandboxLabels(pod),
            annotations: meta.annotations
        )
        if pod.spec.hostNetwork != true {
            config.hostname = try Self.hostname(pod)
        }
        config.dnsConfig = try PodDNS.config(
            pod: Self.dnsInput(pod),
            clusterDNS: self.context.clusterDNS,
            clusterDomain: self.context.clusterDomain,
            host: hostResolvConf,
            nodeIPs: self.context.nodeIPs
        )
        config.portMappings = Self.portMappings(pod)
        config.linux = self.linuxConfig(pod)
        return config
    }

    /// The pod's labels plus `io.kubernetes.pod.name`, `.namespace` and `.uid` (upstream's `newPodLabels`).
    ///
    /// - Parameter pod: the pod.
    /// - Returns: the sandbox labels.
    public static func sandboxLabels(_ pod: Pod) -> [String: String] {
        var labels = pod.metadata.labels
        labels[RuntimeLabels.podName] = pod.metadata.name
        labels[RuntimeLabels.podNamespace] = pod.metadata.namespace
        labels[RuntimeLabels.podUID] = pod.metadata.uid
        return labels
    }

    /// The sandbox hostname: `spec.hostname` or the pod name, cut to 63 characters without a trailing `-` or
    /// `.` (upstream's `GeneratePodHostNameAndDomain` and `truncatePodHostnameIfNeeded`).
    ///
    /// - Parameter pod: the pod.
    /// - Returns: the hostname.
    /// - Throws: ``PodSandboxConfigError`` when `spec.hostname` or `spec.subdomain` is not a DNS-1123 label.
    public static func hostname(_ pod: Pod) throws(PodSandboxConfigError) -> String {
        var hostname = pod.metadata.name
        if let requested = pod.spec.hostname, !requested.isEmpty {
            guard DNSName.isLabel(requested) else {
                throw PodSandboxConfigError(
                    "spec.hostname: \"\(requested)\" is not a valid DNS label (lower-case letters, digits and '-', "
                        + "starting and ending with a letter or digit, at most 63 characters)")
            }
            hostname = requested
        }
        if let subdomain = pod.spec.subdomain, !subdomain.isEmpty, !DNSName.isLabel(subdomain) {
            throw PodSandboxConfigError("spec.subdomain: \"\(subdomain)\" is not a valid DNS label")
        }
        guard hostname.utf8.count > Self.maxHostnameLength else { return hostname }
        var truncated = String(decoding: hostname.utf8.prefix(Self.maxHostnameLength), as: UTF8.self)
        while let last = truncated.last, last == "-" || last == "." { truncated.removeLast() }
        guard !truncated.isEmpty else {
            throw PodSandboxConfigError("hostname for pod \"\(pod.metadata.name)\" is invalid: \"\(hostname)\"")
        }
        return truncated
    }

    /// The DNS-relevant fields of the pod.
    static func dnsInput(_ pod: Pod) -> PodDNS.PodInput {
        let dnsConfig = pod.spec.dnsConfig
        return PodDNS.PodInput(
            policy: pod.spec.dnsPolicy?.rawValue ?? "ClusterFirst",
            hostNetwork: pod.spec.hostNetwork ?? false,
            namespace: pod.metadata.namespace,
            nameservers: dnsConfig?.nameservers ?? [],
            searches: dnsConfig?.searches ?? [],
            options: (dnsConfig?.options ?? []).map { PodDNS.DNSOption(name: $0.name, value: $0.value) }
        )
    }

    /// Every declared port of the app containers (upstream's `MakePortMappings`: a port whose name, or
    /// generated name `<family>-<protocol>-<hostIP>:<containerPort>:<hostPort>`, repeats within a container is
    /// skipped). The runtime's CNI portmap plugin acts on those with a host port.
    ///
    /// - Parameter pod: the pod.
    /// - Returns: the port mappings in declaration order.
    public static func portMappings(_ pod: Pod) -> [PortMapping] {
        var result: [PortMapping] = []
        for container in pod.spec.containers {
            var names: Set<String> = []
            for port in container.ports {
                let protocolName = port.protocol?.rawValue ?? "TCP"
                let hostIP = port.hostIP ?? ""
                let hostPort = port.hostPort ?? 0
                let family = hostIP.isEmpty ? "any" : (hostIP.contains(":") ? "v6" : "v4")
                let name = port.name.flatMap { $0.isEmpty ? nil : $0 }
                    ?? "\(family)-\(protocolName)-\(hostIP):\(port.containerPort):\(hostPort)"
                guard names.insert(name).inserted else { continue }
                result.append(
                    PortMapping(
                        protocol: PortProtocol(rawValue: protocolName) ?? .tcp,
                        containerPort: port.containerPort,
                        hostPort: hostPort,
                        hostIP: hostIP
                    ))
            }
        }
        return result
    }

    /// The namespaces of the pod's sandbox and containers (upstream's `NamespacesForPod`): network and IPC
    /// are the pod's unless hostNetwork/hostIPC; PID is per container unless hostPID (node) or
    /// shareProcessNamespace (pod).
    ///
    /// - Parameter pod: the pod.
    /// - Returns: the namespace options.
    public static func namespaceOptions(_ pod: Pod) -> NamespaceOptions {
        let pid: NamespaceMode
        if pod.spec.hostPID == true {
            pid = .node
        } else if pod.spec.shareProcessNamespace == true {
            pid = .pod
        } else {
            pid = .container
        }
        return NamespaceOptions(
            network: pod.spec.hostNetwork == true ? .node : .pod,
            pid: pid,
            ipc: pod.spec.hostIPC == true ? .node : .pod
        )
    }

    /// Whether any container (init containers included) is privileged.
    public static func hasPrivilegedContainer(_ pod: Pod) -> Bool {
        (pod.spec.initContainers + pod.spec.containers).contains { $0.securityContext?.privileged == true }
    }

    /// The Linux part: cgroup parent, sysctls and the sandbox security context. The sandbox always runs with
    /// the RuntimeDefault seccomp profile (upstream issue #84623), whatever the containers use.
    func linuxConfig(_ pod: Pod) -> LinuxPodSandboxConfig {
        let podSecurity = pod.spec.securityContext
        var sysctls: [String: String] = [:]
        for sysctl in podSecurity?.sysctls ?? [] { sysctls[sysctl.name] = sysctl.value }
        var groups: [Int64] = []
        if let fsGroup = podSecurity?.fsGroup { groups.append(fsGroup) }
        groups += podSecurity?.supplementalGroups ?? []
        let security = LinuxSandboxSecurityContext(
            namespaceOptions: Self.namespaceOptions(pod),
            runAsUser: podSecurity?.runAsUser,
            runAsGroup: podSecurity?.runAsGroup,
            supplementalGroups: groups,
            privileged: Self.hasPrivilegedContainer(pod),
            seccomp: .runtimeDefault
        )
        return LinuxPodSandboxConfig(
            cgroupParent: self.context.cgroupParent,
            securityContext: security,
            sysctls: sysctls,
            resources: Self.sandboxResources(pod)
        )
    }

    /// The pod's total resources for the sandbox (upstream's `calculateSandboxResources`, overhead excluded):
    /// per resource the larger of the app containers' sum and the largest init container (requests defaulted
    /// from limits), then shares, quota and memory limit computed as for a container.
    ///
    /// - Parameter pod: the pod.
    /// - Returns: the sandbox's Linux resources.
    public static func sandboxResources(_ pod: Pod) -> LinuxContainerResources {
        func total(_ pick: (ContainerResources) -> [String: Quantity], milli: Bool) -> [String: Int64] {
            var sum: [String: Int64] = [:]
            for container in pod.spec.containers {
                for (name, amount) in pick(ContainerResources(container.resources)) {
                    sum[name, default: 0] += milli ? amount.milliValue : amount.value
                }
            }
            for container in pod.spec.initContainers {
                for (name, amount) in pick(ContainerResources(container.resources)) {
                    sum[name] = max(sum[name] ?? 0, milli ? amount.milliValue : amount.value)
                }
            }
            return sum
        }
        let requestedCPU = total({ $0.requests }, milli: true)["cpu"]
        let cpuLimit = total({ $0.limits }, milli: true)["cpu"] ?? 0
        let memoryLimit = total({ $0.limits }, milli: false)["memory"] ?? 0
        return LinuxContainerResources(
            cpuPeriod: CPUMath.quotaPeriod,
            cpuQuota: CPUMath.quota(milliCPU: cpuLimit),
            cpuShares: CPUMath.shares(milliCPU: requestedCPU ?? cpuLimit),
            memoryLimitInBytes: max(memoryLimit, 0)
        )
    }
}

/// DNS name checks of the Kubernetes API (`IsDNS1123Label`).
enum DNSName {
    /// Lower-case letters, digits and `-`, starting and ending with a letter or digit, 1 to 63 characters.
    static func isLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard alphanumeric(bytes.first!), alphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
