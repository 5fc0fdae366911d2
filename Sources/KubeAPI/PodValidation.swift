/// Checks a Pod the way the API server would before the agent runs it (a practical subset of upstream's
/// `ValidatePodCreate`), with upstream's messages. Pure.
///
/// ```swift
/// let errors = PodValidation.validate(pod)
/// // ["spec.containers[1].name: Duplicate value: \"web\""]
/// ```
public enum PodValidation {
    /// Validates a pod.
    /// - Parameter pod: the pod as decoded (before or after static-pod defaults).
    /// - Returns: every problem found, in field order; empty when the pod is valid.
    public static func validate(_ pod: Pod) -> [FieldError] {
        var errors = Self.validateMetadata(pod.metadata, path: "metadata")
        errors += Self.validateSpec(pod.spec, path: "spec")
        return errors
    }

    static func validateMetadata(_ metadata: ObjectMeta, path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if metadata.name.isEmpty {
            errors.append(.required(path.child("name"), "name or generateName is required"))
        } else {
            for problem in NameValidation.dns1123Subdomain(metadata.name) {
                errors.append(.invalid(path.child("name"), metadata.name, problem))
            }
        }
        if !metadata.namespace.isEmpty {
            for problem in NameValidation.dns1123Label(metadata.namespace) {
                errors.append(.invalid(path.child("namespace"), metadata.namespace, problem))
            }
        }
        return errors
    }

    static func validateSpec(_ spec: PodSpec, path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let volumeNames = Self.validateVolumes(spec.volumes, path: path.child("volumes"), errors: &errors)
        var containerNames: Set<String> = []
        for (index, container) in spec.initContainers.enumerated() {
            let containerPath = path.child("initContainers").index(index)
            errors += Self.validateContainer(
                container, path: containerPath, volumes: volumeNames, isInit: true, hostNetwork: spec.hostNetwork
            )
            errors += Self.checkUnique(container.name, path: containerPath.child("name"), seen: &containerNames)
        }
        if spec.containers.isEmpty {
            errors.append(.required(path.child("containers")))
        }
        for (index, container) in spec.containers.enumerated() {
            let containerPath = path.child("containers").index(index)
            errors += Self.validateContainer(
                container, path: containerPath, volumes: volumeNames, isInit: false, hostNetwork: spec.hostNetwork
            )
            errors += Self.checkUnique(container.name, path: containerPath.child("name"), seen: &containerNames)
        }
        if let policy = spec.restartPolicy, !RestartPolicy.supported.contains(policy) {
            errors.append(
                .notSupported(
                    path.child("restartPolicy"), policy.rawValue, supported: RestartPolicy.supported.map(\.rawValue)
                )
            )
        }
        errors += Self.validateDNS(spec, path: path)
        if let seconds = spec.terminationGracePeriodSeconds, seconds < 0 {
            errors.append(.invalid(path.child("terminationGracePeriodSeconds"), seconds, "must be >= 0"))
        }
        if let seconds = spec.activeDeadlineSeconds, seconds <= 0 {
            let detail = "must be between 1 and 2147483647, inclusive"
            errors.append(.invalid(path.child("activeDeadlineSeconds"), seconds, detail))
        }
        if let hostname = spec.hostname, !hostname.isEmpty {
            for problem in NameValidation.dns1123Label(hostname) {
                errors.append(.invalid(path.child("hostname"), hostname, problem))
            }
        }
        if let subdomain = spec.subdomain, !subdomain.isEmpty {
            for problem in NameValidation.dns1123Label(subdomain) {
                errors.append(.invalid(path.child("subdomain"), subdomain, problem))
            }
        }
        return errors
    }

    static func checkUnique(_ name: String, path: FieldPath, seen: inout Set<String>) -> [FieldError] {
        guard !name.isEmpty else { return [] }
        return seen.insert(name).inserted ? [] : [.duplicate(path, name)]
    }

    static func validateDNS(_ spec: PodSpec, path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let policy = spec.dnsPolicy, !DNSPolicy.supported.contains(policy) {
            errors.append(
                .notSupported(path.child("dnsPolicy"), policy.rawValue, supported: DNSPolicy.supported.map(\.rawValue))
            )
        }
        let configPath = path.child("dnsConfig")
        if spec.dnsPolicy == DNSPolicy.none {
            if spec.dnsConfig == nil {
                errors.append(.required(configPath, "must provide `dnsConfig` when `dnsPolicy` is None"))
            } else if spec.dnsConfig?.nameservers.isEmpty == true {
                let detail = "must provide at least one DNS nameserver when `dnsPolicy` is None"
                errors.append(.required(configPath.child("nameservers"), detail))
            }
        }
        guard let config = spec.dnsConfig else { return errors }
        if config.nameservers.count > 3 {
            errors.append(
                FieldError(
                    .invalid, configPath.child("nameservers"), badValue: "\(config.nameservers)",
                    detail: "must not have more than 3 nameservers"
                )
            )
        }
        if config.searches.count > 32 {
            errors.append(
                FieldError(
                    .invalid, configPath.child("searches"), badValue: "\(config.searches)",
                    detail: "must not have more than 32 search paths"
                )
            )
        }
        for (index, option) in config.options.enumerated() where option.name.isEmpty {
            errors.append(.required(configPath.child("options").index(index).child("name"), "must not be empty"))
        }
        return errors
    }

    static let supportedMedia: [StorageMedium] = [.default, .memory]

