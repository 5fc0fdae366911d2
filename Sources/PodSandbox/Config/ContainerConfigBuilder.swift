public import CRIClient
public import KubeAPI

/// What the worker knows about one container start besides the pod spec.
public struct ContainerConfigInput: Sendable {
    /// The pod the container belongs to.
    public var pod: Pod
    /// The container spec (an app or init container of `pod`).
    public var container: Container
    /// The container's restart count: the CRI attempt, the log file `<name>/<restartCount>.log` and the
    /// `io.kubernetes.container.restartCount` annotation.
    public var restartCount: Int
    /// The image to run, as the pull resolved it (image ID or digest); `nil` uses `container.image`.
    public var imageRef: String?
    /// The pod's IPs from the sandbox status, primary first.
    public var podIPs: [String]
    /// The image's configured user, from ImageStatus (``ImageUser/init(_:)``). Required: an image without a user
    /// runs as root, which the builder then states explicitly, as upstream does.
    public var imageUser: ImageUser
    /// The container whose PID namespace this one joins (upstream's ephemeral-container target); applies only
    /// when the pod's PID namespace is per container.
    public var pidTargetID: String?
    /// The host file mounted at `terminationMessagePath`, created beforehand by the worker (see
    /// ``VolumePlan/terminationMessageFile(containerName:instance:)``); `nil` mounts nothing.
    public var terminationMessageHostPath: String?
    /// The pod's hosts file on the host (written by the worker from
    /// ``EtcHosts/render(pod:podIPs:clusterDomain:nodeHosts:)`` at ``EtcHosts/hostFile(podDirectory:)``), mounted at
    /// `/etc/hosts` unless the container mounts something there itself; `nil` leaves the runtime's file.
    public var etcHostsHostPath: String?
    /// The ConfigMaps and Secrets the container's environment references, fetched by the worker; `nil` when
    /// API objects cannot be read (standalone mode, static pods): references are then refused unless optional.
    public var apiObjects: PodAPIObjects?

    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container spec.
    ///   - restartCount: the restart count.
    ///   - imageRef: the resolved image, or `nil` for `container.image`.
    ///   - podIPs: the pod's IPs.
    ///   - imageUser: the image's user.
    ///   - pidTargetID: a container to share the PID namespace with.
    ///   - terminationMessageHostPath: the termination-message file on the host.
    ///   - etcHostsHostPath: the pod's hosts file on the host.
    ///   - apiObjects: the referenced ConfigMaps and Secrets, or `nil` without an API server.
    public init(
        pod: Pod,
        container: Container,
        restartCount: Int = 0,
        imageRef: String? = nil,
        podIPs: [String] = [],
        imageUser: ImageUser,
        pidTargetID: String? = nil,
        terminationMessageHostPath: String? = nil,
        etcHostsHostPath: String? = nil,
        apiObjects: PodAPIObjects? = nil
    ) {
        self.pod = pod
        self.container = container
        self.restartCount = restartCount
        self.imageRef = imageRef
        self.podIPs = podIPs
        self.imageUser = imageUser
        self.pidTargetID = pidTargetID
        self.terminationMessageHostPath = terminationMessageHostPath
        self.etcHostsHostPath = etcHostsHostPath
        self.apiObjects = apiObjects
    }
}

/// The user an image runs as when the pod does not say (ImageStatus' `uid` / `username`).
public enum ImageUser: Hashable, Sendable {
    /// A numeric user.
    case uid(Int64)
    /// A user name, which cannot be checked against runAsNonRoot.
    case username(String)
    /// The image sets no user: it runs as root.
    case unspecified

    /// The image user from the runtime's image information (`nil`: unknown image, treated as root as
    /// upstream's `getImageUser` does).
    ///
    /// - Parameter image: ImageStatus' result.
    public init(_ image: ImageInfo?) {
        if let uid = image?.uid {
            self = .uid(uid)
        } else if let name = image?.username, !name.isEmpty {
            self = .username(name)
        } else {
            self = .unspecified
        }
    }
}

