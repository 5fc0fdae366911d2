public import KubeAPI

/// The pod's `/etc/hosts`, as upstream's kubelet writes it (k/k `pkg/kubelet/kubelet_pods.go`,
/// `managedHostsFileContent` / `nodeHostsFileContent`): localhost entries, one line per pod IP with the pod's
/// hostname, then `hostAliases`. A hostNetwork pod gets the node's own hosts file plus its aliases.
public enum EtcHosts {
    /// Where a container sees the file.
    public static let containerPath = "/etc/hosts"
    /// The first line of a hosts file the agent manages.
    public static let managedHeader = "# Kubernetes-managed hosts file.\n"

    /// The host file of a pod: `<podDirectory>/etc-hosts`.
    ///
    /// - Parameter podDirectory: the pod's directory (``VolumePlan/podDirectory``).
    /// - Returns: the absolute path.
    public static func hostFile(podDirectory: String) -> String {
        HostPath.join(podDirectory, "etc-hosts")
    }

    /// The file's contents.
    ///
    /// - Parameters:
    ///   - pod: the pod (hostname, subdomain, hostNetwork, hostAliases).
    ///   - podIPs: the pod's IPs.
    ///   - clusterDomain: the cluster domain, for `<hostname>.<subdomain>.<ns>.svc.<domain>`.
    ///   - nodeHosts: the node's `/etc/hosts` text, used for hostNetwork pods.
    /// - Returns: the text to write.
    public static func render(pod: Pod, podIPs: [String], clusterDomain: String, nodeHosts: String = "") -> String {
        let aliases = Self.aliasLines(pod.spec.hostAliases)
        if pod.spec.hostNetwork == true {
            return nodeHosts + aliases
        }
        var text = Self.managedHeader
        text += "127.0.0.1\tlocalhost\n"
        text += "::1\tlocalhost ip6-localhost ip6-loopback\n"
        text += "fe00::0\tip6-localnet\n"
        text += "fe00::0\tip6-mcastprefix\n"
        text += "fe00::1\tip6-allnodes\n"
        text += "fe00::2\tip6-allrouters\n"
        let hostname = (try? PodSandboxConfigBuilder.hostname(pod)) ?? pod.metadata.name
        var domain = ""
        if let subdomain = pod.spec.subdomain, !subdomain.isEmpty {
            domain = "\(subdomain).\(pod.metadata.namespace).svc.\(clusterDomain)"
        }
        for ip in podIPs {
            text += domain.isEmpty ? "\(ip)\t\(hostname)\n" : "\(ip)\t\(hostname).\(domain)\t\(hostname)\n"
        }
        return text + aliases
    }

    static func aliasLines(_ aliases: [HostAlias]) -> String {
        guard !aliases.isEmpty else { return "" }
        var text = "\n# Entries added by HostAliases.\n"
        for alias in aliases {
            text += "\(alias.ip)\t\(alias.hostnames.joined(separator: "\t"))\n"
        }
        return text
    }
}
