public import CRIClient

/// The pod's DNS settings, decided as upstream does (k/k `pkg/kubelet/network/dns/dns.go`, `GetPodDNS`).
///
/// - `ClusterFirst` (the default): the cluster DNS servers only, searches `<ns>.svc.<domain>`,
///   `svc.<domain>`, `<domain>` followed by the host's, options `ndots:5`. On a hostNetwork pod it behaves as
///   `Default` unless the policy is `ClusterFirstWithHostNet`; with no cluster DNS configured it falls back
///   to `Default` (upstream records a `MissingClusterDNS` event).
/// - `Default`: the node's resolv.conf; when the agent was given no resolv.conf (empty path) a name server
///   on localhost and search `.`.
/// - `None`: nothing but the pod's `dnsConfig`.
///
/// The pod's `dnsConfig` is appended in every case (duplicates dropped, options merged by name), then the
/// limits are applied: at most 3 name servers, at most 32 search domains of at most 253 characters and a
/// search line of at most 2048 characters.
public enum PodDNS {
    /// Upstream's `defaultDNSOptions`.
    public static let defaultOptions = ["ndots:5"]
    /// `MaxDNSNameservers`.
    public static let maxNameservers = 3
    /// `MaxDNSSearchPathsExpanded`.
    public static let maxSearchPaths = 32
    /// `MaxDNSSearchListCharsExpanded`.
    public static let maxSearchListChars = 2048
    /// A search domain longer than a DNS-1123 subdomain is dropped.
    public static let maxSearchPathLength = 253

    /// The inputs of the decision, taken from the pod spec.
    public struct PodInput: Hashable, Sendable {
        /// `spec.dnsPolicy`: `ClusterFirst`, `ClusterFirstWithHostNet`, `Default` or `None` (empty means
        /// `ClusterFirst`).
        public var policy: String
        /// `spec.hostNetwork`.
        public var hostNetwork: Bool
        /// The pod's namespace, for the `<ns>.svc.<domain>` search domain.
        public var namespace: String
        /// `spec.dnsConfig.nameservers`.
        public var nameservers: [String]
        /// `spec.dnsConfig.searches`.
        public var searches: [String]
        /// `spec.dnsConfig.options`: name and optional value.
        public var options: [DNSOption]

        /// - Parameters:
        ///   - policy: `spec.dnsPolicy`.
        ///   - hostNetwork: `spec.hostNetwork`.
        ///   - namespace: the pod's namespace.
        ///   - nameservers: `spec.dnsConfig.nameservers`.
        ///   - searches: `spec.dnsConfig.searches`.
        ///   - options: `spec.dnsConfig.options`.
        public init(
            policy: String = "ClusterFirst",
            hostNetwork: Bool = false,
            namespace: String = "default",
            nameservers: [String] = [],
            searches: [String] = [],
            options: [DNSOption] = []
        ) {
            self.policy = policy
            self.hostNetwork = hostNetwork
            self.namespace = namespace
            self.nameservers = nameservers
            self.searches = searches
            self.options = options
        }
    }

    /// One `dnsConfig.options` entry.
    public struct DNSOption: Hashable, Sendable {
        /// The option name, e.g. `ndots`.
        public var name: String
        /// Its value, if any.
        public var value: String?

        /// - Parameters:
        ///   - name: the option name, e.g. `ndots`.
        ///   - value: its value, if any.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// What the pod's resolver gets.
    public enum Kind: Hashable, Sendable {
        case cluster
        case host
        case none
    }

    /// The effective kind for a policy: `ClusterFirst` on the host network is `host`.
    ///
    /// - Parameters:
    ///   - policy: `spec.dnsPolicy`.
    ///   - hostNetwork: `spec.hostNetwork`.
    /// - Returns: the kind of DNS configuration.
    /// - Throws: ``PodSandboxConfigError`` naming `spec.dnsPolicy` for an unknown policy.
    public static func kind(policy: String, hostNetwork: Bool) throws(PodSandboxConfigError) -> Kind {
        switch policy {
        case "None": return .none
        case "ClusterFirstWithHostNet": return .cluster
        case "ClusterFirst", "": return hostNetwork ? .host : .cluster
        case "Default": return .host
        default:
            throw PodSandboxConfigError("spec.dnsPolicy: unsupported value \"\(policy)\"")
        }
    }