    /// Validates the volumes and returns the set of declared names.
    static func validateVolumes(_ volumes: [Volume], path: FieldPath, errors: inout [FieldError]) -> Set<String> {
        var names: Set<String> = []
        for (index, volume) in volumes.enumerated() {
            let volumePath = path.index(index)
            if volume.name.isEmpty {
                errors.append(.required(volumePath.child("name")))
            } else {
                for problem in NameValidation.dns1123Label(volume.name) {
                    errors.append(.invalid(volumePath.child("name"), volume.name, problem))
                }
                errors += Self.checkUnique(volume.name, path: volumePath.child("name"), seen: &names)
            }
            errors += Self.validateVolumeSource(volume, path: volumePath)
        }
        return names
    }

    static func validateVolumeSource(_ volume: Volume, path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let sources: [(String, Bool)] = [
            ("hostPath", volume.hostPath != nil), ("emptyDir", volume.emptyDir != nil),
            ("secret", volume.secret != nil), ("configMap", volume.configMap != nil),
            ("persistentVolumeClaim", volume.persistentVolumeClaim != nil),
            ("downwardAPI", volume.downwardAPI != nil), ("projected", volume.projected != nil),
        ]
        let set = sources.filter(\.1).map(\.0)
        if set.isEmpty {
            errors.append(.required(path, "must specify a volume type"))
        } else if set.count > 1 {
            errors.append(.forbidden(path.child(set[1]), "may not specify more than 1 volume type"))
        }
        if let hostPath = volume.hostPath {
            let hostPathPath = path.child("hostPath")
            if hostPath.path.isEmpty {
                errors.append(.required(hostPathPath.child("path")))
            } else if !hostPath.path.hasPrefix("/") {
                errors.append(.invalid(hostPathPath.child("path"), hostPath.path, "must be an absolute path"))
            }
            if let type = hostPath.type, !HostPathType.supported.contains(type) {
                errors.append(
                    .notSupported(
                        hostPathPath.child("type"), type.rawValue, supported: HostPathType.supported.map(\.rawValue)
                    )
                )
            }
        }
        if let emptyDir = volume.emptyDir {
            if let medium = emptyDir.medium, !Self.supportedMedia.contains(medium) {
                errors.append(
                    .notSupported(
                        path.child("emptyDir", "medium"), medium.rawValue,
                        supported: Self.supportedMedia.map(\.rawValue)
                    )
                )
            }
            if let limit = emptyDir.sizeLimit, limit.value < 0 {
                errors.append(.invalid(path.child("emptyDir", "sizeLimit"), limit.string, Self.nonNegativeMessage))
            }
        }
        if let claim = volume.persistentVolumeClaim, claim.claimName.isEmpty {
            errors.append(.required(path.child("persistentVolumeClaim", "claimName")))
        }
        if let projected = volume.projected {
            errors += Self.validateProjections(projected.sources, path: path.child("projected", "sources"))
            errors += Self.validateFileMode(projected.defaultMode, path: path.child("projected", "defaultMode"))
        }
        if let secret = volume.secret {
            errors += Self.validateFileMode(secret.defaultMode, path: path.child("secret", "defaultMode"))
            errors += Self.validateKeyToPaths(secret.items, path: path.child("secret", "items"))
        }
        if let configMap = volume.configMap {
            errors += Self.validateFileMode(configMap.defaultMode, path: path.child("configMap", "defaultMode"))
            errors += Self.validateKeyToPaths(configMap.items, path: path.child("configMap", "items"))
        }
        if let downwardAPI = volume.downwardAPI {
            errors += Self.validateFileMode(downwardAPI.defaultMode, path: path.child("downwardAPI", "defaultMode"))
        }
        return errors
    }

    /// Upstream's `fileModeErrorMsg` check: 0 to 0777.
    static func validateFileMode(_ mode: Int32?, path: FieldPath) -> [FieldError] {
        guard let mode, mode < 0 || mode > 0o777 else { return [] }
        return [.invalid(path, mode, "must be a number between 0 and 0777 (octal), both inclusive")]
    }

    /// `items` of a secret or configMap volume: key and relative path required, modes in range.
    static func validateKeyToPaths(_ items: [KeyToPath], path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, item) in items.enumerated() {
            let itemPath = path.index(index)
            if item.key.isEmpty { errors.append(.required(itemPath.child("key"))) }
            if item.path.isEmpty {
                errors.append(.required(itemPath.child("path")))
            } else if item.path.hasPrefix("/") {
                errors.append(.invalid(itemPath.child("path"), item.path, "must be a relative path"))
            } else if item.path.split(separator: "/").contains("..") {
                errors.append(.invalid(itemPath.child("path"), item.path, "must not contain '..'"))
            }
            errors += Self.validateFileMode(item.mode, path: itemPath.child("mode"))
        }
        return errors
    }

    /// Upstream's `validateProjectionSources`: one type per source, a token's path and expiration bounds.
    static func validateProjections(_ sources: [VolumeProjection], path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, source) in sources.enumerated() {
            let sourcePath = path.index(index)
            if source.setFields.count > 1 {
                errors.append(.forbidden(sourcePath, "may not specify more than 1 volume type per source"))
            }
            guard let token = source.serviceAccountToken else { continue }
            let tokenPath = sourcePath.child("serviceAccountToken")
            let seconds = token.effectiveExpirationSeconds
            if seconds < ServiceAccountTokenProjection.minimumExpirationSeconds {
                let detail = "may not specify a duration less than 10 minutes"
                errors.append(.invalid(tokenPath.child("expirationSeconds"), seconds, detail))
            }
            if seconds > ServiceAccountTokenProjection.maximumExpirationSeconds {
                let detail = "may not specify a duration larger than 2^32 seconds"
                errors.append(.invalid(tokenPath.child("expirationSeconds"), seconds, detail))
            }
            if token.path.isEmpty {
                errors.append(.required(tokenPath.child("path")))
            }
        }
        return errors
    }
}
