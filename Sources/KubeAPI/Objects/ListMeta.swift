/// Metadata of a list (`metav1.ListMeta`): the resourceVersion to watch from and the continue token of a paged list.
public struct ListMeta: Codable, Hashable, Sendable {
    /// Deprecated self link.
    public var selfLink: String?
    /// The collection's resourceVersion at the time of the list; a watch from it misses nothing.
    public var resourceVersion: String?
    /// Token for the next page (`continue`); nil or empty on the last page.
    public var continueToken: String?
    /// How many items the remaining pages hold, when the server knows.
    public var remainingItemCount: Int64?

    /// Creates a `ListMeta`; every parameter defaults to unset.
    public init(
        selfLink: String? = nil,
        resourceVersion: String? = nil,
        continueToken: String? = nil,
        remainingItemCount: Int64? = nil
    ) {
        self.selfLink = selfLink
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    private enum CodingKeys: String, CodingKey {
        case selfLink, resourceVersion, continueToken = "continue", remainingItemCount
    }
}

/// A list of objects of one kind (`PodList`, `NodeList`, ...): `metadata.resourceVersion`, `metadata.continue`
/// and `items`.
public struct KubeList<Item: Codable & Sendable>: Codable, Sendable {
    /// `v1` or `group/version`.
    public var apiVersion: String?
    /// `<Kind>List`, e.g. `PodList`.
    public var kind: String?
    /// resourceVersion and continue token.
    public var metadata: ListMeta
    /// The objects.
    public var items: [Item]

    /// Creates a list.
    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ListMeta = ListMeta(), items: [Item] = []) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, items
    }

    /// Decodes the list; `items: null` or missing is an empty list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ListMeta())
        self.items = try container.value(.items, default: [])
    }

    /// Encodes the list; `items` is always written, as upstream (`"items": []`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.items, forKey: .items)
    }
}

extension KubeList: Equatable where Item: Equatable {}
extension KubeList: Hashable where Item: Hashable {}
