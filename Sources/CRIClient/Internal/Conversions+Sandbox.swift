extension PodSandboxMetadata {
    package init(_ proto: Runtime_V1_PodSandboxMetadata) {
        self.init(name: proto.name, uid: proto.uid, namespace: proto.namespace, attempt: proto.attempt)
    }

    package var proto: Runtime_V1_PodSandboxMetadata {
        var proto = Runtime_V1_PodSandboxMetadata()
        proto.name = self.name
        proto.uid = self.uid
        proto.namespace = self.namespace
        proto.attempt = self.attempt
        return proto
    }
}

extension PortMapping {
    package init(_ proto: Runtime_V1_PortMapping) {
        self.init(
            protocol: PortProtocol(proto.protocol),
            containerPort: proto.containerPort,
            hostPort: proto.hostPort,
            hostIP: proto.hostIp
        )
    }

    package var proto: Runtime_V1_PortMapping {
        var proto = Runtime_V1_PortMapping()
        proto.protocol = self.protocol.proto
        proto.containerPort = self.containerPort
        proto.hostPort = self.hostPort
        proto.hostIp = self.hostIP
        return proto
    }
}

extension LinuxSandboxSecurityContext {
    package init(_ proto: Runtime_V1_LinuxSandboxSecurityContext) {
        self.init(
            namespaceOptions: NamespaceOptions(proto.namespaceOptions),
            runAsUser: proto.hasRunAsUser ? proto.runAsUser.value : nil,
            runAsGroup: proto.hasRunAsGroup ? proto.runAsGroup.value : nil,
            readonlyRootfs: proto.readonlyRootfs,
            supplementalGroups: proto.supplementalGroups,
            privileged: proto.privileged,
            seccomp: proto.hasSeccomp ? SecurityProfile(proto.seccomp) : nil
        )
    }

    package var proto: Runtime_V1_LinuxSandboxSecurityContext {
        var proto = Runtime_V1_LinuxSandboxSecurityContext()
        proto.namespaceOptions = self.namespaceOptions.proto
        if let user = self.runAsUser { proto.runAsUser = Runtime_V1_Int64Value(user) }
        if let group = self.runAsGroup { proto.runAsGroup = Runtime_V1_Int64Value(group) }
        proto.readonlyRootfs = self.readonlyRootfs
        proto.supplementalGroups = self.supplementalGroups
        proto.privileged = self.privileged
        if let seccomp = self.seccomp { proto.seccomp = seccomp.proto }
        return proto
    }
}

extension LinuxPodSandboxConfig {
    package init(_ proto: Runtime_V1_LinuxPodSandboxConfig) {
        self.init(
            cgroupParent: proto.cgroupParent,
            securityContext: LinuxSandboxSecurityContext(proto.securityContext),
            sysctls: proto.sysctls,
            resources: proto.hasResources ? LinuxContainerResources(proto.resources) : nil
        )
    }

    package var proto: Runtime_V1_LinuxPodSandboxConfig {
        var proto = Runtime_V1_LinuxPodSandboxConfig()
        proto.cgroupParent = self.cgroupParent
        proto.securityContext = self.securityContext.proto
        proto.sysctls = self.sysctls
        if let resources = self.resources { proto.resources = resources.proto }
        return proto
    }
}

extension PodSandboxConfig {
    package init(_ proto: Runtime_V1_PodSandboxConfig) {
        self.init(
            metadata: PodSandboxMetadata(proto.metadata),
            hostname: proto.hostname,
            logDirectory: proto.logDirectory,
            dnsConfig: proto.hasDnsConfig
                ? DNSConfig(
                    servers: proto.dnsConfig.servers,
                    searches: proto.dnsConfig.searches,
                    options: proto.dnsConfig.options
                ) : nil,
            portMappings: proto.portMappings.map(PortMapping.init),
            labels: proto.labels,
            annotations: proto.annotations,
            linux: LinuxPodSandboxConfig(proto.linux)
        )
    }

    package var proto: Runtime_V1_PodSandboxConfig {
        var proto = Runtime_V1_PodSandboxConfig()
        proto.metadata = self.metadata.proto
        proto.hostname = self.hostname
        proto.logDirectory = self.logDirectory
        if let dns = self.dnsConfig {
            proto.dnsConfig.servers = dns.servers
            proto.dnsConfig.searches = dns.searches
            proto.dnsConfig.options = dns.options
        }
        proto.portMappings = self.portMappings.map(\.proto)
        proto.labels = self.labels
        proto.annotations = self.annotations
        proto.linux = self.linux.proto
        return proto
    }
}

extension PodSandboxState {
    package init(_ proto: Runtime_V1_PodSandboxState) {
        self = proto == .sandboxReady ? .ready : .notReady
    }

    package var proto: Runtime_V1_PodSandboxState {
        self == .ready ? .sandboxReady : .sandboxNotready
    }
}

extension PodSandboxSummary {
    package init(_ proto: Runtime_V1_PodSandbox) {
        self.init(
            id: proto.id,
            metadata: PodSandboxMetadata(proto.metadata),
            state: PodSandboxState(proto.state),
            createdAt: proto.createdAt,
            labels: proto.labels,
            annotations: proto.annotations,
            runtimeHandler: proto.runtimeHandler
        )
    }

    package var proto: Runtime_V1_PodSandbox {
        var proto = Runtime_V1_PodSandbox()
        proto.id = self.id
        proto.metadata = self.metadata.proto
        proto.state = self.state.proto
        proto.createdAt = self.createdAt
        proto.labels = self.labels
        proto.annotations = self.annotations
        proto.runtimeHandler = self.runtimeHandler
        return proto
    }
}

extension PodSandboxStatus {
    package init(_ proto: Runtime_V1_PodSandboxStatus) {
        self.init(
            id: proto.id,
            metadata: PodSandboxMetadata(proto.metadata),
            state: PodSandboxState(proto.state),
            createdAt: proto.createdAt,
            ip: proto.network.ip,
            additionalIPs: proto.network.additionalIps.map(\.ip),
            namespaceOptions: proto.linux.hasNamespaces && proto.linux.namespaces.hasOptions
                ? NamespaceOptions(proto.linux.namespaces.options) : nil,
            labels: proto.labels,
            annotations: proto.annotations,
            runtimeHandler: proto.runtimeHandler
        )
    }

    package var proto: Runtime_V1_PodSandboxStatus {
        var proto = Runtime_V1_PodSandboxStatus()
        proto.id = self.id
        proto.metadata = self.metadata.proto
        proto.state = self.state.proto
        proto.createdAt = self.createdAt
        proto.network.ip = self.ip
        proto.network.additionalIps = self.additionalIPs.map {
            var ip = Runtime_V1_PodIP()
            ip.ip = $0
            return ip
        }
        if let options = self.namespaceOptions { proto.linux.namespaces.options = options.proto }
        proto.labels = self.labels
        proto.annotations = self.annotations
        proto.runtimeHandler = self.runtimeHandler
        return proto
    }
}

extension PodSandboxFilter {
    package init(_ proto: Runtime_V1_PodSandboxFilter) {
        self.init(
            id: proto.id.isEmpty ? nil : proto.id,
            state: proto.hasState ? PodSandboxState(proto.state.state) : nil,
            labelSelector: proto.labelSelector
        )
    }

    package var proto: Runtime_V1_PodSandboxFilter {
        var proto = Runtime_V1_PodSandboxFilter()
        if let id = self.id { proto.id = id }
        if let state = self.state { proto.state.state = state.proto }
        proto.labelSelector = self.labelSelector
        return proto
    }
}