/// Turns one container of a pod into the `ContainerConfig` for CreateContainer, as upstream's
/// `generateContainerConfig` (k/k `pkg/kubelet/kuberuntime/kuberuntime_container.go`,
/// `kuberuntime_container_linux.go`, `security_context.go`, `labels.go`).
///
/// ```swift
/// let plan = try VolumePlan.make(pod: pod, context: context)
/// let builder = ContainerConfigBuilder(context: context)
/// let imageUser = ImageUser(try await runtime.imageStatus(ImageSpec(imageRef)))
/// let config = try builder.build(
///     ContainerConfigInput(pod: pod, container: container, restartCount: 0, imageRef: imageRef,
///                          podIPs: [sandbox.ip], imageUser: imageUser),
///     volumes: plan)
/// let id = try await runtime.createContainer(podSandboxID: sandboxID, config: config, sandboxConfig: sandboxConfig)
/// ```
public struct ContainerConfigBuilder: Sendable {
    /// Node facts and agent settings.
    public var context: PodConfigContext
    /// Checks Localhost seccomp profiles before they are used.
    public var seccompChecker: any SeccompProfileChecking

    /// - Parameters:
    ///   - context: node facts and agent settings.
    ///   - seccompChecker: checks Localhost seccomp profiles (the libseccomp one by default).
    public init(context: PodConfigContext, seccompChecker: any SeccompProfileChecking = SeccompProfileChecker()) {
        self.context = context
        self.seccompChecker = seccompChecker
    }

    /// Builds the configuration of one container.
    ///
    /// - Parameters:
    ///   - input: the pod, the container and what the worker learned (restart count, image, IPs, user).
    ///   - volumes: the pod's volume plan.
    /// - Returns: the configuration for CreateContainer.
    /// - Throws: ``ContainerConfigError`` (reason `CreateContainerConfigError`) naming the container and field.
    public func build(_ input: ContainerConfigInput, volumes: VolumePlan) throws(ContainerConfigError)
        -> ContainerConfig
    {
        let pod = input.pod
        let container = input.container
        guard let image = input.imageRef ?? container.image, !image.isEmpty else {
            throw ContainerConfigError("container \"\(container.name)\": image: must be set")
        }
        try Self.verifyRunAsNonRoot(pod: pod, container: container, imageUser: input.imageUser)
        let environment = try ContainerEnvironment(
            pod: pod, container: container, podIPs: input.podIPs, context: self.context, objects: input.apiObjects
        ).make()
        var variables: [String: String] = [:]
        for (name, value) in environment { variables[name] = value }
        var mounts = try volumes.mounts(for: container, environment: variables).map(\.mount)
        let terminationPath = container.terminationMessagePath ?? Self.defaultTerminationMessagePath
        if let hostFile = input.terminationMessageHostPath, !terminationPath.isEmpty {
            mounts.append(Mount(containerPath: terminationPath, hostPath: hostFile))
        }
        let mountsEtcHosts = mounts.contains { $0.containerPath == EtcHosts.containerPath }
        if let hostsFile = input.etcHostsHostPath, !mountsEtcHosts {
            mounts.append(Mount(containerPath: EtcHosts.containerPath, hostPath: hostsFile))
        }
        let attempt = UInt32(clamping: max(input.restartCount, 0))
        return ContainerConfig(
            metadata: ContainerMetadata(name: container.name, attempt: attempt),
            image: ImageSpec(
                image, userSpecifiedImage: container.image ?? "", runtimeHandler: self.context.runtimeHandler),
            command: container.command.map { EnvExpansion.expand($0, variables: variables) },
            args: container.args.map { EnvExpansion.expand($0, variables: variables) },
            workingDir: container.workingDir ?? "",
            envs: environment.map { CRIEnvVar($0.name, $0.value) },
            mounts: mounts,
            labels: Self.containerLabels(pod: pod, container: container),
            annotations: Self.containerAnnotations(pod: pod, container: container, restartCount: input.restartCount),
            logPath: Self.logPath(containerName: container.name, restartCount: input.restartCount),
            stdin: container.stdin ?? false,
            stdinOnce: container.stdinOnce ?? false,
            tty: container.tty ?? false,
            linux: LinuxContainerConfig(
                resources: self.linuxResources(pod: pod, container: container),
                securityContext: try self.securityContext(input)
            ),
            stopSignal: Self.stopSignal(container)
        )
    }

    /// `<container>/<restartCount>.log`, relative to the sandbox's log directory.
    ///
    /// - Parameters:
    ///   - containerName: the container's name.
    ///   - restartCount: its restart count.
    /// - Returns: the relative log path.
    public static func logPath(containerName: String, restartCount: Int) -> String {
        "\(containerName)/\(restartCount).log"
    }

    /// The stop signal of `lifecycle.stopSignal` (e.g. `SIGUSR1`), passed as the CRI `stop_signal`; `nil` when
    /// unset.
    public static func stopSignal(_ container: Container) -> String? {
        container.lifecycle?.stopSignal.flatMap { $0.isEmpty ? nil : $0 }
    }
}