    /// Decides the pod's DNS configuration.
    ///
    /// - Parameters:
    ///   - pod: the pod's DNS fields.
    ///   - clusterDNS: the cluster DNS server addresses (`--cluster-dns`).
    ///   - clusterDomain: the cluster domain (`--cluster-domain`), may be empty.
    ///   - host: the node's resolv.conf, or `nil` when the agent has none (`--resolv-conf=""`).
    ///   - nodeIPs: the node's IPs, for the localhost fallback when `host` is `nil`.
    /// - Returns: the configuration for the sandbox.
    /// - Throws: ``PodSandboxConfigError`` for an unknown policy.
    public static func config(
        pod: PodInput,
        clusterDNS: [String],
        clusterDomain: String,
        host: ResolvConf?,
        nodeIPs: [String] = []
    ) throws(PodSandboxConfigError) -> DNSConfig {
        var kind = try Self.kind(policy: pod.policy, hostNetwork: pod.hostNetwork)
        if kind == .cluster, clusterDNS.isEmpty { kind = .host }
        let hostConfig = host ?? ResolvConf()
        var result: DNSConfig
        switch kind {
        case .none:
            result = DNSConfig()
        case .cluster:
            result = DNSConfig(
                servers: clusterDNS,
                searches: Self.clusterSearches(
                    namespace: pod.namespace, clusterDomain: clusterDomain, host: hostConfig.searches),
                options: Self.defaultOptions
            )
        case .host:
            result = DNSConfig(servers: hostConfig.nameservers, searches: hostConfig.searches,
                               options: hostConfig.options)
            if host == nil {
                result.servers = nodeIPs.map { $0.contains(":") ? "::1" : "127.0.0.1" }
                if result.servers.isEmpty { result.servers = ["127.0.0.1"] }
                result.searches = ["."]
            }
        }
        result.servers = Self.omitDuplicates(result.servers + pod.nameservers)
        result.searches = Self.omitDuplicates(result.searches + pod.searches)
        result.options = Self.mergeOptions(result.options, pod.options)
        result.servers = Array(result.servers.prefix(Self.maxNameservers))
        result.searches = Self.fitSearches(result.searches)
        return result
    }

    /// `<ns>.svc.<domain> svc.<domain> <domain>` followed by the host's searches, without duplicates.
    static func clusterSearches(namespace: String, clusterDomain: String, host: [String]) -> [String] {
        guard !clusterDomain.isEmpty else { return host }
        let cluster = ["\(namespace).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain]
        return Self.omitDuplicates(cluster + host)
    }

    static func omitDuplicates(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    /// Merges options by name; the pod's entries override existing ones. Upstream iterates a Go map (random
    /// order); here existing options keep their place and new ones follow in the pod's order.
    static func mergeOptions(_ existing: [String], _ podOptions: [DNSOption]) -> [String] {
        var order: [String] = []
        var values: [String: String] = [:]
        func set(_ name: String, _ value: String) {
            if values[name] == nil { order.append(name) }
            values[name] = value
        }
        for option in existing {
            if let colon = option.firstIndex(of: ":") {
                set(String(option[..<colon]), String(option[option.index(after: colon)...]))
            } else {
                set(option, "")
            }
        }
        for option in podOptions { set(option.name, option.value ?? "") }
        return order.map { name in
            let value = values[name] ?? ""
            return value.isEmpty ? name : "\(name):\(value)"
        }
    }

    /// Applies upstream's search-line limits (`formDNSSearchFitsLimits`).
    static func fitSearches(_ searches: [String]) -> [String] {
        var result = Array(searches.prefix(Self.maxSearchPaths)).filter { $0.utf8.count <= Self.maxSearchPathLength }
        var lineLength = result.isEmpty ? 0 : result.reduce(0) { $0 + $1.utf8.count } + result.count - 1
        while lineLength > Self.maxSearchListChars, let last = result.popLast() {
            lineLength -= last.utf8.count + 1
        }
        return result
    }
}
