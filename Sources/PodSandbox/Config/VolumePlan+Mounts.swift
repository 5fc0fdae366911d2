import CRIClient
public import KubeAPI

extension VolumePlan.Kind {
    /// Whether containers always mount the volume read-only (upstream's `mustMountRO` for the configMap,
    /// secret, downwardAPI and projected plugins).
    public var isReadOnly: Bool {
        if case .data = self { return true }
        return false
    }
}

extension VolumePlan {
    /// The planned volume of a given name.
    public func volume(named name: String) -> Volume? {
        self.volumes.first { $0.name == name }
    }

    /// The mounts of one container (upstream's `makeMounts`): each `volumeMounts` entry resolved to its
    /// volume's host path, joined with `subPath` or the expanded `subPathExpr`.
    ///
    /// - Parameters:
    ///   - container: the container.
    ///   - environment: the container's final environment, for `subPathExpr`.
    /// - Returns: the mounts in spec order.
    /// - Throws: ``ContainerConfigError`` naming the mount for an unknown volume, an absolute sub-path or one
    ///   with `..`, a `subPathExpr` with an undefined variable, or an unknown or unprivileged propagation.
    public func mounts(for container: Container, environment: [String: String]) throws(ContainerConfigError)
        -> [PlannedMount]
    {
        var result: [PlannedMount] = []
        for (index, volumeMount) in container.volumeMounts.enumerated() {
            let field = "container \"\(container.name)\": volumeMounts[\(index)] (\(volumeMount.name))"
            guard let volume = self.volume(named: volumeMount.name) else {
                throw ContainerConfigError("\(field): cannot find volume \"\(volumeMount.name)\" in spec.volumes")
            }
            var subPath = volumeMount.subPath ?? ""
            if let expression = volumeMount.subPathExpr, !expression.isEmpty {
                subPath = try Self.expandSubPath(expression, environment: environment, field: field)
            }
            try Self.validateSubPath(subPath, field: field)
            let propagation = try Self.propagation(
                volumeMount.mountPropagation, privileged: container.securityContext?.privileged == true, field: field)
            let mount = Mount(
                containerPath: volumeMount.mountPath,
                hostPath: subPath.isEmpty ? volume.hostPath : HostPath.join(volume.hostPath, subPath),
                readonly: (volumeMount.readOnly ?? false) || volume.kind.isReadOnly,
                propagation: propagation
            )
            result.append(PlannedMount(volume: volume, subPath: subPath, mount: mount))
        }
        return result
    }

    /// Where the termination-message file of one container instance lives:
    /// `<podDirectory>/containers/<container>/<instance>` (upstream uses a random instance id).
    ///
    /// - Parameters:
    ///   - containerName: the container's name.
    ///   - instance: a name unique per container instance, e.g. the restart count or a random hex string.
    /// - Returns: the absolute file path.
    public func terminationMessageFile(containerName: String, instance: String) -> String {
        HostPath.join(self.podDirectory, "containers", containerName, instance)
    }

    /// Expands `$(VAR)` in a `subPathExpr`; every variable must be defined and non-empty (upstream's
    /// `ExpandContainerVolumeMounts`).
    static func expandSubPath(_ expression: String, environment: [String: String], field: String)
        throws(ContainerConfigError) -> String
    {
        var missing: Set<String> = []
        let expanded = EnvExpansion.expand(expression) { name in
            guard let value = environment[name], !value.isEmpty else {
                missing.insert(name)
                return ""
            }
            return value
        }
        guard missing.isEmpty else {
            let names = missing.sorted().joined(separator: ", ")
            throw ContainerConfigError("\(field): subPathExpr \"\(expression)\": missing value for \(names)")
        }
        return expanded
    }

    /// A sub-path must be relative and have no `..` element (upstream's `ValidatePathNoBacksteps`).
    static func validateSubPath(_ subPath: String, field: String) throws(ContainerConfigError) {
        guard !subPath.isEmpty else { return }
        if subPath.hasPrefix("/") {
            throw ContainerConfigError("\(field): subPath \"\(subPath)\" must not be an absolute path")
        }
        if subPath.split(separator: "/").contains("..") {
            throw ContainerConfigError("\(field): subPath \"\(subPath)\" must not contain '..'")
        }
    }

    static func propagation(_ mode: MountPropagationMode?, privileged: Bool, field: String)
        throws(ContainerConfigError) -> MountPropagation
    {
        switch mode?.rawValue ?? "" {
        case "", "None":
            return .private
        case "HostToContainer":
            return .hostToContainer
        case "Bidirectional":
            guard privileged else {
                throw ContainerConfigError(
                    "\(field): mountPropagation Bidirectional is available only to privileged containers")
            }
            return .bidirectional
        case let other:
            throw ContainerConfigError(
                "\(field): mountPropagation \"\(other)\" is not one of \"None\", \"HostToContainer\", "
                    + "\"Bidirectional\"")
        }
    }
}
