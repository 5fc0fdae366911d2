/// The labels of `kubernetes_build_info`, filled the way component-base fills them, with node-agent's values.
public struct BuildInfo: Sendable, Equatable {
    public var major: String
    public var minor: String
    public var gitVersion: String
    public var gitCommit: String
    public var gitTreeState: String
    public var buildDate: String
    /// Upstream's `goVersion`; here the language the agent is built with.
    public var goVersion: String
    public var compiler: String
    /// `os/arch`, e.g. `linux/amd64`.
    public var platform: String

    /// The label names, in upstream's order (snake_case, as the kubelet exposes them; older releases used camelCase).
    public static let labelNames = [
        "major", "minor", "git_version", "git_commit", "git_tree_state", "build_date", "go_version", "compiler",
        "platform",
    ]

    /// The label values, matching ``labelNames``.
    public var labelValues: [String] {
        [
            self.major, self.minor, self.gitVersion, self.gitCommit, self.gitTreeState, self.buildDate,
            self.goVersion, self.compiler, self.platform,
        ]
    }

    /// This build: the Kubernetes version the agent follows, and its platform.
    public static var current: BuildInfo {
        let parts = AgentVersion.kubernetesVersion.dropFirst().split(separator: ".")
        return BuildInfo(
            major: parts.count > 0 ? String(parts[0]) : "",
            minor: parts.count > 1 ? String(parts[1]) : "",
            gitVersion: AgentVersion.kubernetesVersion,
            gitCommit: "",
            gitTreeState: "",
            buildDate: "1970-01-01T00:00:00Z",
            goVersion: "swift",
            compiler: "swiftc",
            platform: Self.platform
        )
    }

    static var platform: String {
        #if os(Linux)
            let os = "linux"
        #elseif os(macOS)
            let os = "darwin"
        #else
            let os = "unknown"
        #endif
        #if arch(x86_64)
            let arch = "amd64"
        #elseif arch(arm64)
            let arch = "arm64"
        #else
            let arch = "unknown"
        #endif
        return "\(os)/\(arch)"
    }
}
