/// A container in a pod (`v1 Container` subset).
public struct Container: Codable, Hashable, Sendable {
    /// Name, a DNS-1123 label unique within the pod.
    public var name: String
    /// Image reference.
    public var image: String?
    /// Entrypoint; the image's ENTRYPOINT when empty. `$(VAR)` references are expanded.
    public var command: [String]
    /// Arguments; the image's CMD when empty.
    public var args: [String]
    /// Working directory; the image's when unset.
    public var workingDir: String?
    /// Ports the container exposes.
    public var ports: [ContainerPort]
    /// Sources to populate environment variables from (decoded, not resolved).
    public var envFrom: [EnvFromSource]
    /// Environment variables.
    public var env: [EnvVar]
    /// Compute resources.
    public var resources: ResourceRequirements?
    /// Volumes mounted into the container.
    public var volumeMounts: [VolumeMount]
    /// Restart the container when this probe fails.
    public var livenessProbe: Probe?
    /// Remove the pod from service endpoints when this probe fails.
    public var readinessProbe: Probe?
    /// Hold off the other probes until this one succeeds.
    public var startupProbe: Probe?
    /// postStart and preStop hooks.
    public var lifecycle: Lifecycle?
    /// File the termination message is read from; default `/dev/termination-log`.
    public var terminationMessagePath: String?
    /// File (default) or FallbackToLogsOnError.
    public var terminationMessagePolicy: TerminationMessagePolicy?
    /// Always, Never or IfNotPresent; default Always for `:latest`, else IfNotPresent.
    public var imagePullPolicy: PullPolicy?
    /// Container-level security attributes.
    public var securityContext: SecurityContext?
    /// Allocate a stdin buffer.
    public var stdin: Bool?
    /// Close stdin after the first attach detaches.
    public var stdinOnce: Bool?
    /// Allocate a TTY.
    public var tty: Bool?
    /// Only `Always`, only on init containers: makes a sidecar.
    public var restartPolicy: ContainerRestartPolicy?

    /// Creates a `Container`; every parameter defaults to unset.
    public init(
        name: String = "",
        image: String? = nil,
        command: [String] = [],
        args: [String] = [],
        workingDir: String? = nil,
        ports: [ContainerPort] = [],
        envFrom: [EnvFromSource] = [],
        env: [EnvVar] = [],
        resources: ResourceRequirements? = nil,
        volumeMounts: [VolumeMount] = [],
        livenessProbe: Probe? = nil,
        readinessProbe: Probe? = nil,
        startupProbe: Probe? = nil,
        lifecycle: Lifecycle? = nil,
        terminationMessagePath: String? = nil,
        terminationMessagePolicy: TerminationMessagePolicy? = nil,
        imagePullPolicy: PullPolicy? = nil,
        securityContext: SecurityContext? = nil,
        stdin: Bool? = nil,
        stdinOnce: Bool? = nil,
        tty: Bool? = nil,
        restartPolicy: ContainerRestartPolicy? = nil
    ) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.ports = ports
        self.envFrom = envFrom
        self.env = env
        self.resources = resources
        self.volumeMounts = volumeMounts
        self.livenessProbe = livenessProbe
        self.readinessProbe = readinessProbe
        self.startupProbe = startupProbe
        self.lifecycle = lifecycle
        self.terminationMessagePath = terminationMessagePath
        self.terminationMessagePolicy = terminationMessagePolicy
        self.imagePullPolicy = imagePullPolicy
        self.securityContext = securityContext
        self.stdin = stdin
        self.stdinOnce = stdinOnce
        self.tty = tty
        self.restartPolicy = restartPolicy
    }

    private enum CodingKeys: String, CodingKey {
        case name, image, command, args, workingDir, ports, envFrom, env, resources, volumeMounts, livenessProbe
        case readinessProbe, startupProbe, lifecycle, terminationMessagePath, terminationMessagePolicy
        case imagePullPolicy, securityContext, stdin, stdinOnce, tty, restartPolicy
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.image = try container.value(.image)
        self.command = try container.value(.command, default: [])
        self.args = try container.value(.args, default: [])
        self.workingDir = try container.value(.workingDir)
        self.ports = try container.value(.ports, default: [])
        self.envFrom = try container.value(.envFrom, default: [])
        self.env = try container.value(.env, default: [])
        self.resources = try container.value(.resources)
        self.volumeMounts = try container.value(.volumeMounts, default: [])
        self.livenessProbe = try container.value(.livenessProbe)
        self.readinessProbe = try container.value(.readinessProbe)
        self.startupProbe = try container.value(.startupProbe)
        self.lifecycle = try container.value(.lifecycle)
        self.terminationMessagePath = try container.value(.terminationMessagePath)
        self.terminationMessagePolicy = try container.value(.terminationMessagePolicy)
        self.imagePullPolicy = try container.value(.imagePullPolicy)
        self.securityContext = try container.value(.securityContext)
        self.stdin = try container.value(.stdin)
        self.stdinOnce = try container.value(.stdinOnce)
        self.tty = try container.value(.tty)
        self.restartPolicy = try container.value(.restartPolicy)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.name, forKey: .name)
        try container.encodeIfPresent(self.image, forKey: .image)
        try container.encode(nonEmpty: self.command, forKey: .command)
        try container.encode(nonEmpty: self.args, forKey: .args)
        try container.encodeIfPresent(self.workingDir, forKey: .workingDir)
        try container.encode(nonEmpty: self.ports, forKey: .ports)
        try container.encode(nonEmpty: self.envFrom, forKey: .envFrom)
        try container.encode(nonEmpty: self.env, forKey: .env)
        try container.encodeIfPresent(self.resources, forKey: .resources)
        try container.encode(nonEmpty: self.volumeMounts, forKey: .volumeMounts)
        try container.encodeIfPresent(self.livenessProbe, forKey: .livenessProbe)
        try container.encodeIfPresent(self.readinessProbe, forKey: .readinessProbe)
        try container.encodeIfPresent(self.startupProbe, forKey: .startupProbe)
        try container.encodeIfPresent(self.lifecycle, forKey: .lifecycle)
        try container.encodeIfPresent(self.terminationMessagePath, forKey: .terminationMessagePath)
        try container.encodeIfPresent(self.terminationMessagePolicy, forKey: .terminationMessagePolicy)
        try container.encodeIfPresent(self.imagePullPolicy, forKey: .imagePullPolicy)
        try container.encodeIfPresent(self.securityContext, forKey: .securityContext)
        try container.encodeIfPresent(self.stdin, forKey: .stdin)
        try container.encodeIfPresent(self.stdinOnce, forKey: .stdinOnce)
        try container.encodeIfPresent(self.tty, forKey: .tty)
        try container.encodeIfPresent(self.restartPolicy, forKey: .restartPolicy)
    }
}

