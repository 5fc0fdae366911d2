/// Where a kind of object lives in the API (the REST mapping client-go's `RESTMapper` answers): group, version,
/// resource plural and whether it is namespaced.
///
/// ```swift
/// Node.resource.path(name: "n1")                              // /api/v1/nodes/n1
/// Lease.resource.path(namespace: "kube-node-lease", name: "n1")
/// // /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1
/// ```
public struct APIResource: Hashable, Sendable, CustomStringConvertible {
    /// API group; empty for the core group (`/api/v1`).
    public var group: String
    /// API version within the group, e.g. `v1`.
    public var version: String
    /// Kind, e.g. `Node`.
    public var kind: String
    /// Resource name in paths: the lower-case plural, e.g. `nodes`.
    public var plural: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool

    /// Creates a resource description.
    public init(group: String = "", version: String = "v1", kind: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
    }

    /// The `apiVersion` objects of this kind carry: `v1` or `group/version`.
    public var apiVersion: String {
        self.group.isEmpty ? self.version : "\(self.group)/\(self.version)"
    }

    /// The path prefix of the group version: `/api/v1` or `/apis/<group>/<version>`.
    public var groupVersionPath: String {
        self.group.isEmpty ? "/api/\(self.version)" : "/apis/\(self.group)/\(self.version)"
    }

    /// The REST path of a collection, an object or an object's subresource.
    ///
    /// - Parameters:
    ///   - namespace: the namespace; nil (or ignored, for cluster-scoped kinds) lists across all namespaces.
    ///   - name: the object's name; nil names the collection.
    ///   - subresource: e.g. `status` or `token`; needs a name.
    /// - Returns: e.g. `/api/v1/namespaces/default/pods/web/status`.
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var path = self.groupVersionPath
        if self.namespaced, let namespace, !namespace.isEmpty {
            path += "/namespaces/" + Self.escape(namespace)
        }
        path += "/" + self.plural
        if let name {
            path += "/" + Self.escape(name)
            if let subresource { path += "/" + subresource }
        }
        return path
    }

    /// `plural.group` (`leases.coordination.k8s.io`), or the plural alone for the core group, as kubectl prints it.
    public var description: String {
        self.group.isEmpty ? self.plural : "\(self.plural).\(self.group)"
    }

    /// Percent-encodes a path segment (names are DNS labels, but a bad name must not change the path).
    static func escape(_ segment: String) -> String {
        var allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:@")
        allowed.remove("/")
        var out = ""
        for byte in segment.utf8 {
            let scalar = Character(Unicode.Scalar(byte))
            if byte < 0x80, allowed.contains(scalar) {
                out.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}

/// A Kubernetes object kind the API client can read and write: it names its ``APIResource`` and carries
/// `apiVersion`, `kind` and `metadata`.
public protocol KubeResource: Codable, Sendable {
    /// The REST mapping of this kind.
    static var resource: APIResource { get }
    /// `apiVersion` as sent and received; the client fills it in from ``resource`` when nil.
    var apiVersion: String? { get set }
    /// `kind` as sent and received; the client fills it in from ``resource`` when nil.
    var kind: String? { get set }
    /// Object metadata.
    var metadata: ObjectMeta { get set }
}

extension Pod: KubeResource {
    /// `pods` in core/v1, namespaced.
    public static let resource = APIResource(kind: "Pod", plural: "pods", namespaced: true)
}
