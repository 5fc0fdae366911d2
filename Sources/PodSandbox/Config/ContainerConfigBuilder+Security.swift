public import CRIClient
public import KubeAPI

extension ContainerConfigBuilder {
    /// Paths the runtime masks inside a container (upstream's `defaultMaskedPaths`, kept in sync with moby).
    public static let defaultMaskedPaths = [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ]
    /// Paths the runtime makes read-only inside a container (upstream's `defaultReadonlyPaths`).
    public static let defaultReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

    /// The container's security context with the pod-level values filled in where the container leaves them
    /// unset (upstream's `DetermineEffectiveSecurityContext`: SELinux options, runAsUser, runAsGroup,
    /// runAsNonRoot).
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container.
    /// - Returns: the effective security context.
    public static func effectiveSecurityContext(pod: Pod, container: Container) -> SecurityContext {
        var effective = container.securityContext ?? SecurityContext()
        guard let podSecurity = pod.spec.securityContext else { return effective }
        if effective.seLinuxOptions == nil { effective.seLinuxOptions = podSecurity.seLinuxOptions }
        if effective.runAsUser == nil { effective.runAsUser = podSecurity.runAsUser }
        if effective.runAsGroup == nil { effective.runAsGroup = podSecurity.runAsGroup }
        if effective.runAsNonRoot == nil { effective.runAsNonRoot = podSecurity.runAsNonRoot }
        return effective
    }

    /// Checks `runAsNonRoot` (upstream's `verifyRunAsNonRoot`): with it set, the effective `runAsUser` must not
    /// be 0, and without a `runAsUser` the image must run as a numeric non-zero user.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container.
    ///   - imageUser: the image's user from ImageStatus.
    /// - Throws: ``ContainerConfigError`` naming the container when it would run as root or cannot be verified.
    public static func verifyRunAsNonRoot(pod: Pod, container: Container, imageUser: ImageUser)
        throws(ContainerConfigError)
    {
        let effective = Self.effectiveSecurityContext(pod: pod, container: container)
        guard effective.runAsNonRoot == true else { return }
        let where_ = "(pod: \"\(pod.metadata.name)_\(pod.metadata.namespace)(\(pod.metadata.uid))\", "
            + "container: \(container.name))"
        if let uid = effective.runAsUser {
            if uid == 0 { throw ContainerConfigError("container's runAsUser breaks non-root policy \(where_)") }
            return
        }
        switch imageUser {
        case .uid(0), .unspecified:
            throw ContainerConfigError("container has runAsNonRoot and image will run as root \(where_)")
        case .username(let name):
            throw ContainerConfigError(
                "container has runAsNonRoot and image has non-numeric user (\(name)), cannot verify user is "
                    + "non-root \(where_)")
        case .uid:
            return
        }
    }

    /// The seccomp profile of a container (upstream's `getSeccompProfile`): the container's, else the pod's,
    /// else RuntimeDefault with `seccompDefault` and Unconfined without. A Localhost profile is a path under
    /// the seccomp root and is checked with the ``SeccompProfileChecking`` before it is returned.
    ///
    /// - Parameters:
    ///   - pod: the pod.
    ///   - container: the container.
    /// - Returns: the CRI security profile.
    /// - Throws: ``ContainerConfigError`` naming the field and, for Localhost, the profile file and problem.
    public func seccompProfile(pod: Pod, container: Container) throws(ContainerConfigError) -> SecurityProfile {
        let chosen: (KubeAPI.SeccompProfile, String)?
        if let profile = container.securityContext?.seccompProfile {
            chosen = (profile, "container \"\(container.name)\": securityContext.seccompProfile")
        } else if let profile = pod.spec.securityContext?.seccompProfile {
            chosen = (profile, "spec.securityContext.seccompProfile")
        } else {
            chosen = nil
        }
        guard let (profile, field) = chosen else {
            return self.context.seccompDefault ? .runtimeDefault : .unconfined
        }
        switch profile.type.rawValue {
        case "RuntimeDefault":
            return .runtimeDefault
        case "Unconfined":
            return .unconfined
        case "Localhost":
            guard let name = profile.localhostProfile, !name.isEmpty else {
                throw ContainerConfigError("\(field): localhostProfile must be set if seccompProfile type is Localhost")
            }
            let path = HostPath.join(self.context.seccompProfileRoot, name)
            guard HostPath.isWithin(path, base: HostPath.clean(self.context.seccompProfileRoot)) else {
                throw ContainerConfigError("\(field): localhostProfile \"\(name)\" escapes the seccomp profile root")
            }
            do {
                try self.seccompChecker.check(profilePath: path)
            } catch {
                throw ContainerConfigError("\(field): \(error)")
            }
            return .localhost(path)
        case let other:
            throw ContainerConfigError(
                "\(field): type \"\(other)\" is not one of \"RuntimeDefault\", \"Unconfined\", \"Localhost\"")
        }
    }

    /// The CRI security context of the container (upstream's `determineEffectiveSecurityContext`).
    func securityContext(_ input: ContainerConfigInput) throws(ContainerConfigError) -> LinuxContainerSecurityContext {
        let pod = input.pod
        let effective = Self.effectiveSecurityContext(pod: pod, container: input.container)
        let privileged = effective.privileged ?? false
        var result = LinuxContainerSecurityContext(
            capabilities: effective.capabilities.map { CRICapabilities(add: $0.add, drop: $0.drop) },
            privileged: privileged,
            namespaceOptions: PodSandboxConfigBuilder.namespaceOptions(pod),
            runAsUser: effective.runAsUser,
            runAsGroup: effective.runAsGroup,
            readonlyRootfs: effective.readOnlyRootFilesystem ?? false,
            noNewPrivs: effective.allowPrivilegeEscalation == false,
            seccomp: try self.seccompProfile(pod: pod, container: input.container)
        )
        if result.runAsUser == nil {
            switch input.imageUser {
            case .uid(let uid): result.runAsUser = uid
            case .unspecified: result.runAsUser = 0
            case .username(let name): result.runAsUsername = name
            }
        }
        if let target = input.pidTargetID, !target.isEmpty, result.namespaceOptions.pid == .container {
            result.namespaceOptions.pid = .target
            result.namespaceOptions.targetID = target
        }
        if let podSecurity = pod.spec.securityContext {
            if let fsGroup = podSecurity.fsGroup { result.supplementalGroups.append(fsGroup) }
            result.supplementalGroups += podSecurity.supplementalGroups
        }
        if !privileged && effective.procMount?.rawValue != "Unmasked" {
            result.maskedPaths = Self.defaultMaskedPaths
            result.readonlyPaths = Self.defaultReadonlyPaths
        }
        return result
    }
}
