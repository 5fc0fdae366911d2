import Foundation
import KubeAPI

/// A container's environment as upstream's `makeEnvironmentVariables` builds it (k/k
/// `pkg/kubelet/kubelet_pods.go`): `envFrom` first, then `env` in order, each `value` expanded against the
/// variables defined before it, `valueFrom` resolved through the downward API or the ConfigMaps and Secrets
/// fetched beforehand (``PodAPIObjects``). A missing object or key is an error with upstream's message
/// (`configmap "x" not found`, `couldn't find key K in ConfigMap ns/x`) unless the reference is optional;
/// `envFrom` keys that are not valid variable names are skipped. Without objects (standalone mode, static pods)
/// a reference is an error unless marked `optional: true`, in which case it is skipped.
struct ContainerEnvironment {
    var pod: Pod
    var container: Container
    var podIPs: [String]
    var context: PodConfigContext
    /// The objects the container references; `nil` when API objects cannot be read.
    var objects: PodAPIObjects? = nil

    /// The variables, in first-definition order; a later definition of the same name replaces the value.
    func make() throws(ContainerConfigError) -> [(name: String, value: String)] {
        try self.makeWithWarnings().variables
    }

    /// The variables and upstream's `InvalidEnvironmentVariableNames` warnings for skipped `envFrom` keys.
    func makeWithWarnings() throws(ContainerConfigError)
        -> (variables: [(name: String, value: String)], warnings: [String])
    {
        var warnings: [String] = []
        var order: [String] = []
        var values: [String: String] = [:]
        func define(_ name: String, _ value: String) {
            if values.updateValue(value, forKey: name) == nil { order.append(name) }
        }
        for (index, source) in self.container.envFrom.enumerated() {
            let field = "envFrom[\(index)]"
            let data: [String: String]
            let what: String
            if let reference = source.configMapRef {
                guard let found = try self.configMap(reference.name, optional: reference.optional, field: field)
                else { continue }
                data = found.data
                what = "configMap \(self.pod.metadata.namespace)/\(reference.name)"
            } else if let reference = source.secretRef {
                guard let found = try self.secret(reference.name, optional: reference.optional, field: field)
                else { continue }
                data = found.data.mapValues { String(decoding: $0, as: UTF8.self) }
                what = "secret \(self.pod.metadata.namespace)/\(reference.name)"
            } else {
                continue
            }
            var invalid: [String] = []
            for key in data.keys.sorted() {
                let name = (source.prefix ?? "") + key
                guard NameValidation.envVarName(name).isEmpty else {
                    invalid.append(name)
                    continue
                }
                define(name, data[key] ?? "")
            }
            if !invalid.isEmpty {
                warnings.append(
                    "Keys [\(invalid.joined(separator: ", "))] from the EnvFrom \(what) were skipped since they are "
                        + "considered invalid environment variable names.")
            }
        }
        for (index, variable) in self.container.env.enumerated() {
            let field = "env[\(index)] (\(variable.name))"
            if let text = variable.value, !text.isEmpty {
                define(variable.name, EnvExpansion.expand(text, variables: values))
            } else if let source = variable.valueFrom {
                guard let value = try self.resolve(source, field: field) else { continue }
                define(variable.name, value)
            } else {
                define(variable.name, "")
            }
        }
        return (order.map { ($0, values[$0] ?? "") }, warnings)
    }

    /// The value of a `valueFrom`, or `nil` when an optional ConfigMap/Secret key is skipped.
    private func resolve(_ source: EnvVarSource, field: String) throws(ContainerConfigError) -> String? {
        if let selector = source.fieldRef {
            return try self.fieldValue(selector, field: "\(field).valueFrom.fieldRef")
        }
        if let selector = source.resourceFieldRef {
            return try self.resourceValue(selector, field: "\(field).valueFrom.resourceFieldRef")
        }
        if let selector = source.configMapKeyRef {
            let field = "\(field).valueFrom.configMapKeyRef"
            guard let object = try self.configMap(selector.name, optional: selector.optional, field: field) else {
                return nil
            }
            if let value = object.data[selector.key] { return value }
            if selector.optional == true { return nil }
            throw ContainerConfigError(
                "couldn't find key \(selector.key) in ConfigMap \(self.pod.metadata.namespace)/\(selector.name)")
        }
        if let selector = source.secretKeyRef {
            let field = "\(field).valueFrom.secretKeyRef"
            guard let object = try self.secret(selector.name, optional: selector.optional, field: field) else {
                return nil
            }
            if let value = object.data[selector.key] { return String(decoding: value, as: UTF8.self) }
            if selector.optional == true { return nil }
            throw ContainerConfigError(
                "couldn't find key \(selector.key) in Secret \(self.pod.metadata.namespace)/\(selector.name)")
        }
        throw self.error(field, "valueFrom names no source")
    }

