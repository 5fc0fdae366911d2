/// One event of a watch stream (`metav1.WatchEvent`): one JSON object per line,
/// `{"type":"ADDED","object":{...}}`.
///
/// `BOOKMARK` carries only the collection's resourceVersion (its object has nothing but `kind`, `apiVersion` and
/// `metadata.resourceVersion`, plus the `k8s.io/initial-events-end` annotation); `ERROR` carries a ``Status``
/// (code 410 means the watch's resourceVersion is too old: relist).
public enum WatchEvent<Object: Sendable>: Sendable {
    /// The object was created (or existed when the watch started without a resourceVersion).
    case added(Object)
    /// The object changed.
    case modified(Object)
    /// The object was deleted; this is its last state.
    case deleted(Object)
    /// The collection reached `resourceVersion`; resume from it.
    case bookmark(resourceVersion: String)
    /// The server ended the watch with an error.
    case error(Status)

    /// The wire name of the event type: `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    public var type: String {
        switch self {
        case .added: "ADDED"
        case .modified: "MODIFIED"
        case .deleted: "DELETED"
        case .bookmark: "BOOKMARK"
        case .error: "ERROR"
        }
    }

    /// The object of an added, modified or deleted event.
    public var object: Object? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .bookmark, .error: nil
        }
    }
}

extension WatchEvent: Equatable where Object: Equatable {}
extension WatchEvent: Hashable where Object: Hashable {}

private enum WatchEventKeys: String, CodingKey {
    case type, object
}

private struct BookmarkObject: Codable {
    struct Meta: Codable {
        var resourceVersion: String?
    }
    var kind: String?
    var apiVersion: String?
    var metadata: Meta?
}

extension WatchEvent: Decodable where Object: Decodable {
    /// Decodes `{"type": ..., "object": ...}`.
    /// - Throws: `DecodingError` naming an unknown `type`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WatchEventKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": self = .added(try container.decode(Object.self, forKey: .object))
        case "MODIFIED": self = .modified(try container.decode(Object.self, forKey: .object))
        case "DELETED": self = .deleted(try container.decode(Object.self, forKey: .object))
        case "BOOKMARK":
            let object = try container.decode(BookmarkObject.self, forKey: .object)
            self = .bookmark(resourceVersion: object.metadata?.resourceVersion ?? "")
        case "ERROR": self = .error(try container.decode(Status.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: container,
                debugDescription:
                    "unknown watch event type \"\(type)\": expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR"
            )
        }
    }
}

extension WatchEvent: Encodable where Object: KubeResource {
    /// Encodes `{"type": ..., "object": ...}` as the API server writes it (a bookmark's object carries the kind).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WatchEventKeys.self)
        try container.encode(self.type, forKey: .type)
        switch self {
        case .added(let object), .modified(let object), .deleted(let object):
            try container.encode(object, forKey: .object)
        case .bookmark(let resourceVersion):
            let object = BookmarkObject(
                kind: Object.resource.kind,
                apiVersion: Object.resource.apiVersion,
                metadata: .init(resourceVersion: resourceVersion)
            )
            try container.encode(object, forKey: .object)
        case .error(let status):
            try container.encode(status, forKey: .object)
        }
    }
}
