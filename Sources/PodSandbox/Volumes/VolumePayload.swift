import Foundation
import KubeAPI

/// The files of configMap, secret and downwardAPI volumes and projected sources, built from the objects as
/// upstream's `MakePayload` (configmap and secret plugins) and `CollectData` (downwardapi plugin) do. Pure.
enum VolumePayload {
    /// `ConfigMapVolumeSourceDefaultMode`, `SecretVolumeSourceDefaultMode`, ... : 0644.
    static let defaultMode: Int32 = 0o644

    /// A ConfigMap's keys (`data` and `binaryData`) as files: all keys when `items` is empty, else the listed
    /// keys at their paths. A listed key that is missing is an error unless `optional`.
    static func configMap(_ object: ConfigMap, items: [KeyToPath], defaultMode: Int32, optional: Bool)
        throws(VolumeSetupError) -> [String: FileProjection]
    {
        var data = object.binaryData
        for (key, value) in object.data { data[key] = Data(value.utf8) }
        return try Self.keys(data, items: items, defaultMode: defaultMode, optional: optional) { key in
            "configmap references non-existent config key: \(key)"
        }
    }

    /// A Secret's keys as files, with the same rules as ``configMap(_:items:defaultMode:optional:)``.
    static func secret(_ object: Secret, items: [KeyToPath], defaultMode: Int32, optional: Bool)
        throws(VolumeSetupError) -> [String: FileProjection]
    {
        try Self.keys(object.data, items: items, defaultMode: defaultMode, optional: optional) { key in
            "references non-existent secret key: \(key)"
        }
    }

    static func keys(
        _ data: [String: Data],
        items: [KeyToPath],
        defaultMode: Int32,
        optional: Bool,
        missing: (String) -> String
    ) throws(VolumeSetupError) -> [String: FileProjection] {
        var payload: [String: FileProjection] = [:]
        guard !items.isEmpty else {
            for (key, value) in data { payload[key] = FileProjection(data: value, mode: defaultMode) }
            return payload
        }
        for item in items {
            guard let value = data[item.key] else {
                if optional { continue }
                throw VolumeSetupError(missing(item.key))
            }
            payload[item.path] = FileProjection(data: value, mode: item.mode ?? defaultMode)
        }
        return payload
    }

    /// The files of downward API items (upstream's `CollectData`): pod metadata fields (`metadata.labels` and
    /// `metadata.annotations` as sorted `key="value"` lines) and container resources in units of the divisor.
    /// Every item is tried; the errors are reported together.
    static func downwardAPI(
        _ items: [DownwardAPIVolumeFile],
        pod: Pod,
        context: PodConfigContext,
        defaultMode: Int32
    ) throws(VolumeSetupError) -> [String: FileProjection] {
        var payload: [String: FileProjection] = [:]
        var errors: [String] = []
        for item in items {
            var file = FileProjection(data: Data(), mode: item.mode ?? defaultMode)
            if let selector = item.fieldRef {
                if let value = Self.metadataField(selector.fieldPath, pod: pod) {
                    file.data = Data(value.utf8)
                } else {
                    errors.append("unsupported fieldPath: \(selector.fieldPath)")
                }
            } else if let selector = item.resourceFieldRef {
                let name = selector.containerName ?? ""
                let containers = pod.spec.containers + pod.spec.initContainers
                if let container = containers.first(where: { $0.name == name }) {
                    let environment = ContainerEnvironment(pod: pod, container: container, podIPs: [], context: context)
                    do throws(ContainerConfigError) {
                        file.data = Data(try environment.resourceValue(selector, field: item.path).utf8)
                    } catch {
                        errors.append(error.message)
                    }
                } else {
                    errors.append("container \(name) not found in pod \(pod.metadata.namespace)/\(pod.metadata.name)")
                }
            }
            payload[HostPath.clean(item.path)] = file
        }
        if !errors.isEmpty { throw VolumeSetupError(Self.aggregate(errors)) }
        return payload
    }

    /// Upstream's `ExtractFieldPathAsString` for the fields volumes may use.
    static func metadataField(_ path: String, pod: Pod) -> String? {
        let meta = pod.metadata
        switch path {
        case "metadata.name": return meta.name
        case "metadata.namespace": return meta.namespace
        case "metadata.uid": return meta.uid
        case "metadata.labels": return DownwardAPI.formatMap(meta.labels)
        case "metadata.annotations": return DownwardAPI.formatMap(meta.annotations)
        default: break
        }
        if let (map, key) = DownwardAPI.splitSubscript(path) {
            switch map {
            case "metadata.labels": return meta.labels[key] ?? ""
            case "metadata.annotations": return meta.annotations[key] ?? ""
            default: return nil
            }
        }
        return nil
    }

    /// `utilerrors.NewAggregate(...).Error()`: the message alone, or `[a, b]`.
    static func aggregate(_ messages: [String]) -> String {
        messages.count == 1 ? messages[0] : "[" + messages.joined(separator: ", ") + "]"
    }
}