/// A network port of a container (`v1 ContainerPort`).
public struct ContainerPort: Codable, Hashable, Sendable {
    /// IANA_SVC_NAME, unique within the pod.
    public var name: String?
    /// Port on the host to map to (1..65535).
    public var hostPort: Int32?
    /// Port number in the pod's IP (1..65535).
    public var containerPort: Int32
    /// TCP (default), UDP or SCTP.
    public var `protocol`: NetworkProtocol?
    /// Host IP to bind the host port to.
    public var hostIP: String?

    /// Creates a `ContainerPort`; every parameter defaults to unset.
    public init(
        name: String? = nil,
        hostPort: Int32? = nil,
        containerPort: Int32 = 0,
        `protocol`: NetworkProtocol? = nil,
        hostIP: String? = nil
    ) {
        self.name = name
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.protocol = `protocol`
        self.hostIP = hostIP
    }

    private enum CodingKeys: String, CodingKey {
        case name, hostPort, containerPort, `protocol`, hostIP
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name)
        self.hostPort = try container.value(.hostPort)
        self.containerPort = try container.value(.containerPort, default: 0)
        self.protocol = try container.value(.`protocol`)
        self.hostIP = try container.value(.hostIP)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.name, forKey: .name)
        try container.encodeIfPresent(self.hostPort, forKey: .hostPort)
        try container.encode(self.containerPort, forKey: .containerPort)
        try container.encodeIfPresent(self.protocol, forKey: .`protocol`)
        try container.encodeIfPresent(self.hostIP, forKey: .hostIP)
    }
}

/// Compute resource requests and limits (`v1 ResourceRequirements`).
public struct ResourceRequirements: Codable, Hashable, Sendable {
    /// Maximum amounts (`cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`).
    public var limits: [String: Quantity]
    /// Minimum amounts; default to the limits when unset.
    public var requests: [String: Quantity]

    /// Creates a `ResourceRequirements`; every parameter defaults to unset.
    public init(limits: [String: Quantity] = [:], requests: [String: Quantity] = [:]) {
        self.limits = limits
        self.requests = requests
    }

    private enum CodingKeys: String, CodingKey {
        case limits, requests
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.limits = try container.value(.limits, default: [:])
        self.requests = try container.value(.requests, default: [:])
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nonEmpty: self.limits, forKey: .limits)
        try container.encode(nonEmpty: self.requests, forKey: .requests)
    }
}

/// A volume mounted into a container (`v1 VolumeMount`).
public struct VolumeMount: Codable, Hashable, Sendable {
    /// Name of a volume of the pod.
    public var name: String
    /// Mount read-only.
    public var readOnly: Bool?
    /// Path inside the container; must not contain `:`.
    public var mountPath: String
    /// Sub-path inside the volume to mount instead of its root.
    public var subPath: String?
    /// Like subPath, with `$(VAR)` expanded from the container's environment.
    public var subPathExpr: String?
    /// None (default), HostToContainer or Bidirectional.
    public var mountPropagation: MountPropagationMode?

    /// Creates a `VolumeMount`; every parameter defaults to unset.
    public init(
        name: String = "",
        readOnly: Bool? = nil,
        mountPath: String = "",
        subPath: String? = nil,
        subPathExpr: String? = nil,
        mountPropagation: MountPropagationMode? = nil
    ) {
        self.name = name
        self.readOnly = readOnly
        self.mountPath = mountPath
        self.subPath = subPath
        self.subPathExpr = subPathExpr
        self.mountPropagation = mountPropagation
    }

    private enum CodingKeys: String, CodingKey {
        case name, readOnly, mountPath, subPath, subPathExpr, mountPropagation
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name, default: "")
        self.readOnly = try container.value(.readOnly)
        self.mountPath = try container.value(.mountPath, default: "")
        self.subPath = try container.value(.subPath)
        self.subPathExpr = try container.value(.subPathExpr)
        self.mountPropagation = try container.value(.mountPropagation)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encodeIfPresent(self.readOnly, forKey: .readOnly)
        try container.encode(self.mountPath, forKey: .mountPath)
        try container.encodeIfPresent(self.subPath, forKey: .subPath)
        try container.encodeIfPresent(self.subPathExpr, forKey: .subPathExpr)
        try container.encodeIfPresent(self.mountPropagation, forKey: .mountPropagation)
    }
}