    /// The referenced ConfigMap; `nil` when it is missing and `optional` (or, without objects, when optional).
    private func configMap(_ name: String, optional: Bool?, field: String) throws(ContainerConfigError)
        -> ConfigMap?
    {
        guard let objects = self.objects else {
            try self.apiObject("ConfigMap", name, optional: optional, field: field)
            return nil
        }
        switch objects.configMaps[name] ?? .notFound {
        case .found(let object): return object
        case .notFound where optional == true: return nil
        case .notFound: throw ContainerConfigError(NotFound.configMap(name))
        case .failed(let message): throw ContainerConfigError(message)
        }
    }

    /// The referenced Secret, as ``configMap(_:optional:field:)``.
    private func secret(_ name: String, optional: Bool?, field: String) throws(ContainerConfigError) -> Secret? {
        guard let objects = self.objects else {
            try self.apiObject("Secret", name, optional: optional, field: field)
            return nil
        }
        switch objects.secrets[name] ?? .notFound {
        case .found(let object): return object
        case .notFound where optional == true: return nil
        case .notFound: throw ContainerConfigError(NotFound.secret(name))
        case .failed(let message): throw ContainerConfigError(message)
        }
    }

    private func apiObject(_ kind: String, _ name: String, optional: Bool?, field: String)
        throws(ContainerConfigError)
    {
        guard optional != true else { return }
        throw self.error(
            field,
            "references \(kind) \"\(self.pod.metadata.namespace)/\(name)\", but static pods cannot reference API "
                + "objects; mark it optional: true to start without it")
    }

    private func error(_ field: String, _ message: String) -> ContainerConfigError {
        ContainerConfigError("container \"\(self.container.name)\": \(field): \(message)")
    }

    /// A downward API field (upstream's `podFieldSelectorRuntimeValue` and `ExtractFieldPathAsString`).
    func fieldValue(_ selector: ObjectFieldSelector, field: String) throws(ContainerConfigError) -> String {
        if let version = selector.apiVersion, !version.isEmpty, version != "v1" {
            throw self.error(field, "unsupported apiVersion \"\(version)\" (only v1)")
        }
        let path = selector.fieldPath
        let meta = self.pod.metadata
        switch path {
        case "metadata.name": return meta.name
        case "metadata.namespace": return meta.namespace
        case "metadata.uid": return meta.uid
        case "metadata.labels": return DownwardAPI.formatMap(meta.labels)
        case "metadata.annotations": return DownwardAPI.formatMap(meta.annotations)
        case "spec.nodeName": return self.pod.spec.nodeName.flatMap { $0.isEmpty ? nil : $0 } ?? self.context.nodeName
        case "spec.serviceAccountName": return self.pod.spec.serviceAccountName ?? ""
        case "status.podIP": return self.podIPs.first ?? ""
        case "status.podIPs": return self.podIPs.joined(separator: ",")
        case "status.hostIP", "status.hostIPs":
            guard let first = self.context.nodeIPs.first else {
                throw self.error(field, "\(path): the node has no known IP address")
            }
            return path == "status.hostIP" ? first : self.context.nodeIPs.joined(separator: ",")
        default:
            break
        }
        if let (mapName, key) = DownwardAPI.splitSubscript(path) {
            switch mapName {
            case "metadata.labels": return meta.labels[key] ?? ""
            case "metadata.annotations": return meta.annotations[key] ?? ""
            default: break
            }
        }
        throw self.error(
            field,
            "unsupported fieldPath \"\(path)\" (supported: metadata.name, metadata.namespace, metadata.uid, "
                + "metadata.labels['<key>'], metadata.annotations['<key>'], spec.nodeName, spec.serviceAccountName, "
                + "status.podIP, status.podIPs, status.hostIP, status.hostIPs)")
    }

