public import Foundation
public import KubeAPI

/// Upstream's defaults for static pods (k/k `pkg/kubelet/config/common.go` `applyDefaults`). Pure.
///
/// - UID: FNV-128a over a deterministic serialization of the pod as written, then `host:<node>` and
///   `file:<path>` (file source) or `url:<url>` (URL source); 32 hex digits. A UID written in the manifest is kept.
/// - Name `<name>-<lowercased node>`, namespace `default` when empty, `spec.nodeName`, `status.phase` Pending.
/// - Annotations `kubernetes.io/config.hash` (= UID), `kubernetes.io/config.source` (`file`/`http`) and
///   `kubernetes.io/config.seen` (RFC 3339 with nanoseconds; not part of the hash).
/// - File source only: a toleration `{operator: Exists, effect: NoExecute}`.
public enum StaticPodIdentity {
    /// The UID annotation.
    public static let hashAnnotation = "kubernetes.io/config.hash"
    /// The source annotation.
    public static let sourceAnnotation = "kubernetes.io/config.source"
    /// The first-seen annotation.
    public static let seenAnnotation = "kubernetes.io/config.seen"

    /// The UID upstream gives a static pod.
    /// - Parameters:
    ///   - pod: the pod as decoded from the manifest.
    ///   - nodeName: this node's name.
    ///   - source: file or http.
    ///   - location: the manifest's path or the URL.
    /// - Returns: 32 lowercase hex digits, or the manifest's own `metadata.uid` when it has one.
    public static func uid(of pod: Pod, nodeName: String, source: PodSourceKind, location: String) -> String {
        if !pod.metadata.uid.isEmpty { return pod.metadata.uid }
        var hasher = FNV128a()
        // Sorted keys make the serialization deterministic across runs.
        if let data = try? KubeJSON.encoder(sorted: true).encode(pod) {
            hasher.write(data)
        }
        switch source {
        case .file:
            hasher.write("host:\(nodeName)")
            hasher.write("file:\(location)")
        case .http:
            hasher.write("url:\(location)")
        }
        return hasher.hexDigest
    }

    /// Applies the defaults.
    /// - Parameters:
    ///   - pod: the pod as decoded from the manifest.
    ///   - nodeName: this node's name.
    ///   - source: file or http.
    ///   - location: the manifest's path or the URL.
    ///   - seen: when the pod (this UID) was first seen.
    /// - Returns: the pod as the agent runs it.
    public static func applyDefaults(
        to pod: Pod,
        nodeName: String,
        source: PodSourceKind,
        location: String,
        seen: Date
    ) -> Pod {
        var result = pod
        let uid = Self.uid(of: pod, nodeName: nodeName, source: source, location: location)
        result.metadata.uid = uid
        result.metadata.name = "\(pod.metadata.name)-\(nodeName.lowercased())"
        if result.metadata.namespace.isEmpty { result.metadata.namespace = "default" }
        result.spec.nodeName = nodeName
        result.metadata.annotations[Self.hashAnnotation] = uid
        result.metadata.annotations[Self.sourceAnnotation] = source.rawValue
        result.metadata.annotations[Self.seenAnnotation] = RFC3339.formatNano(seen)
        if source == .file {
            Self.addOrUpdateToleration(Toleration(operator: .exists, effect: .noExecute), in: &result.spec)
        }
        result.status = PodStatus(phase: .pending)
        return result
    }

    /// The first-seen time of a pod that went through ``applyDefaults(to:nodeName:source:location:seen:)``.
    public static func seen(_ pod: Pod) -> Date? {
        pod.metadata.annotations[Self.seenAnnotation].flatMap(RFC3339.parse)
    }

    /// Upstream's `AddOrUpdateTolerationInPodSpec`: replaces a toleration with the same key, operator and effect.
    static func addOrUpdateToleration(_ toleration: Toleration, in spec: inout PodSpec) {
        func matches(_ other: Toleration) -> Bool {
            (other.key ?? "") == (toleration.key ?? "") && (other.operator ?? .equal) == (toleration.operator ?? .equal)
                && (other.effect ?? "") == (toleration.effect ?? "")
        }
        if let index = spec.tolerations.firstIndex(where: matches) {
            spec.tolerations[index] = toleration
        } else {
            spec.tolerations.append(toleration)
        }
    }
}