    /// A container resource (upstream's `ExtractContainerResourceValue` on the container with limits defaulted
    /// to node allocatable, `defaultPodLimitsForDownwardAPI`): CPU in units of the divisor's milli-value, rounded
    /// up; memory and ephemeral storage in units of the divisor, rounded up.
    func resourceValue(_ selector: ResourceFieldSelector, field: String) throws(ContainerConfigError) -> String {
        var target = self.container
        if let name = selector.containerName, !name.isEmpty, name != self.container.name {
            let all = self.pod.spec.containers + self.pod.spec.initContainers
            guard let named = all.first(where: { $0.name == name }) else {
                throw self.error(field, "containerName \"\(name)\" is not a container of the pod")
            }
            target = named
        }
        let resources = ContainerResources(target.resources)
        let divisor = selector.divisor.flatMap { $0.isZero ? nil : $0 }
        let parts = selector.resource.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "limits" || parts[0] == "requests" else {
            throw self.error(field, "unsupported resource \"\(selector.resource)\"")
        }
        let allocatable = self.context.allocatable
        switch parts[1] {
        case "cpu":
            let milli = parts[0] == "limits"
                ? (resources.limits["cpu"]?.milliValue ?? allocatable.milliCPU)
                : (resources.requests["cpu"]?.milliValue ?? 0)
            return String(DownwardAPI.divideRoundingUp(milli, divisor?.milliValue ?? 1000))
        case "memory", "ephemeral-storage":
            let fallback = parts[1] == "memory" ? allocatable.memoryBytes : allocatable.ephemeralStorageBytes
            let amount = parts[0] == "limits"
                ? (resources.limits[parts[1]]?.value ?? fallback)
                : (resources.requests[parts[1]]?.value ?? 0)
            return String(DownwardAPI.divideRoundingUp(amount, divisor?.value ?? 1))
        default:
            throw self.error(
                field,
                "unsupported resource \"\(selector.resource)\" (supported: limits.cpu, limits.memory, "
                    + "limits.ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage)")
        }
    }
}

/// Downward API helpers.
enum DownwardAPI {
    /// `key="value"` lines sorted by key, values quoted as Go's `%q` does (upstream's `FormatMap`).
    static func formatMap(_ map: [String: String]) -> String {
        map.keys.sorted().map { "\($0)=\(Self.quote(map[$0] ?? ""))" }.joined(separator: "\n")
    }

    /// A double-quoted string with Go-style escapes.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Splits `metadata.labels['key']` into (`metadata.labels`, `key`).
    static func splitSubscript(_ path: String) -> (String, String)? {
        guard path.hasSuffix("']"), let open = path.firstIndex(of: "[") else { return nil }
        let keyStart = path.index(open, offsetBy: 2, limitedBy: path.endIndex) ?? path.endIndex
        let keyEnd = path.index(path.endIndex, offsetBy: -2)
        guard path[path.index(after: open)] == "'", keyStart <= keyEnd else { return nil }
        return (String(path[..<open]), String(path[keyStart..<keyEnd]))
    }

    /// `ceil(value / divisor)` for a positive divisor.
    static func divideRoundingUp(_ value: Int64, _ divisor: Int64) -> Int64 {
        guard divisor > 0 else { return value }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder > 0 ? quotient + 1 : quotient
    }
}

/// A container's requests and limits with requests defaulted from limits, as the API server's defaulting
/// (`SetDefaults_Pod`) leaves them before the kubelet sees a pod.
struct ContainerResources {
    var requests: [String: Quantity]
    var limits: [String: Quantity]

    init(_ requirements: ResourceRequirements?) {
        self.limits = requirements?.limits ?? [:]
        var requests = requirements?.requests ?? [:]
        for (name, limit) in self.limits where requests[name] == nil {
            requests[name] = limit
        }
        self.requests = requests
    }
}
